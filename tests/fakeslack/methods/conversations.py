"""conversations.* methods (slack-platform.md §3 table, §4, §7.2).

Visibility: public channels of the token's team (and channels shared with it) are visible; private
channels, DMs and MPIMs only when the bot is a member; everything else is ``channel_not_found``.
Read scopes depend on the conversation type (``channels:read``, ``groups:read``, ``im:read``,
``mpim:read``).
"""

from __future__ import annotations

from typing import Any

from ..errors import ApiError
from ..state import Channel
from .base import ApiRequest, api_method, paginate

MAX_DM_USERS = 8


def _dm_refusal(req: ApiRequest, user_id: str) -> None:
    """Raise the documented conversations.open error for a user the bot may not DM (§3, §4)."""
    state = req.state
    user = req.user(user_id)
    if not user.visible:
        raise ApiError("user_not_visible")
    if user.deleted:
        raise ApiError("user_disabled")
    if user.is_bot and user.id != req.bot_user_id:
        raise ApiError("cannot_dm_bot")
    if not user.dm_allowed:
        raise ApiError("invalid_user_combination")
    if user.team_id != req.auth.team_id and not state.shares_channel(user.id, req.bot_user_id):
        raise ApiError("invalid_user_combination")


@api_method("conversations.open", scopes=("im:write",))
def open_conversation(req: ApiRequest) -> dict[str, Any]:
    state = req.state
    channel_arg = req.arg("channel")
    if channel_arg:
        channel = req.channel(channel_arg)
        if not (channel.is_im or channel.is_mpim):
            raise ApiError("channel_not_found")
        return {"channel": {"id": channel.id}, "no_op": True, "already_open": True}
    users_arg = req.arg("users")
    if not users_arg:
        raise ApiError("users_list_not_supplied")
    user_ids = [u.strip() for u in users_arg.split(",") if u.strip()]
    if len(user_ids) > MAX_DM_USERS:
        raise ApiError("too_many_users")
    for user_id in user_ids:
        _dm_refusal(req, user_id)
    if len(user_ids) == 1:
        existing = state.dm_with(req.bot_user_id, user_ids[0], req.auth.team_id, create=False)
        if existing is None and req.flag("prevent_creation"):
            return {"channel": {"id": None}}
        dm = existing or state.dm_with(req.bot_user_id, user_ids[0], req.auth.team_id)
        assert dm is not None
        body: dict[str, Any] = {"channel": {"id": dm.id}}
        if req.flag("return_im"):
            body["channel"] = state.channel_json(dm, viewer_user=req.bot_user_id)
        if existing is not None:
            body.update(no_op=True, already_open=True)
        return body
    members = sorted({req.bot_user_id, *user_ids})
    for channel in state.channels.values():
        if channel.is_mpim and sorted(channel.members) == members:
            return {"channel": {"id": channel.id}, "no_op": True, "already_open": True}
    names = [state.users[u].name for u in members if u in state.users]
    mpim = Channel(
        id=state.ids.new("G"),
        name="mpdm-" + "--".join(names) + "-1",
        team_id=req.auth.team_id,
        created=int(state.now()),
        is_private=True,
        is_mpim=True,
        members=dict.fromkeys(members),
    )
    state.channels[mpim.id] = mpim
    return {"channel": {"id": mpim.id}}


@api_method("conversations.join", scopes=("channels:join",))
def join(req: ApiRequest) -> dict[str, Any]:
    channel = req.state.channels.get(req.arg("channel") or "")
    if channel is None or not req.state.team_sees_channel(req.auth.team_id, channel):
        raise ApiError("channel_not_found")
    if channel.is_private or channel.is_im or channel.is_mpim:
        if not req.can_see(channel):
            raise ApiError("channel_not_found")
        raise ApiError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise ApiError("is_archived")
    body: dict[str, Any] = {}
    if req.bot_user_id in channel.members:
        body["warning"] = "already_in_channel"
        body["response_metadata"] = {"warnings": ["already_in_channel"]}
    else:
        channel.members[req.bot_user_id] = None
    body["channel"] = req.state.channel_json(channel, viewer_user=req.bot_user_id)
    return body


@api_method("conversations.info")
def info(req: ApiRequest) -> dict[str, Any]:
    channel = req.channel(req.arg("channel"))
    req.require_scope(req.read_scope_for(channel))
    body = req.state.channel_json(
        channel, viewer_user=req.bot_user_id, include_num_members=req.flag("include_num_members")
    )
    return {"channel": body}


@api_method("conversations.members")
def members(req: ApiRequest) -> dict[str, Any]:
    channel = req.channel(req.arg("channel"))
    req.require_scope(req.read_scope_for(channel))
    page, cursor = paginate(req, list(channel.members), default_limit=100, tag=f"members:{channel.id}")
    return {"members": page, "response_metadata": {"next_cursor": cursor}}


_TYPE_SCOPES = {
    "public_channel": "channels:read",
    "private_channel": "groups:read",
    "im": "im:read",
    "mpim": "mpim:read",
}


def _kind(channel: Channel) -> str:
    if channel.is_im:
        return "im"
    if channel.is_mpim:
        return "mpim"
    return "private_channel" if channel.is_private else "public_channel"


@api_method("conversations.list")
def list_conversations(req: ApiRequest) -> dict[str, Any]:
    types = [t.strip() for t in (req.arg("types") or "public_channel").split(",") if t.strip()]
    for kind in types:
        if kind not in _TYPE_SCOPES:
            raise ApiError("invalid_types")
        req.require_scope(_TYPE_SCOPES[kind])
    exclude_archived = req.flag("exclude_archived")
    visible = [
        ch
        for ch in req.state.channels.values()
        if _kind(ch) in types and req.can_see(ch) and not (exclude_archived and ch.is_archived)
    ]
    page, cursor = paginate(req, visible, default_limit=100, tag=f"list:{','.join(types)}")
    return {
        "channels": [req.state.channel_json(ch, viewer_user=req.bot_user_id) for ch in page],
        "response_metadata": {"next_cursor": cursor},
    }
