"""users.* and team.info (slack-platform.md §3 table, §4).

External (Slack Connect) users keep their own ``team_id``; strangers (``is_stranger``) get a limited
profile without email or title; ``visible=False`` users answer ``user_not_visible``. Email is only
returned to tokens holding ``users:read.email``. users.list covers the token's own team, including
bots, deactivated users and Slackbot (``USLACKBOT``, whose ``is_bot`` is false, as on real Slack).
"""

from __future__ import annotations

from typing import Any

from ..errors import ApiError
from ..state import SLACKBOT_ID
from .base import ApiRequest, api_method, paginate


@api_method("users.info", scopes=("users:read",))
def info(req: ApiRequest) -> dict[str, Any]:
    user = req.user(req.arg("user"))
    if not user.visible:
        raise ApiError("user_not_visible")
    return {"user": req.state.user_json(user, viewer=req.auth, include_locale=req.flag("include_locale"))}


@api_method("users.list", scopes=("users:read",))
def list_users(req: ApiRequest) -> dict[str, Any]:
    team_id = req.auth.team_id
    members = [
        u for u in req.state.users.values() if (u.team_id == team_id or u.id == SLACKBOT_ID) and not u.is_stranger
    ]
    page, cursor = paginate(req, members, default_limit=0, tag=f"users:{team_id}")
    include_locale = req.flag("include_locale")
    return {
        "members": [req.state.user_json(u, viewer=req.auth, include_locale=include_locale) for u in page],
        "cache_ts": int(req.state.now()),
        "response_metadata": {"next_cursor": cursor},
    }


@api_method("users.lookupByEmail", scopes=("users:read.email",))
def lookup_by_email(req: ApiRequest) -> dict[str, Any]:
    email = (req.arg("email") or "").strip().lower()
    if not email:
        raise ApiError("users_not_found")
    for user in req.state.users.values():
        if user.email and user.email.lower() == email and not user.is_stranger and user.visible:
            return {"user": req.state.user_json(user, viewer=req.auth)}
    raise ApiError("users_not_found")


@api_method("team.info", scopes=("team:read",))
def team_info(req: ApiRequest) -> dict[str, Any]:
    team_id = req.arg("team") or req.auth.team_id
    team = req.state.teams.get(team_id)
    if team is None:
        raise ApiError("team_not_found")
    body: dict[str, Any] = {
        "id": team.id,
        "name": team.name,
        "url": f"https://{team.domain}.slack.com/",
        "domain": team.domain,
        "email_domain": team.email_domain,
        "icon": {
            "image_default": True,
            "image_34": "https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-34.png",
        },
        "avatar_base_url": "https://ca.slack-edge.com/",
        "is_verified": False,
    }
    if team.enterprise_id:
        body["enterprise_id"] = team.enterprise_id
        body["enterprise_name"] = team.enterprise_name or ""
    return {"team": body}
