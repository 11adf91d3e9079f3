"""auth.test, apps.connections.open and oauth.v2.access (slack-platform.md §1.3, §2.12, §3, §7.2).

auth.test answers the ``x-oauth-scopes`` header that Bolt reads. apps.connections.open needs the
app-level ``xapp-`` token *in the Authorization header* and returns a ``ws://`` URL of the fake's
Socket Mode server. oauth.v2.access takes client credentials by HTTP Basic auth or parameters and
exchanges a single-use code (10 minutes) minted by ``FakeSlack.oauth_authorize``.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ..errors import ApiError
from .base import APP_TOKENS, NO_TOKEN, ApiRequest, api_method

OAUTH_CODE_TTL = 600.0


@api_method("auth.test", token_kinds=frozenset({"bot", "user", "app"}))
def auth_test(req: ApiRequest) -> dict[str, Any]:
    token = req.auth
    team = req.team
    body: dict[str, Any] = {
        "url": f"https://{team.domain}.slack.com/",
        "team": team.name,
        "team_id": team.id,
        "is_enterprise_install": False,
    }
    if token.kind == "app":
        body["app_id"] = req.state.app_id
    else:
        user = req.state.users.get(token.user_id or "")
        body["user"] = user.name if user else ""
        body["user_id"] = token.user_id
        if token.bot_id:
            body["bot_id"] = token.bot_id
    if team.enterprise_id:
        body["enterprise_id"] = team.enterprise_id
    return body


@api_method("apps.connections.open", scopes=("connections:write",), token_kinds=APP_TOKENS)
def connections_open(req: ApiRequest) -> dict[str, Any]:
    if not req.token_from_header:
        raise ApiError("not_authed")
    return {"url": req.fake.socket_server.issue_url(req.state.app_id)}


def _client_credentials(req: ApiRequest) -> tuple[str | None, str | None]:
    header = req.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip()).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise ApiError("invalid_client_id") from None
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return req.arg("client_id"), req.arg("client_secret")


@api_method("oauth.v2.access", token_kinds=NO_TOKEN)
def oauth_v2_access(req: ApiRequest) -> dict[str, Any]:
    fake = req.fake
    client_id, client_secret = _client_credentials(req)
    if client_id != fake.client_id:
        raise ApiError("invalid_client_id")
    if client_secret != fake.client_secret:
        raise ApiError("bad_client_secret")
    code = req.state.oauth_codes.get(req.arg("code") or "")
    if code is None or code.used or req.state.now() - code.issued_at > OAUTH_CODE_TTL:
        raise ApiError("invalid_code")
    if code.redirect_uri is not None and req.arg("redirect_uri") not in (None, code.redirect_uri):
        raise ApiError("bad_redirect_uri")
    code.used = True
    bot_token = fake.install_team(code.team_id)
    token = req.state.tokens[bot_token]
    team = req.state.teams[code.team_id]
    enterprise = {"id": team.enterprise_id, "name": team.enterprise_name or ""} if team.enterprise_id else None
    return {
        "access_token": bot_token,
        "token_type": "bot",
        "scope": ",".join(sorted(token.scopes)),
        "bot_user_id": token.user_id,
        "app_id": req.state.app_id,
        "team": {"id": team.id, "name": team.name},
        "enterprise": enterprise,
        "authed_user": {"id": code.user_id},
        "is_enterprise_install": False,
    }
