"""chat.* methods (slack-platform.md §3 table, §7.2).

Posting rules: unknown channel → ``channel_not_found`` (private channels the bot is not in look
unknown); archived → ``is_archived``; bot not a member → ``not_in_channel`` unless the channel is
public and the token has ``chat:write.public``; ``channel=U…`` posts into the bot's DM with that user
and answers the ``D…`` id; deactivated users can still be posted to (python-slack-sdk#1156).

``metadata`` on chat.postMessage / chat.update is validated by :mod:`..metadata`. chat.update in an
archived channel answers ``is_inactive`` ("cannot be edited within a frozen, archived or deleted
channel"; slack-api-ref ``methods/chat/chat.update.json`` — chat.update has no ``is_archived``).
Text over 40,000 characters is truncated with the warning ``message_truncated`` (both methods'
``warnings`` in slack-api-ref ``docs.slack.dev/methods/*.json``).
"""

from __future__ import annotations

from typing import Any

from ..content import parse_content
from ..errors import ApiError
from ..metadata import MetadataArgument, parse_metadata
from ..state import Channel, Ephemeral, Message
from .base import ApiRequest, api_method

CHAT_WRITE = ("chat:write",)


def resolve_channel(req: ApiRequest, channel_arg: str | None) -> Channel:
    """``channel`` as chat.* accept it: a conversation ID, a user ID (their DM) or a channel name."""
    if not channel_arg:
        raise ApiError("channel_not_found")
    state = req.state
    if channel_arg[0] in "UW" and channel_arg in state.users:
        user = state.users[channel_arg]
        if not user.visible or not user.dm_allowed or user.is_bot:
            raise ApiError("channel_not_found")
        if user.team_id != req.auth.team_id and not state.shares_channel(user.id, req.bot_user_id):
            raise ApiError("channel_not_found")
        dm = state.dm_with(req.bot_user_id, user.id, req.auth.team_id)
        assert dm is not None
        return dm
    if channel_arg in state.channels:
        return req.channel(channel_arg)
    name = channel_arg.lstrip("#")
    for channel in state.channels.values():
        if channel.name == name and not channel.is_im and req.can_see(channel):
            return channel
    raise ApiError("channel_not_found")


def ensure_can_post(req: ApiRequest, channel: Channel) -> None:
    if channel.is_archived:
        raise ApiError("is_archived")
    if req.bot_user_id in channel.members:
        return
    public = not (channel.is_private or channel.is_im or channel.is_mpim)
    if public and "chat:write.public" in req.auth.scopes:
        return
    raise ApiError("not_in_channel")


def _metadata(req: ApiRequest) -> MetadataArgument:
    argument = parse_metadata(
        req.params.get("metadata"), token_kind=req.auth.kind, max_bytes=req.fake.metadata_max_bytes
    )
    if argument.warning:
        req.warn(argument.warning)
    return argument


@api_method("chat.postMessage", scopes=CHAT_WRITE)
def post_message(req: ApiRequest) -> dict[str, Any]:
    channel = resolve_channel(req, req.arg("channel"))
    ensure_can_post(req, channel)
    content = parse_content(req.params, report=req.violation)
    if content.empty:
        raise ApiError("no_text")
    metadata = _metadata(req)
    if content.truncated:
        req.warn("message_truncated")
    message = Message(
        channel=channel.id,
        ts=req.state.ids.ts(),
        text=content.text or "",
        user=req.bot_user_id,
        team=req.auth.team_id,
        bot_id=req.auth.bot_id,
        app_id=req.state.app_id,
        blocks=content.blocks,
        attachments=content.attachments,
        thread_ts=req.arg("thread_ts"),
        reply_broadcast=bool(req.arg("thread_ts")) and req.flag("reply_broadcast"),
        metadata=metadata.value,
        mrkdwn=req.flag("mrkdwn", True),
    )
    req.state.add_message(message)
    return {"channel": channel.id, "ts": message.ts, "message": req.state.message_json(message)}


def _own_message(req: ApiRequest, *, ts_arg: str, not_mine: str) -> tuple[Channel, Message]:
    channel = req.channel(req.arg("channel"))
    message = req.state.find_message(channel.id, req.arg(ts_arg) or "")
    if message is None:
        raise ApiError("message_not_found")
    if message.user != req.bot_user_id:
        raise ApiError(not_mine)
    return channel, message


@api_method("chat.update", scopes=CHAT_WRITE)
def update(req: ApiRequest) -> dict[str, Any]:
    """Replace text/blocks/attachments; omitted fields are retained (docs.slack.dev chat.update)."""
    channel, message = _own_message(req, ts_arg="ts", not_mine="cant_update_message")
    if channel.is_archived:
        raise ApiError("is_inactive")
    content = parse_content(req.params, report=req.violation)
    provided = [k for k in ("text", "blocks", "attachments") if req.params.get(k) not in (None, "")]
    if not provided:
        # A metadata-only update is refused too (UNVERIFIED: the docs only say text/blocks/attachments).
        raise ApiError("no_text")
    metadata = _metadata(req)
    if content.truncated:
        req.warn("message_truncated")
    message.history.append(
        {
            "text": message.text,
            "blocks": message.blocks,
            "attachments": message.attachments,
            "edited": message.edited,
            "mrkdwn": message.mrkdwn,
        }
    )
    if "text" in provided:
        message.text = content.text or ""
    if "blocks" in provided:
        message.blocks = content.blocks or None
    if "attachments" in provided:
        message.attachments = content.attachments or None
    if metadata.sent:
        message.metadata = metadata.value  # {} clears it; absent keeps it
    if req.params.get("mrkdwn") not in (None, ""):
        message.mrkdwn = req.flag("mrkdwn", True)
    message.edited = {"user": req.bot_user_id, "ts": req.state.ids.ts()}
    body = req.state.message_json(message)
    return {"channel": channel.id, "ts": message.ts, "text": message.text, "message": body}


@api_method("chat.delete", scopes=CHAT_WRITE)
def delete(req: ApiRequest) -> dict[str, Any]:
    channel, message = _own_message(req, ts_arg="ts", not_mine="cant_delete_message")
    message.deleted = True
    return {"channel": channel.id, "ts": message.ts}


@api_method("chat.postEphemeral", scopes=CHAT_WRITE)
def post_ephemeral(req: ApiRequest) -> dict[str, Any]:
    channel = resolve_channel(req, req.arg("channel"))
    user = req.user(req.arg("user"))
    if channel.is_archived:
        raise ApiError("is_archived")
    if user.id not in channel.members:
        raise ApiError("user_not_in_channel")
    ensure_can_post(req, channel)
    content = parse_content(req.params, report=req.violation)
    if content.empty:
        raise ApiError("no_text")
    eph = Ephemeral(
        channel=channel.id,
        user=user.id,
        ts=req.state.ids.ts(),
        text=content.text or "",
        blocks=content.blocks,
        attachments=content.attachments,
        thread_ts=req.arg("thread_ts"),
        source="chat.postEphemeral",
        mrkdwn=req.flag("mrkdwn", True),
    )
    req.state.ephemerals.append(eph)
    return {"message_ts": eph.ts}


@api_method("chat.getPermalink")
def get_permalink(req: ApiRequest) -> dict[str, Any]:
    channel = req.channel(req.arg("channel"))
    message = req.state.find_message(channel.id, req.arg("message_ts") or "")
    if message is None:
        raise ApiError("message_not_found")
    domain = req.state.teams[channel.team_id].domain if channel.team_id in req.state.teams else req.team.domain
    link = f"https://{domain}.slack.com/archives/{channel.id}/p{message.ts.replace('.', '')}"
    if message.thread_ts and message.thread_ts != message.ts:
        link += f"?thread_ts={message.thread_ts}&cid={channel.id}"
    return {"channel": channel.id, "permalink": link}
