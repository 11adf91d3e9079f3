"""Issue 12: `/signon export` in a channel with two open letters asks which one, as edit and close do."""

from __future__ import annotations

import json

from tests.conftest import Coalition, RunningApp
from tests.e2e.steps import create_letter, reply


def test_export_in_a_channel_with_two_open_letters_asks_which(app: RunningApp, coalition: Coalition) -> None:
    first = create_letter(app, coalition, title="Protect Due Process Now")
    second = create_letter(app, coalition, title="Fund Legal Counsel")
    response = app.driver.slash_command(coalition.coordinator, "/signon", "export", channel_id=coalition.public)
    answer = reply(response)
    assert "Preparing the export" not in answer
    assert "Protect Due Process Now" in answer and "Fund Legal Counsel" in answer
    values = {str(e.get("value")) for b in (response.json or {}).get("blocks", []) for e in b.get("elements", [])}
    assert any(str(first) in v for v in values) and any(str(second) in v for v in values), json.dumps(response.json)
    # Named, it goes ahead.
    named = reply(
        app.driver.slash_command(coalition.coordinator, "/signon", f"export {first}", channel_id=coalition.public)
    )
    assert "Preparing the export" in named
