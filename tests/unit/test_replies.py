"""An answer to a button press that Slack does not take is logged, never raised: what the button did is done."""

from __future__ import annotations

from unittest.mock import MagicMock

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.flows.replies import reply


def refusing_client(error: Exception) -> MagicMock:
    client = MagicMock()
    client.chat_postMessage.side_effect = error
    return client


def api_error() -> SlackApiError:
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="chat.postMessage",
        req_args={},
        data={"ok": False, "error": "fatal_error"},
        headers={},
        status_code=500,
    )
    return SlackApiError("fatal_error", response)


@pytest.mark.parametrize("error", [ConnectionResetError(104, "reset"), TimeoutError("timed out"), api_error()])
def test_a_lost_answer_from_a_view_is_logged_not_raised(error: Exception, caplog: pytest.LogCaptureFixture) -> None:
    client = refusing_client(error)
    reply(MagicMock(), {"user": {"id": "U1"}}, client, "Kept.")
    client.chat_postMessage.assert_called_once()
    assert "answer to a button press not delivered" in caplog.text


def test_an_unreachable_response_url_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    respond = MagicMock(proxy=None, ssl=None)
    # A closed local port: the connection is refused at once.
    reply(respond, {"user": {"id": "U1"}, "response_url": "http://127.0.0.1:9/hook"}, MagicMock(), "Kept.")
    assert "answer to a button press not delivered" in caplog.text
