"""Message metadata on chat.postMessage and chat.update.

Sources:

* https://docs.slack.dev/messaging/message-metadata (``.md`` copy): a payload has ``event_type`` ("a
  string ... letters, numbers, underscores, and hyphens, but not periods or other punctuation") and
  ``event_payload`` ("a JSON object"); "Metadata with an invalid ``event_type`` returns an
  ``invalid_metadata_schema`` warning and is ignored".
* slack-ruby/slack-api-ref ``docs.slack.dev/methods/chat.postMessage.json`` and ``chat.update.json``:
  ``metadata`` is a "JSON object with event_type and event_payload fields, presented as a URL-encoded
  string" (slack_sdk sends an object in its JSON bodies); errors ``invalid_metadata_format``
  ("Invalid metadata format provided"), ``invalid_metadata_schema`` ("Invalid metadata schema
  provided"), ``metadata_too_large`` ("Metadata exceeds size limit"), ``metadata_must_be_sent_from_app``
  ("can only be posted or updated using an app-level token"). chat.update: "If you don't include this
  field, the message's previous ``metadata`` will be retained. To remove previous ``metadata``, include
  an empty object".
* slack_sdk ``models/metadata``: ``EventAndEntityMetadata`` adds ``entities`` (work objects).

Mapping of malformed input to those codes (UNVERIFIED where the docs name a code but not its cause):
not JSON / not an object → ``invalid_metadata_format``; an object without a string ``event_type`` or
without an object ``event_payload`` → ``invalid_metadata_schema`` (error); an ``event_type`` with
other characters → warning ``invalid_metadata_schema``, metadata dropped; larger than
``FakeSlack.metadata_max_bytes`` (default 8,000 bytes of compact JSON — the real limit is
UNVERIFIED) → ``metadata_too_large``; sent with a user token → ``metadata_must_be_sent_from_app``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .errors import ApiError

EVENT_TYPE = re.compile(r"[A-Za-z0-9_-]+")
DEFAULT_MAX_BYTES = 8_000
INVALID_SCHEMA = "invalid_metadata_schema"


@dataclass(frozen=True)
class MetadataArgument:
    """What a ``metadata`` argument asks for.

    ``sent`` is false when the argument was absent (or ignored with a warning): chat.update keeps
    the old metadata. ``value`` is ``None`` for ``{}`` (chat.update clears the metadata).
    """

    sent: bool
    value: dict[str, Any] | None = None
    warning: str | None = None


NOT_SENT = MetadataArgument(sent=False)


def parse_metadata(raw: Any, *, token_kind: str, max_bytes: int = DEFAULT_MAX_BYTES) -> MetadataArgument:
    """Validate a ``metadata`` argument (a JSON string from a form body, an object from JSON)."""
    if raw is None or raw == "":
        return NOT_SENT
    if token_kind == "user":
        raise ApiError("metadata_must_be_sent_from_app")
    value = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            raise ApiError("invalid_metadata_format") from None
    if not isinstance(value, dict):
        raise ApiError("invalid_metadata_format")
    if not value:
        return MetadataArgument(sent=True, value=None)
    if len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")) > max_bytes:
        raise ApiError("metadata_too_large")
    if "event_type" not in value and isinstance(value.get("entities"), list):
        return MetadataArgument(sent=True, value=value)  # work-object metadata: entities only
    event_type = value.get("event_type")
    if not isinstance(event_type, str) or not event_type or not isinstance(value.get("event_payload"), dict):
        raise ApiError(INVALID_SCHEMA)
    if not EVENT_TYPE.fullmatch(event_type):
        return MetadataArgument(sent=False, warning=INVALID_SCHEMA)
    return MetadataArgument(sent=True, value=value)
