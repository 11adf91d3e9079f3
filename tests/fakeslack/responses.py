"""response_url handling (slack-platform.md §2.4, §7.2 last row).

The driver mints ``http://127.0.0.1:PORT/response/<id>`` for each slash command and each message
interaction. A POST there takes a JSON body with ``text``/``blocks``/``attachments``,
``response_type`` (``ephemeral`` default, or ``in_channel``), ``replace_original``,
``delete_original`` and ``thread_ts``, and changes the fake's message store accordingly. Slack allows
5 uses within 30 minutes; the error answer after that is UNVERIFIED — the fake answers HTTP 404 with
body ``used_url`` / ``expired_url`` and records a violation. Invalid blocks answer HTTP 400
``invalid_blocks`` as incoming webhooks do (java-slack-sdk#1017).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .content import parse_content
from .errors import ApiError
from .state import Ephemeral, Message, ResponseUrl

if TYPE_CHECKING:
    from .fake import FakeSlack

MAX_USES = 5
TTL_SECONDS = 30 * 60


@dataclass
class WebhookAnswer:
    status: int
    text: str


def handle_response_url(fake: FakeSlack, response_id: str, body: bytes) -> WebhookAnswer:
    """Apply one POST to a response_url; the caller holds the state lock."""
    state = fake.state
    rurl = state.response_urls.get(response_id)

    def refuse(status: int, text: str, why: str) -> WebhookAnswer:
        fake.record_violation(f"response_url: {why}")
        return WebhookAnswer(status, text)

    if rurl is None:
        return refuse(404, "no_service", f"unknown response_url id {response_id!r}")
    if state.now() - rurl.created_at > TTL_SECONDS:
        return refuse(404, "expired_url", "used more than 30 minutes after the interaction")
    if rurl.uses >= MAX_USES:
        return refuse(404, "used_url", f"used more than {MAX_USES} times")
    rurl.uses += 1
    try:
        payload = json.loads(body.decode("utf-8")) if body else {}
    except (UnicodeDecodeError, ValueError):
        return refuse(400, "invalid_payload", "body is not JSON")
    if not isinstance(payload, dict):
        return refuse(400, "invalid_payload", "body is not a JSON object")
    if payload.get("delete_original"):
        if not _delete_original(fake, rurl):
            return refuse(404, "message_not_found", "delete_original but there is no original message")
        return WebhookAnswer(200, "ok")
    try:
        content = parse_content(payload, report=lambda m: fake.record_violation(f"response_url: {m}"))
    except ApiError as exc:
        return WebhookAnswer(400, exc.error)
    if content.empty:
        return refuse(400, "no_text", "no text, blocks or attachments")
    if payload.get("replace_original") and rurl.message_ts is not None:
        if not _replace_original(fake, rurl, content.text, content.blocks, content.attachments, payload):
            return refuse(404, "message_not_found", "replace_original but the original message is gone")
        return WebhookAnswer(200, "ok")
    thread_ts = payload.get("thread_ts")
    if payload.get("response_type") == "in_channel":
        post_as_app(
            fake,
            team_id=rurl.team_id,
            channel_id=rurl.channel_id,
            text=content.text,
            blocks=content.blocks,
            attachments=content.attachments,
            thread_ts=thread_ts,
            source="response_url",
        )
    else:
        state.ephemerals.append(
            Ephemeral(
                channel=rurl.channel_id,
                user=rurl.user_id,
                ts=state.ids.ts(),
                text=content.text or "",
                blocks=content.blocks,
                attachments=content.attachments,
                thread_ts=thread_ts,
                source="response_url",
                mrkdwn=payload.get("mrkdwn") is not False,
            )
        )
    return WebhookAnswer(200, "ok")


def post_as_app(
    fake: FakeSlack,
    *,
    team_id: str,
    channel_id: str,
    text: str | None,
    blocks: list[dict[str, Any]] | None,
    attachments: list[dict[str, Any]] | None,
    thread_ts: str | None,
    source: str,
) -> Message:
    """Post a message as the app's bot (no membership needed: it answers the user's own action)."""
    state = fake.state
    team = state.teams[team_id]
    message = Message(
        channel=channel_id,
        ts=state.ids.ts(),
        text=text or "",
        user=team.bot_user_id,
        team=team_id,
        bot_id=team.bot_id,
        app_id=state.app_id,
        blocks=blocks,
        attachments=attachments,
        thread_ts=thread_ts,
        source=source,
    )
    return state.add_message(message)


def _ephemeral(fake: FakeSlack, rurl: ResponseUrl) -> Ephemeral | None:
    for eph in fake.state.ephemerals:
        if eph.ts == rurl.message_ts and eph.user == rurl.user_id and not eph.deleted:
            return eph
    return None


def _delete_original(fake: FakeSlack, rurl: ResponseUrl) -> bool:
    if rurl.message_ts is None:
        return False
    if rurl.message_is_ephemeral:
        eph = _ephemeral(fake, rurl)
        if eph is None:
            return False
        eph.deleted = True
        return True
    message = fake.state.find_message(rurl.channel_id, rurl.message_ts)
    if message is None:
        return False
    message.deleted = True
    return True


def _replace_original(
    fake: FakeSlack,
    rurl: ResponseUrl,
    text: str | None,
    blocks: list[dict[str, Any]] | None,
    attachments: list[dict[str, Any]] | None,
    payload: dict[str, Any],
) -> bool:
    target: Message | Ephemeral | None
    if rurl.message_is_ephemeral:
        target = _ephemeral(fake, rurl)
    else:
        target = fake.state.find_message(rurl.channel_id, rurl.message_ts or "")
    if target is None:
        return False
    target.history.append(
        {"text": target.text, "blocks": target.blocks, "attachments": target.attachments, "mrkdwn": target.mrkdwn}
    )
    target.text = text or ""
    target.blocks = blocks
    target.attachments = attachments
    target.mrkdwn = payload.get("mrkdwn") is not False
    return True
