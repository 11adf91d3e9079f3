"""The public form's body: urlencoded fields in, the values the shared sign-on checks read out."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs


def form_fields(raw: bytes) -> dict[str, str] | None:
    """The urlencoded body's fields (the first of each name); None when it is not a form at all."""
    try:
        text = raw.decode("utf-8")
        parsed = parse_qs(text, keep_blank_values=True, max_num_fields=40, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        return None
    return {key: values[0] for key, values in parsed.items() if values}


def raw_form(fields: dict[str, str]) -> dict[str, Any]:
    """The form as validate_form reads it (the Slack modal's values, from the page's fields)."""
    values: dict[str, Any] = {name: fields.get(name) for name in ("org_name", "name", "title", "email")}
    values.update(
        city_state=fields.get("city_state"),
        org_type=fields.get("org_type") or None,
        note=fields.get("note"),
        authorized=fields.get("authorized") == "yes",
    )
    return values
