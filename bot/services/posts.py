"""The letter's messages in channels: posting them once, and keeping their count current.

Posting: each (letter, channel) row is created ``pending`` with the letter, then claimed
(``pending`` -> ``posting``) by exactly one process before ``chat.postMessage``; a post whose process
died mid-call stays ``posting`` and is reported, never re-posted blindly.

Refreshing: a post shows a *state* (letter status, version, title, deadline, count, newest change).
Every few seconds the refresher compares each post's rendered state with the current one and updates
the ones that differ, at most once per interval per post, so 200 sign-ons in a minute become a handful
of ``chat.update`` calls per channel; 429s push the post's next attempt back by ``Retry-After``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from bot.runtime import Runtime
from bot.services import letters as letter_service
from bot.services.dialect import changed, insert
from bot.services.letters import LetterView
from bot.slackio import slack_error
from bot.timeutil import utcnow
from db.models import ChannelPost, Letter, LetterStatus, Signatory, SignatoryStatus

log = logging.getLogger(__name__)

#: Turns a letter into the (fallback text, blocks) of its channel message; bot.blocks.letters.letter_post.
RenderPost = Callable[[LetterView], tuple[str, list[dict[str, Any]]]]

POSTING_LEASE = timedelta(minutes=2)
REFRESH_LEASE = timedelta(seconds=30)
MIN_REFRESH_INTERVAL = timedelta(seconds=3)
SERVER_ERROR_BACKOFF = timedelta(seconds=3)
# chat.update is Tier 3 (about 50 a minute per workspace); stay under it across all posts.
UPDATES_PER_MINUTE_BUDGET = 40
# Closed letters keep their posts current for a while (late withdrawals, merges), then stop polling.
CLOSED_REFRESH_WINDOW = timedelta(days=7)


@dataclass
class PostReport:
    posted: list[str] = field(default_factory=list)
    joined: list[str] = field(default_factory=list)
    needs_invite: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def record_pending_posts(session: Session, letter_id: int, channels: list[str], actor: str, now: datetime) -> None:
    """Promise a post in each channel, in the same transaction as the letter change that asks for it, so the
    posts go out even if this process stops right after (the letters job picks up what is left behind)."""
    for channel_id in channels:
        session.execute(
            insert(session, ChannelPost)
            .values(letter_id=letter_id, channel_id=channel_id, status="pending", posted_by=actor, created_at=now)
            .on_conflict_do_nothing(index_elements=["letter_id", "channel_id"])
        )
        # A channel that failed before (the bot has since been invited) is tried again.
        session.execute(
            update(ChannelPost)
            .where(
                ChannelPost.letter_id == letter_id,
                ChannelPost.channel_id == channel_id,
                ChannelPost.status.in_(("needs_invite", "failed", "removed")),
            )
            .values(status="pending", error=None, posted_by=actor, created_at=now)
        )


def _claim_post(runtime: Runtime, post_id: int, now: datetime) -> bool:
    def work(session: Session) -> bool:
        result = session.execute(
            update(ChannelPost)
            .where(ChannelPost.id == post_id, ChannelPost.status == "pending")
            .values(status="posting", lease_until=now + POSTING_LEASE)
        )
        return bool(changed(result))

    return runtime.db.transaction(work)


def _finish_post(
    runtime: Runtime,
    post_id: int,
    *,
    status: str,
    ts: str | None = None,
    error: str | None = None,
    rendered_state: str | None = None,
) -> None:
    now = utcnow()

    def work(session: Session) -> None:
        session.execute(
            update(ChannelPost)
            .where(ChannelPost.id == post_id)
            .values(
                status=status,
                ts=ts,
                error=error,
                lease_until=None,
                posted_at=now if ts else None,
                refreshed_at=now if ts else None,
                rendered_state=rendered_state,
            )
        )

    runtime.db.transaction(work)


def deliver_pending_posts(
    runtime: Runtime,
    client: WebClient,
    render: RenderPost,
    letter_id: int | None = None,
    *,
    team_id: str | None = None,
    created_before: datetime | None = None,
) -> PostReport:
    """Post every pending (letter, channel) message this process manages to claim.

    The flow that created the posts delivers them at once and reports to the coordinator; the background
    job passes ``created_before`` so it only picks up posts that flow left behind (its process died).
    """
    report = PostReport()
    with runtime.db.read() as session:
        query = (
            select(ChannelPost.id, ChannelPost.letter_id, ChannelPost.channel_id)
            .join(Letter, Letter.id == ChannelPost.letter_id)
            .where(ChannelPost.status == "pending")
        )
        if letter_id is not None:
            query = query.where(ChannelPost.letter_id == letter_id)
        if team_id is not None:
            query = query.where(Letter.team_id == team_id)
        if created_before is not None:
            query = query.where(ChannelPost.created_at < created_before)
        pending = list(session.execute(query.order_by(ChannelPost.id)))
    for post_id, post_letter_id, channel_id in pending:
        if not _claim_post(runtime, post_id, utcnow()):
            continue
        with runtime.db.read() as session:
            letter = session.get(Letter, post_letter_id)
            if letter is None:
                continue
            view = letter_service.letter_view(session, letter)
            state = current_state(session, letter)
        text, blocks = render(view)
        try:
            response = _post_or_join(client, channel_id, text, blocks, report)
        except SlackApiError as error:
            code = slack_error(error)
            if code in ("not_in_channel", "channel_not_found", "method_not_supported_for_channel_type"):
                report.needs_invite.append(channel_id)
                _finish_post(runtime, post_id, status="needs_invite", error=code)
            else:
                report.failed.append((channel_id, code))
                _finish_post(runtime, post_id, status="failed", error=code)
            continue
        report.posted.append(channel_id)
        _finish_post(runtime, post_id, status="posted", ts=response, rendered_state=state)
    return report


def _post_or_join(
    client: WebClient, channel_id: str, text: str, blocks: list[dict[str, object]], report: PostReport
) -> str:
    try:
        return str(client.chat_postMessage(channel=channel_id, text=text, blocks=blocks, unfurl_links=False)["ts"])
    except SlackApiError as error:
        if slack_error(error) != "not_in_channel":
            raise
    # Public channels can be joined (channels:join); private ones need a person to /invite the bot.
    client.conversations_join(channel=channel_id)
    report.joined.append(channel_id)
    return str(client.chat_postMessage(channel=channel_id, text=text, blocks=blocks, unfurl_links=False)["ts"])


def recover_stuck_posts(runtime: Runtime, now: datetime) -> int:
    """Posts claimed by a process that died: we cannot know whether Slack got them, so report, never repost."""
    stuck = (ChannelPost.status == "posting", ChannelPost.lease_until < now)
    with runtime.db.read() as session:
        if session.execute(select(ChannelPost.id).where(*stuck).limit(1)).first() is None:
            return 0

    def work(session: Session) -> int:
        result = session.execute(
            update(ChannelPost)
            .where(*stuck)
            .values(status="failed", error="interrupted: check the channel, then use Edit to post again")
        )
        return changed(result)

    return runtime.db.transaction(work)


# ---------------------------------------------------------------------------------------------------
# Keeping the count current
# ---------------------------------------------------------------------------------------------------


def current_state(session: Session, letter: Letter) -> str:
    count, newest_change = session.execute(
        select(
            func.count(Signatory.id).filter(Signatory.status == SignatoryStatus.ACTIVE),
            func.max(Signatory.updated_at),
        ).where(Signatory.letter_id == letter.id)
    ).one()
    stamp = newest_change.isoformat() if newest_change else "-"
    return f"{letter.status}|{letter.updated_at.isoformat()}|{count}|{stamp}"[:200]


def refresh_posts(
    runtime: Runtime, client_for: Callable[[str], WebClient], render: RenderPost, now: datetime | None = None
) -> int:
    """Update posts whose letter changed since they were rendered. Returns how many were updated."""
    now = now or utcnow()
    with runtime.db.read() as session:
        letters = list(
            session.execute(
                select(Letter).where(
                    or_(Letter.status == LetterStatus.OPEN, Letter.updated_at > now - CLOSED_REFRESH_WINDOW)
                )
            ).scalars()
        )
        stale: list[tuple[int, int, str, str, str]] = []
        posted_count = 0
        for letter in letters:
            posts = [p for p in letter.posts if p.status == "posted" and p.ts]
            if not posts:
                continue
            posted_count += len(posts)
            state = current_state(session, letter)
            for post in posts:
                if post.rendered_state == state:
                    continue
                if post.refresh_not_before and post.refresh_not_before > now:
                    continue
                if post.lease_until and post.lease_until > now:
                    continue
                stale.append((post.id, letter.id, letter.team_id, post.channel_id, state))
    interval = max(MIN_REFRESH_INTERVAL, timedelta(seconds=60 * posted_count / UPDATES_PER_MINUTE_BUDGET))
    updated = 0
    for post_id, letter_id, team_id, channel_id, state in stale:
        if not _claim_refresh(runtime, post_id, now, interval):
            continue
        with runtime.db.read() as session:
            current = session.get(Letter, letter_id)
            row = session.get(ChannelPost, post_id)
            if current is None or row is None or not row.ts:
                continue
            view = letter_service.letter_view(session, current)
            state = current_state(session, current)
            ts = row.ts
        text, blocks = render(view)
        client = client_for(team_id)
        try:
            client.chat_update(channel=channel_id, ts=ts, text=text, blocks=blocks)
        except SlackApiError as error:
            _refresh_failed(runtime, post_id, error, now)
            continue
        _refresh_done(runtime, post_id, state)
        updated += 1
    return updated


def _claim_refresh(runtime: Runtime, post_id: int, now: datetime, interval: timedelta) -> bool:
    def work(session: Session) -> bool:
        result = session.execute(
            update(ChannelPost)
            .where(
                ChannelPost.id == post_id,
                ChannelPost.status == "posted",
                or_(ChannelPost.lease_until.is_(None), ChannelPost.lease_until < now),
                or_(ChannelPost.refreshed_at.is_(None), ChannelPost.refreshed_at <= now - interval),
            )
            .values(lease_until=now + REFRESH_LEASE, refreshed_at=now)
        )
        return bool(changed(result))

    return runtime.db.transaction(work)


def _refresh_done(runtime: Runtime, post_id: int, state: str) -> None:
    def work(session: Session) -> None:
        session.execute(
            update(ChannelPost)
            .where(ChannelPost.id == post_id)
            .values(rendered_state=state, lease_until=None, refresh_not_before=None, error=None)
        )

    runtime.db.transaction(work)


def _refresh_failed(runtime: Runtime, post_id: int, error: SlackApiError, now: datetime) -> None:
    code = slack_error(error)
    status_code = getattr(error.response, "status_code", 200)
    values: dict[str, object] = {"lease_until": None, "error": code[:200]}
    if status_code == 429:
        retry_after = int(error.response.headers.get("Retry-After", "5") or 5)
        values["refresh_not_before"] = now + timedelta(seconds=max(1, retry_after))
    elif code in ("message_not_found", "channel_not_found", "cant_update_message", "is_archived"):
        values["status"] = "removed"
    else:
        # Slack's 5xx or an unexpected error: try again a little later; the count will catch up.
        values["refresh_not_before"] = now + SERVER_ERROR_BACKOFF
    log.warning("chat.update of post %s failed: %s", post_id, code)

    def work(session: Session) -> None:
        session.execute(update(ChannelPost).where(ChannelPost.id == post_id).values(**values))

    runtime.db.transaction(work)
