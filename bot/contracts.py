"""What signon puts into Slack and reads back: ``private_metadata`` of its modals and the values of its buttons.

Every shape is written by ``dump()`` and read by ``load()``. Payloads can be crafted, so ``load()`` returns
None for anything signon did not write: ids beyond what the database stores, channels that are no Slack id,
sources that do not exist. The status and source enums stored in the database live in :mod:`db.enums`; the
source travels in payloads, so it is re-exported here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from db.enums import Language, Source

__all__ = [
    "EXPORT_FORMATS",
    "DelegateButton",
    "ExportButton",
    "LetterButton",
    "LetterFormContext",
    "MergeButton",
    "PickerContext",
    "ReadButton",
    "SignOnContext",
    "SignatoryButton",
    "Source",
    "WithdrawContext",
    "parse_id",
]

# Row ids are INTEGER columns: anything outside 1 .. 2**31 - 1 comes from a crafted payload.
ID_MAX = 2**31 - 1
SLACK_ID_MAX = 32
EXPORT_FORMATS = ("text", "csv", "all")


def parse_id(value: object) -> int | None:
    """A database row id from a payload value (``12``, ``"12"``), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 10):
            return None
        value = int(text)
    if isinstance(value, int) and 0 < value <= ID_MAX:
        return value
    return None


def slack_id(value: object) -> str | None:
    """A Slack id (``C012AB3CD``, ``U…``, ``T…``) from a payload value, or None."""
    if isinstance(value, str) and 0 < len(value) <= SLACK_ID_MAX and value.isascii() and value.isalnum():
        return value
    return None


def _json_object(text: object) -> dict[str, Any] | None:
    if not isinstance(text, str) or len(text) > 3000:
        return None
    try:
        data = json.loads(text or "{}")
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _source(value: object, default: Source) -> Source:
    try:
        return Source(value) if isinstance(value, str) else default
    except ValueError:
        return default


# ---------------------------------------------------------------------------------------------------
# private_metadata
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignOnContext:
    """The sign-on and edit modals: which letter, where the member came from, and (editing) which sign-on."""

    letter_id: int
    source: Source
    channel_id: str | None = None
    signatory_id: int | None = None
    # Proof that this form was shown to its person after a check that they may see the letter (bot/slack/passes.py).
    seen_pass: str | None = None

    def dump(self) -> str:
        data = {"l": self.letter_id, "s": self.source, "c": self.channel_id, "sig": self.signatory_id}
        return json.dumps({**data, "p": self.seen_pass} if self.seen_pass else data)

    @staticmethod
    def load(text: object) -> SignOnContext | None:
        data = _json_object(text)
        if data is None:
            return None
        letter_id = parse_id(data.get("l"))
        signatory_id = parse_id(data.get("sig")) if data.get("sig") is not None else None
        if letter_id is None or (data.get("sig") is not None and signatory_id is None):
            return None
        seen = data.get("p")
        return SignOnContext(
            letter_id,
            _source(data.get("s"), Source.SLASH_COMMAND),
            slack_id(data.get("c")),
            signatory_id,
            seen if isinstance(seen, str) and len(seen) <= 64 and seen.isascii() else None,
        )


@dataclass(frozen=True)
class PickerContext:
    """The letter picker: where the member came from, carried on to the form they pick."""

    source: Source
    channel_id: str | None = None

    def dump(self) -> str:
        return json.dumps({"s": self.source, "c": self.channel_id})

    @staticmethod
    def load(text: object) -> PickerContext | None:
        data = _json_object(text)
        if data is None:
            return None
        return PickerContext(_source(data.get("s"), Source.SLASH_COMMAND), slack_id(data.get("c")))


@dataclass(frozen=True)
class LetterFormContext:
    """The letter modal (new, edit) and the reopen modal: the letter being changed, None for a new one."""

    letter_id: int | None

    def dump(self) -> str:
        return json.dumps({"letter_id": self.letter_id})

    @staticmethod
    def load(text: object) -> LetterFormContext | None:
        data = _json_object(text)
        if data is None:
            return None
        letter_id = parse_id(data.get("letter_id"))
        return LetterFormContext(letter_id) if letter_id is not None else None


@dataclass(frozen=True)
class WithdrawContext:
    """The withdrawal confirmation modal: the sign-on to take off the letter."""

    signatory_id: int

    def dump(self) -> str:
        return json.dumps({"sig": self.signatory_id})

    @staticmethod
    def load(text: object) -> WithdrawContext | None:
        data = _json_object(text)
        signatory_id = parse_id(data.get("sig")) if data is not None else None
        return WithdrawContext(signatory_id) if signatory_id is not None else None


# ---------------------------------------------------------------------------------------------------
# Button values
# ---------------------------------------------------------------------------------------------------


def _id_and_tail(value: object) -> tuple[int, str] | None:
    """``"12"`` -> (12, ""), ``"12:csv"`` -> (12, "csv"); None for anything else."""
    if not isinstance(value, str) or len(value) > 100:
        return None
    head, _, tail = value.partition(":")
    row_id = parse_id(head)
    return (row_id, tail) if row_id is not None else None


def _parts(value: object, count: int) -> list[str] | None:
    if not isinstance(value, str) or len(value) > 100:
        return None
    parts = value.split(":")
    return parts if len(parts) == count else None


@dataclass(frozen=True)
class LetterButton:
    """``"12"`` or ``"12:reminder_dm"``: a letter, and where the button was (Sign on, Read, Edit, Close…)."""

    letter_id: int
    source: Source | None = None

    def dump(self) -> str:
        return f"{self.letter_id}:{self.source}" if self.source else str(self.letter_id)

    @staticmethod
    def load(value: object) -> LetterButton | None:
        parsed = _id_and_tail(value)
        if parsed is None:
            return None
        letter_id, tail = parsed
        try:
            source = Source(tail) if tail else None
        except ValueError:
            source = None
        return LetterButton(letter_id, source)


@dataclass(frozen=True)
class ReadButton:
    """``"12:es"``: read a letter's text in one of its languages."""

    letter_id: int
    language: Language

    def dump(self) -> str:
        return f"{self.letter_id}:{self.language}"

    @staticmethod
    def load(value: object) -> ReadButton | None:
        parsed = _id_and_tail(value)
        if parsed is None or parsed[1] not in tuple(Language):
            return None
        return ReadButton(parsed[0], Language(parsed[1]))


@dataclass(frozen=True)
class SignatoryButton:
    """``"34"``: one organization's sign-on (Edit, Withdraw, Keep, Remove…)."""

    signatory_id: int

    def dump(self) -> str:
        return str(self.signatory_id)

    @staticmethod
    def load(value: object) -> SignatoryButton | None:
        parts = _parts(value, 1)
        signatory_id = parse_id(parts[0]) if parts else None
        return SignatoryButton(signatory_id) if signatory_id is not None else None


@dataclass(frozen=True)
class MergeButton:
    """``"34:56"``: fold sign-on 34 into sign-on 56."""

    source_id: int
    target_id: int

    def dump(self) -> str:
        return f"{self.source_id}:{self.target_id}"

    @staticmethod
    def load(value: object) -> MergeButton | None:
        parts = _parts(value, 2)
        if parts is None:
            return None
        source_id, target_id = parse_id(parts[0]), parse_id(parts[1])
        if source_id is None or target_id is None:
            return None
        return MergeButton(source_id, target_id)


@dataclass(frozen=True)
class DelegateButton:
    """``"34:U012AB3CD"``: let a person act for sign-on 34 too."""

    signatory_id: int
    user_id: str

    def dump(self) -> str:
        return f"{self.signatory_id}:{self.user_id}"

    @staticmethod
    def load(value: object) -> DelegateButton | None:
        parsed = _id_and_tail(value)
        user_id = slack_id(parsed[1]) if parsed else None
        return DelegateButton(parsed[0], user_id) if parsed and user_id else None


@dataclass(frozen=True)
class ExportButton:
    """``"12:csv"``: export a letter in one of :data:`EXPORT_FORMATS`."""

    letter_id: int
    fmt: str = "all"

    def dump(self) -> str:
        return f"{self.letter_id}:{self.fmt}"

    @staticmethod
    def load(value: object) -> ExportButton | None:
        parsed = _id_and_tail(value)
        if parsed is None:
            return None
        letter_id, tail = parsed
        return ExportButton(letter_id, tail if tail in EXPORT_FORMATS else "all")


@dataclass(frozen=True)
class RemindButton:
    """``"12:3"``: remind the signers of letter 12 who have not confirmed its current version; the button was made
    at reminder round 3, so pressing it twice starts one round (the second press finds round 4 started)."""

    letter_id: int
    round: int

    def dump(self) -> str:
        return f"{self.letter_id}:{self.round}"

    @staticmethod
    def load(value: object) -> RemindButton | None:
        parsed = _id_and_tail(value)
        if parsed is None or not parsed[1].isdigit() or len(parsed[1]) > 9:
            return None
        return RemindButton(parsed[0], int(parsed[1]))
