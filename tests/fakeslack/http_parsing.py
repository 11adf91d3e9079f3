"""Request-body parsing for the Web API (slack-platform.md §1.7, §7.1).

slack_sdk sends JSON (``application/json;charset=utf-8``) for chat.* and views.*, form encoding for
most other methods, multipart for legacy ``files.upload``, and GET query strings are legal too.
Form values are strings; booleans arrive as ``"1"``/``"0"`` (or ``"true"``/``"false"``).
"""

from __future__ import annotations

import json
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl


class BodyError(ValueError):
    """The body could not be parsed; ``code`` is the Slack error to answer."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def parse_params(query: str, body: bytes, content_type: str) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Merge query string and body parameters; return ``(params, uploaded files)``.

    Body values win over query values, as Slack documents for duplicate arguments.
    """
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True)) if query else {}
    files: dict[str, bytes] = {}
    if not body:
        return params, files
    ctype = content_type.split(";", 1)[0].strip().lower()
    if ctype == "application/json":
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise BodyError("invalid_json") from exc
        if not isinstance(data, dict):
            raise BodyError("json_not_object")
        params.update(data)
    elif ctype == "multipart/form-data":
        fields, files = parse_multipart(body, content_type)
        params.update(fields)
    else:
        try:
            params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False))
        except UnicodeDecodeError as exc:
            raise BodyError("invalid_charset") from exc
    return params, files


def parse_multipart(body: bytes, content_type: str) -> tuple[dict[str, str], dict[str, bytes]]:
    """Split a ``multipart/form-data`` body into text fields and file parts."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise BodyError("invalid_form_data")
    fields: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        raw = part.get_payload(decode=True)
        payload = raw if isinstance(raw, bytes) else b""
        if part.get_filename() is not None:
            files[str(name)] = payload
        else:
            fields[str(name)] = payload.decode("utf-8", "replace")
    return fields, files


def as_bool(value: Any, default: bool = False) -> bool:
    """Slack's boolean argument parsing: ``1``/``0``/``true``/``false`` (form) or JSON booleans."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    return str(value).strip().lower() in ("1", "true", "yes")


def as_json(value: Any) -> Any:
    """Arguments like ``blocks``/``view``/``files`` may be a JSON string (form) or already an object."""
    if isinstance(value, str):
        return json.loads(value)
    return value
