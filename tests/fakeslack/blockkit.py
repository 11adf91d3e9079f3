"""Block Kit validation with Slack's documented limits.

Written from the Block Kit reference (slack-platform.md §2.9 modal limits, §2.10 message limits, §7.2),
not from slack_sdk's models (the self-test cross-checks against those). Problems are reported the way
Slack reports them in ``response_metadata.messages``::

    [ERROR] must be less than 25 characters [json-pointer:/view/title/text]

Surfaces: ``message`` (≤50 blocks, also used for response_url bodies and slash-command acks),
``modal`` and ``home`` (≤100 blocks). Also holds the helpers that know which elements carry user state
(used for ``state.values`` in payloads and for preserving input on ``views.update``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .ids import IdFactory

MESSAGE = "message"
MODAL = "modal"
HOME = "home"

MAX_BLOCKS = {MESSAGE: 50, MODAL: 100, HOME: 100}

#: Interactive elements that hold a value the user chose (they appear in ``state.values``).
STATEFUL_ELEMENTS = frozenset(
    {
        "checkboxes",
        "radio_buttons",
        "static_select",
        "external_select",
        "users_select",
        "conversations_select",
        "channels_select",
        "multi_static_select",
        "multi_external_select",
        "multi_users_select",
        "multi_conversations_select",
        "multi_channels_select",
        "datepicker",
        "timepicker",
        "datetimepicker",
        "plain_text_input",
        "email_text_input",
        "url_text_input",
        "number_input",
        "rich_text_input",
        "file_input",
    }
)
_SELECTS = frozenset(
    {
        "static_select",
        "external_select",
        "users_select",
        "conversations_select",
        "channels_select",
        "multi_static_select",
        "multi_external_select",
        "multi_users_select",
        "multi_conversations_select",
        "multi_channels_select",
    }
)
_PICKERS = frozenset({"datepicker", "timepicker", "datetimepicker"})
_TEXT_INPUTS = frozenset(
    {
        "plain_text_input",
        "email_text_input",
        "url_text_input",
        "number_input",
        "rich_text_input",
        "file_input",
    }
)
#: Elements with an ``action_id`` (everything interactive; the image element is not).
INTERACTIVE_ELEMENTS = STATEFUL_ELEMENTS | {"button", "overflow", "workflow_button"}

SECTION_ACCESSORIES = (
    _SELECTS | _PICKERS | {"button", "checkboxes", "image", "overflow", "radio_buttons", "workflow_button"}
) - {"datetimepicker"}
ACTIONS_ELEMENTS = _SELECTS | _PICKERS | {"button", "checkboxes", "overflow", "radio_buttons", "workflow_button"}
INPUT_ELEMENTS = _SELECTS | _PICKERS | _TEXT_INPUTS | {"checkboxes", "radio_buttons"}

KNOWN_BLOCKS = frozenset(
    {
        "actions",
        "context",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "video",
    }
)
_MESSAGE_ONLY_BLOCKS = frozenset({"file", "markdown"})

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class Problem:
    """One validation failure, located by a JSON pointer into the request."""

    pointer: str
    message: str

    def __str__(self) -> str:
        return f"[ERROR] {self.message} [json-pointer:{self.pointer}]"


class _Checker:
    """Walks a surface and collects :class:`Problem` s."""

    def __init__(self, surface: str) -> None:
        self.surface = surface
        self.problems: list[Problem] = []

    def err(self, pointer: str, message: str) -> None:
        self.problems.append(Problem(pointer, message))

    # -- primitives ---------------------------------------------------------------------------------

    def string(
        self,
        obj: dict[str, Any],
        key: str,
        ptr: str,
        *,
        max_len: int | None = None,
        min_len: int = 0,
        required: bool = False,
    ) -> str | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.err(ptr, f"missing required field: {key}")
            return None
        here = f"{ptr}/{key}"
        if not isinstance(value, str):
            self.err(here, "must provide a string")
            return None
        if max_len is not None and len(value) > max_len:
            self.err(here, f"must be less than {max_len + 1} characters")
        if len(value) < min_len:
            self.err(here, f"must be more than {min_len - 1} characters")
        return value

    def boolean(self, obj: dict[str, Any], key: str, ptr: str) -> None:
        if key in obj and not isinstance(obj[key], bool):
            self.err(f"{ptr}/{key}", "must provide a boolean")

    def integer(self, obj: dict[str, Any], key: str, ptr: str, *, lo: int, hi: int | None = None) -> None:
        if key not in obj:
            return
        value = obj[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.err(f"{ptr}/{key}", "must provide an integer")
        elif value < lo:
            self.err(f"{ptr}/{key}", f"must be at least {lo}")
        elif hi is not None and value > hi:
            self.err(f"{ptr}/{key}", f"must be at most {hi}")

    def array(
        self,
        obj: dict[str, Any],
        key: str,
        ptr: str,
        *,
        max_items: int,
        min_items: int = 1,
        required: bool = False,
    ) -> list[Any] | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.err(ptr, f"missing required field: {key}")
            return None
        here = f"{ptr}/{key}"
        if not isinstance(value, list):
            self.err(here, "must provide an array")
            return None
        if len(value) > max_items:
            self.err(here, f"no more than {max_items} items allowed")
        if len(value) < min_items:
            self.err(here, f"must provide at least {min_items} items")
        return value

    def text(
        self,
        obj: dict[str, Any],
        key: str,
        ptr: str,
        *,
        max_len: int,
        plain_only: bool = False,
        required: bool = False,
        min_len: int = 1,
    ) -> None:
        """A text composition object (``plain_text`` / ``mrkdwn``) at ``obj[key]``."""
        value = obj.get(key)
        if value is None:
            if required:
                self.err(ptr, f"missing required field: {key}")
            return
        self.text_object(value, f"{ptr}/{key}", max_len=max_len, plain_only=plain_only, min_len=min_len)

    def text_object(self, value: Any, ptr: str, *, max_len: int, plain_only: bool = False, min_len: int = 1) -> None:
        if not isinstance(value, dict):
            self.err(ptr, "must provide an object")
            return
        kind = value.get("type")
        allowed = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
        if kind not in allowed:
            self.err(f"{ptr}/type", f"must be a valid enum value ({' or '.join(allowed)})")
        self.string(value, "text", ptr, max_len=max_len, min_len=min_len, required=True)
        if kind == "plain_text":
            self.boolean(value, "emoji", ptr)
        elif kind == "mrkdwn":
            self.boolean(value, "verbatim", ptr)

    # -- composition objects ------------------------------------------------------------------------

    def confirm(self, obj: dict[str, Any], ptr: str) -> None:
        conf = obj.get("confirm")
        if conf is None:
            return
        here = f"{ptr}/confirm"
        if not isinstance(conf, dict):
            self.err(here, "must provide an object")
            return
        self.text(conf, "title", here, max_len=100, plain_only=True, required=True)
        self.text(conf, "text", here, max_len=300, required=True)
        self.text(conf, "confirm", here, max_len=30, plain_only=True, required=True)
        self.text(conf, "deny", here, max_len=30, plain_only=True, required=True)
        if "style" in conf and conf["style"] not in ("primary", "danger"):
            self.err(f"{here}/style", "must be a valid enum value (primary or danger)")

    def option(self, opt: Any, ptr: str, *, mrkdwn_ok: bool, url_ok: bool = False) -> None:
        if not isinstance(opt, dict):
            self.err(ptr, "must provide an object")
            return
        self.text(opt, "text", ptr, max_len=75, plain_only=not mrkdwn_ok, required=True)
        self.string(opt, "value", ptr, max_len=150, min_len=1, required=True)
        self.text(opt, "description", ptr, max_len=75, plain_only=not mrkdwn_ok)
        if "url" in opt:
            if url_ok:
                self.string(opt, "url", ptr, max_len=3000, min_len=1)
            else:
                self.err(f"{ptr}/url", "url is only allowed in overflow menu options")

    def options(
        self,
        el: dict[str, Any],
        ptr: str,
        *,
        max_items: int,
        mrkdwn_ok: bool,
        url_ok: bool = False,
        min_items: int = 1,
    ) -> list[dict[str, Any]]:
        """Validate ``options`` (and ``option_groups`` for static selects); return the flat option list."""
        flat: list[dict[str, Any]] = []
        opts = el.get("options")
        groups = el.get("option_groups")
        is_static = el.get("type") in ("static_select", "multi_static_select")
        if is_static and (opts is None) == (groups is None):
            self.err(ptr, "must provide exactly one of options or option_groups")
        if opts is not None:
            items = self.array(el, "options", ptr, max_items=max_items, min_items=min_items)
            for i, opt in enumerate(items or []):
                self.option(opt, f"{ptr}/options/{i}", mrkdwn_ok=mrkdwn_ok, url_ok=url_ok)
                if isinstance(opt, dict):
                    flat.append(opt)
        if groups is not None:
            if not is_static:
                self.err(f"{ptr}/option_groups", "option_groups is only allowed in static selects")
            items = self.array(el, "option_groups", ptr, max_items=100)
            for gi, group in enumerate(items or []):
                gptr = f"{ptr}/option_groups/{gi}"
                if not isinstance(group, dict):
                    self.err(gptr, "must provide an object")
                    continue
                self.text(group, "label", gptr, max_len=75, plain_only=True, required=True)
                for oi, opt in enumerate(self.array(group, "options", gptr, max_items=100, required=True) or []):
                    self.option(opt, f"{gptr}/options/{oi}", mrkdwn_ok=False)
                    if isinstance(opt, dict):
                        flat.append(opt)
        elif opts is None and not is_static:
            self.err(ptr, "missing required field: options")
        return flat

    def initial_options(self, el: dict[str, Any], ptr: str, flat: list[dict[str, Any]]) -> None:
        values = {o.get("value") for o in flat}
        if "initial_option" in el:
            init = el["initial_option"]
            if not isinstance(init, dict) or init.get("value") not in values:
                self.err(f"{ptr}/initial_option", "initial_option must exactly match one of the options")
        if "initial_options" in el:
            inits = el["initial_options"]
            if not isinstance(inits, list):
                self.err(f"{ptr}/initial_options", "must provide an array")
                return
            for i, init in enumerate(inits):
                if not isinstance(init, dict) or init.get("value") not in values:
                    self.err(f"{ptr}/initial_options/{i}", "initial_options must exactly match the options")

    # -- elements -----------------------------------------------------------------------------------

    def element(self, el: Any, ptr: str, allowed: frozenset[str] | set[str], action_ids: set[str]) -> None:
        if not isinstance(el, dict):
            self.err(ptr, "must provide an object")
            return
        kind = el.get("type")
        if kind not in allowed:
            self.err(ptr, "failed to match all allowed schemas" + (f" (element type {kind!r} not allowed here)"))
            return
        if kind in INTERACTIVE_ELEMENTS:
            action_id = self.string(el, "action_id", ptr, max_len=255, min_len=1)
            if action_id is not None:
                if action_id in action_ids:
                    self.err(f"{ptr}/action_id", f"action_id {action_id!r} is not unique within the block")
                action_ids.add(action_id)
            self.boolean(el, "focus_on_load", ptr)
            self.confirm(el, ptr)
        placeholder_ok = kind in _SELECTS or kind in _PICKERS or kind in _TEXT_INPUTS
        if placeholder_ok:
            self.text(el, "placeholder", ptr, max_len=150, plain_only=True)
        getattr(self, "el_" + str(kind), self._no_extra)(el, ptr)

    def _no_extra(self, el: dict[str, Any], ptr: str) -> None:
        return None

    def el_button(self, el: dict[str, Any], ptr: str) -> None:
        self.text(el, "text", ptr, max_len=75, plain_only=True, required=True)
        self.string(el, "value", ptr, max_len=2000)
        self.string(el, "url", ptr, max_len=3000, min_len=1)
        self.string(el, "accessibility_label", ptr, max_len=75, min_len=1)
        if "style" in el and el["style"] not in ("primary", "danger"):
            self.err(f"{ptr}/style", "must be a valid enum value (primary or danger)")

    def el_workflow_button(self, el: dict[str, Any], ptr: str) -> None:
        self.text(el, "text", ptr, max_len=50, plain_only=True, required=True)
        if not isinstance(el.get("workflow"), dict):
            self.err(ptr, "missing required field: workflow")

    def el_image(self, el: dict[str, Any], ptr: str) -> None:
        self.string(el, "alt_text", ptr, max_len=2000, min_len=1, required=True)
        if "image_url" in el:
            self.string(el, "image_url", ptr, max_len=3000, min_len=1)
        elif "slack_file" not in el:
            self.err(ptr, "must provide either image_url or slack_file")

    def el_checkboxes(self, el: dict[str, Any], ptr: str) -> None:
        flat = self.options(el, ptr, max_items=10, mrkdwn_ok=True)
        self.initial_options(el, ptr, flat)

    el_radio_buttons = el_checkboxes

    def el_overflow(self, el: dict[str, Any], ptr: str) -> None:
        self.options(el, ptr, max_items=5, mrkdwn_ok=False, url_ok=True)

    def el_static_select(self, el: dict[str, Any], ptr: str) -> None:
        flat = self.options(el, ptr, max_items=100, mrkdwn_ok=False)
        self.initial_options(el, ptr, flat)
        self.integer(el, "max_selected_items", ptr, lo=1)

    el_multi_static_select = el_static_select

    def el_external_select(self, el: dict[str, Any], ptr: str) -> None:
        self.integer(el, "min_query_length", ptr, lo=0)
        self.integer(el, "max_selected_items", ptr, lo=1)
        if "initial_option" in el:
            self.option(el["initial_option"], f"{ptr}/initial_option", mrkdwn_ok=False)
        for i, opt in enumerate(el.get("initial_options") or []):
            self.option(opt, f"{ptr}/initial_options/{i}", mrkdwn_ok=False)

    el_multi_external_select = el_external_select

    def el_multi_users_select(self, el: dict[str, Any], ptr: str) -> None:
        self.integer(el, "max_selected_items", ptr, lo=1)

    el_multi_conversations_select = el_multi_users_select
    el_multi_channels_select = el_multi_users_select

    def el_datepicker(self, el: dict[str, Any], ptr: str) -> None:
        value = self.string(el, "initial_date", ptr)
        if value is not None and not _DATE_RE.match(value):
            self.err(f"{ptr}/initial_date", "must be a date in the format YYYY-MM-DD")

    def el_timepicker(self, el: dict[str, Any], ptr: str) -> None:
        value = self.string(el, "initial_time", ptr)
        if value is not None and not _TIME_RE.match(value):
            self.err(f"{ptr}/initial_time", "must be a time in the format HH:mm")
        self.string(el, "timezone", ptr, min_len=1)

    def el_datetimepicker(self, el: dict[str, Any], ptr: str) -> None:
        self.integer(el, "initial_date_time", ptr, lo=0)

    def el_plain_text_input(self, el: dict[str, Any], ptr: str) -> None:
        self.string(el, "initial_value", ptr)
        self.boolean(el, "multiline", ptr)
        self.integer(el, "min_length", ptr, lo=0, hi=3000)
        self.integer(el, "max_length", ptr, lo=1, hi=3000)
        lo, hi = el.get("min_length"), el.get("max_length")
        if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
            self.err(f"{ptr}/min_length", "min_length must not be greater than max_length")

    def el_email_text_input(self, el: dict[str, Any], ptr: str) -> None:
        self.string(el, "initial_value", ptr)

    el_url_text_input = el_email_text_input

    def el_number_input(self, el: dict[str, Any], ptr: str) -> None:
        if not isinstance(el.get("is_decimal_allowed"), bool):
            self.err(ptr, "missing required field: is_decimal_allowed")
        for key in ("initial_value", "min_value", "max_value"):
            self.string(el, key, ptr)

    def el_file_input(self, el: dict[str, Any], ptr: str) -> None:
        self.integer(el, "max_files", ptr, lo=1, hi=10)

    # -- blocks -------------------------------------------------------------------------------------

    def blocks(self, blocks: Any, ptr: str) -> None:
        if not isinstance(blocks, list):
            self.err(ptr, "must provide an array")
            return
        limit = MAX_BLOCKS[self.surface]
        if len(blocks) > limit:
            self.err(ptr, f"no more than {limit} items allowed")
        block_ids: set[str] = set()
        for i, block in enumerate(blocks):
            self.block(block, f"{ptr}/{i}", block_ids)

    def block(self, block: Any, ptr: str, block_ids: set[str]) -> None:
        if not isinstance(block, dict):
            self.err(ptr, "must provide an object")
            return
        kind = block.get("type")
        if kind not in KNOWN_BLOCKS:
            self.err(ptr, f"failed to match all allowed schemas (unknown block type {kind!r})")
            return
        if kind in _MESSAGE_ONLY_BLOCKS and self.surface != MESSAGE:
            self.err(ptr, f"failed to match all allowed schemas ({kind} blocks are only allowed in messages)")
            return
        block_id = self.string(block, "block_id", ptr, max_len=255, min_len=1)
        if block_id is not None:
            if block_id in block_ids:
                self.err(f"{ptr}/block_id", f"duplicate block_id {block_id!r}")
            block_ids.add(block_id)
        action_ids: set[str] = set()
        getattr(self, "block_" + kind)(block, ptr, action_ids)

    def block_section(self, b: dict[str, Any], ptr: str, action_ids: set[str]) -> None:
        if "text" not in b and "fields" not in b:
            self.err(ptr, "must define either `text` or `fields`")
        self.text(b, "text", ptr, max_len=3000)
        for i, field in enumerate(self.array(b, "fields", ptr, max_items=10) or []):
            self.text_object(field, f"{ptr}/fields/{i}", max_len=2000)
        if "accessory" in b:
            self.element(b["accessory"], f"{ptr}/accessory", SECTION_ACCESSORIES, action_ids)
        self.boolean(b, "expand", ptr)

    def block_header(self, b: dict[str, Any], ptr: str, action_ids: set[str]) -> None:
        self.text(b, "text", ptr, max_len=150, plain_only=True, required=True)

    def block_divider(self, b: dict[str, Any], ptr: str, action_ids: set[str]) -> None:
        return None

    def block_image(self, b: dict[str, Any], ptr: str, action_ids: set[str]) -> None:
        self.el_image(b, ptr)
        self.text(b, "title", ptr, max_len=2000, plain_only=True)

    def block_context(self, b: dict[str, Any], ptr: str, action_ids: set[str]) -> None:
        for i, el in enumerate(self.array(b, "elements", ptr, max_items=10, required=True) or []):
            here = f"{ptr}/elements/{i}"
            if isinstance(el, dict) and el.get("type") == "image":
                self.el_image(el, here)
            else:
                self.text_object(el, here, max_len=3000)

    def block_actions(self, b: dict[str, Any], ptr: str, action_ids: set[str]) -> None:
        for i, el in enumerate(self.array(b, "elements", ptr, max_items=25, required=True) or []):
            self.element(el, f"{ptr}/elements/{i}", ACTIONS_ELEMENTS, action_ids)

    def block_input(self, b: dict[str, Any], ptr: str, action_ids: set[str]) -> None:
        self.text(b, "label", ptr, max_len=2000, plain_only=True, required=True)
        self.text(b, "hint", ptr, max_len=2000, plain_only=True)
        self.boolean(b, "optional", ptr)
        self.boolean(b, "dispatch_action", ptr)
        if "element" not in b:
            self.err(ptr, "missing required field: element")
        else:
            self.element(b["element"], f"{ptr}/element", INPUT_ELEMENTS, action_ids)

    def block_rich_text(self, b: dict[str, Any], ptr: str, action_ids: set[str]) -> None:
        self.array(b, "elements", ptr, max_items=10_000, required=True)

    def block_markdown(self, b: dict[str, Any], ptr: str, action_ids: set[str]) -> None:
        self.string(b, "text", ptr, max_len=12_000, min_len=1, required=True)

    def block_file(self, b: dict[str, Any], ptr: str, action_ids: set[str]) -> None:
        self.string(b, "external_id", ptr, min_len=1, required=True)
        self.string(b, "source", ptr, min_len=1, required=True)

    def block_video(self, b: dict[str, Any], ptr: str, action_ids: set[str]) -> None:
        self.string(b, "alt_text", ptr, min_len=1, required=True)
        self.text(b, "title", ptr, max_len=200, plain_only=True, required=True)
        self.string(b, "thumbnail_url", ptr, min_len=1, required=True)
        self.string(b, "video_url", ptr, min_len=1, required=True)


def validate_message_blocks(blocks: Any, pointer: str = "/blocks") -> list[Problem]:
    """Problems in a message's ``blocks`` (chat.*, response_url, acks): ≤50 blocks (§2.10)."""
    checker = _Checker(MESSAGE)
    checker.blocks(blocks, pointer)
    return checker.problems


def validate_view(view: Any, *, pointer: str = "/view", expected_type: str | None = None) -> list[Problem]:
    """Problems in a modal or Home tab view (§2.9, §2.11).

    ``expected_type`` is ``"modal"`` for views.open/push, ``"home"`` for views.publish.
    """
    if not isinstance(view, dict):
        return [Problem(pointer, "must provide an object")]
    kind = view.get("type")
    checker = _Checker(MODAL if kind != HOME else HOME)
    if kind not in (MODAL, HOME) or (expected_type is not None and kind != expected_type):
        allowed = expected_type or "modal or home"
        checker.err(f"{pointer}/type", f"must be a valid enum value ({allowed})")
        return checker.problems
    if kind == MODAL:
        checker.text(view, "title", pointer, max_len=24, plain_only=True, required=True)
        checker.text(view, "close", pointer, max_len=24, plain_only=True)
        checker.text(view, "submit", pointer, max_len=24, plain_only=True)
        for key in ("clear_on_close", "notify_on_close", "submit_disabled"):
            checker.boolean(view, key, pointer)
    checker.string(view, "private_metadata", pointer, max_len=3000)
    checker.string(view, "callback_id", pointer, max_len=255)
    checker.string(view, "external_id", pointer, max_len=255)
    if "blocks" not in view:
        checker.err(pointer, "missing required field: blocks")
    else:
        checker.blocks(view["blocks"], f"{pointer}/blocks")
    if kind == MODAL and view.get("submit") is None and isinstance(view.get("blocks"), list):
        for i, block in enumerate(view["blocks"]):
            if isinstance(block, dict) and block.get("type") == "input":
                checker.err(f"{pointer}/blocks/{i}/input", "must define submit to use input block")
                break
    return checker.problems


# -- helpers over valid surfaces ------------------------------------------------------------------------


def iter_elements(blocks: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Yield ``(block, element)`` for every interactive element of already-validated blocks."""
    for block in blocks:
        kind = block.get("type")
        if kind == "actions":
            for el in block.get("elements", []):
                yield block, el
        elif kind == "input":
            yield block, block["element"]
        elif kind == "section" and isinstance(block.get("accessory"), dict):
            yield block, block["accessory"]


def assign_missing_ids(blocks: list[dict[str, Any]]) -> None:
    """Give blocks/elements without ``block_id``/``action_id`` random ones, as Slack does on storage."""
    for block in blocks:
        if "block_id" not in block:
            block["block_id"] = IdFactory.short_id(4)
    for _block, el in iter_elements(blocks):
        if el.get("type") in INTERACTIVE_ELEMENTS and "action_id" not in el:
            el["action_id"] = IdFactory.short_id(5)


def input_elements(blocks: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """``(input block, element)`` pairs."""
    for block in blocks:
        if block.get("type") == "input":
            yield block, block["element"]


def stateful_keys(blocks: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """``{(block_id, action_id): element type}`` for every element that carries user state."""
    keys: dict[tuple[str, str], str] = {}
    for block, el in iter_elements(blocks):
        if el.get("type") in STATEFUL_ELEMENTS:
            keys[(block["block_id"], el["action_id"])] = el["type"]
    return keys
