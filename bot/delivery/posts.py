"""The letter's messages in channels: posting each once, and keeping their count current.

Posting: each (letter, channel) row is created ``pending`` with the letter, then claimed (``pending`` ->
``posting``) by exactly one process before ``chat.postMessage``; a post whose process died mid-call stays
``posting`` and is reported, never re-posted blindly.

Refreshing: a post shows a *state* (letter status, version, title, deadline, count, newest change). Every few
seconds the refresher compares each post's rendered state with the current one and updates the ones that
differ, at most once per interval per post, so 200 sign-ons in a minute become a handful of ``chat.update``
calls per channel; 429s push the post's next attempt back by ``Retry-After``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from sqlalchemy import or_, select

from bot.blocks.letters import letter_post
from bot.delivery.claim import backoff, claim_one, record
from bot.runtime import Runtime
from bot.services.letters.queries import letter_view
from bot.services.posts import current_state
from bot.slack.language import channel_words
from bot.slack.sending import Marker, NotSent, Sent, classify, find_sent, send_once
from bot.timeutil import utcnow
from db.enums import LetterStatus, PostStatus
from db.models import ChannelPost, Letter

log = logging.getLogger(__name__)

POSTING_LEASE = timedelta(minutes=2)
REFRESH_LEASE = timedelta(seconds=30)
MIN_REFRESH_INTERVAL = timedelta(seconds=3)
SERVER_ERROR_BACKOFF = timedelta(seconds=3)
# chat.update is Tier 3 (about 50 a minute per workspace); stay under it across all posts.
UPDATES_PER_MINUTE_BUDGET = 40
# Closed letters keep their posts current for a while (late withdrawals, merges), then stop polling.
CLOSED_REFRESH_WINDOW = timedelta(days=7)
# Posts still pending this long after their letter was saved were left behind by a process that stopped.
LEFT_BEHIND_AFTER = timedelta(seconds=30)
MAX_ATTEMPTS = 6
POST_EVENT = "signon_post"


# Errors meaning the bot must be invited (private channels) before it can post.
_NEEDS_INVITE = ("not_in_channel", "channel_not_found", "method_not_supported_for_channel_type")


@dataclass
class PostReport:
    posted: list[str] = field(default_factory=list)
    joined: list[str] = field(default_factory=list)
    needs_invite: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    # Slack failed for now; the letters job tries again (channel, error).
    retrying: list[tuple[str, str]] = field(default_factory=list)


def _finish_post(
    runtime: Runtime, post_id: int, *, status: PostStatus, ts: str | None = None, **values: object
) -> None:
    now = utcnow()
    outcome: dict[str, object] = {
        "status": status,
        "ts": ts,
        "lease_until": None,
        "posted_at": now if ts else None,
        "refreshed_at": now if ts else None,
        "error": None,
        "rendered_state": None,
    }
    record(runtime.db, ChannelPost, post_id, values={**outcome, **values})


def deliver_pending_posts(
    runtime: Runtime,
    client: WebClient,
    letter_id: int | None = None,
    *,
    team_id: str | None = None,
    created_before: datetime | None = None,
    budget_seconds: float = 10.0,
) -> PostReport:
    """Post every due pending (letter, channel) message this process manages to claim.

    The flow that created the posts delivers them at once and reports to the coordinator; the background job
    passes ``created_before`` so it only picks up posts that flow left behind (its process died) and posts
    waiting to be tried again.
    """
    report = PostReport()
    now = utcnow()
    with runtime.db.read() as session:
        query = (
            select(ChannelPost.id, ChannelPost.letter_id, ChannelPost.channel_id, ChannelPost.attempts)
            .join(Letter, Letter.id == ChannelPost.letter_id)
            .where(
                ChannelPost.status == PostStatus.PENDING,
                or_(ChannelPost.not_before.is_(None), ChannelPost.not_before <= now),
            )
        )
        if letter_id is not None:
            query = query.where(ChannelPost.letter_id == letter_id)
        if team_id is not None:
            query = query.where(Letter.team_id == team_id)
        if created_before is not None:
            query = query.where(ChannelPost.created_at < created_before)
        pending = list(session.execute(query.order_by(ChannelPost.id)))
    for post_id, post_letter_id, channel_id, attempts in pending:
        claimed = claim_one(
            runtime.db,
            ChannelPost,
            post_id,
            where=[ChannelPost.status == PostStatus.PENDING],
            values={"status": PostStatus.POSTING, "lease_until": utcnow() + POSTING_LEASE},
        )
        if claimed:
            _post(runtime, client, report, post_id, post_letter_id, channel_id, attempts + 1, budget_seconds)
    return report


def marker_of(post_id: int) -> Marker:
    return Marker(POST_EVENT, str(post_id))


def _post(
    runtime: Runtime,
    client: WebClient,
    report: PostReport,
    post_id: int,
    letter_id: int,
    channel_id: str,
    attempts: int,
    budget_seconds: float,
) -> None:
    with runtime.db.read() as session:
        letter = session.get(Letter, letter_id)
        if letter is None:
            return
        view = letter_view(session, letter)
        state = current_state(session, letter)
    text, blocks = letter_post(channel_words(runtime, letter_id), view)
    try:
        sent = _post_or_join(client, channel_id, text, blocks, report, marker_of(post_id), budget_seconds, attempts > 1)
    except NotSent as failure:
        if failure.code in _NEEDS_INVITE:
            report.needs_invite.append(channel_id)
            _finish_post(runtime, post_id, status=PostStatus.NEEDS_INVITE, error=failure.code, attempts=attempts)
        elif failure.transient and attempts < MAX_ATTEMPTS:
            # Tried again by the letters job, a little later each time.
            report.retrying.append((channel_id, failure.code))
            not_before = utcnow() + backoff(attempts)
            _finish_post(
                runtime,
                post_id,
                status=PostStatus.PENDING,
                error=failure.code[:200],
                attempts=attempts,
                not_before=not_before,
            )
        else:
            report.failed.append((channel_id, failure.code))
            _finish_post(runtime, post_id, status=PostStatus.FAILED, error=failure.code[:200], attempts=attempts)
        return
    report.posted.append(channel_id)
    _finish_post(runtime, post_id, status=PostStatus.POSTED, ts=sent.ts, rendered_state=state, attempts=attempts)


def _post_or_join(
    client: WebClient,
    channel_id: str,
    text: str,
    blocks: list[dict[str, object]],
    report: PostReport,
    marker: Marker,
    budget_seconds: float,
    look_first: bool,
) -> Sent:
    try:
        return send_once(client, channel_id, text, blocks, marker, budget_seconds=budget_seconds, look_first=look_first)
    except NotSent as failure:
        if failure.code != "not_in_channel":
            raise
    # Public channels can be joined (channels:join); private ones need a person to /invite the bot.
    try:
        client.conversations_join(channel=channel_id)
    except (SlackClientError, OSError) as error:
        raise classify(error) from error
    report.joined.append(channel_id)
    return send_once(client, channel_id, text, blocks, marker, budget_seconds=budget_seconds)


def deliver_left_behind(runtime: Runtime, now: datetime) -> None:
    """Posts a stopped process promised but never made, posts waiting to be tried again, and posts whose
    process stopped mid-call (found in the channel: posted; not found: posted now)."""
    resolve_stuck_posts(runtime, now)
    for team_id in runtime.tokens.teams():
        deliver_pending_posts(runtime, runtime.client(team_id), team_id=team_id, created_before=now - LEFT_BEHIND_AFTER)


def resolve_stuck_posts(runtime: Runtime, now: datetime) -> None:
    """Posts claimed by a process that stopped: look for the message in the channel before posting again."""
    stuck = (ChannelPost.status == PostStatus.POSTING, ChannelPost.lease_until < now)
    with runtime.db.read() as session:
        rows = session.execute(
            select(ChannelPost.id, ChannelPost.channel_id, Letter.team_id)
            .join(Letter, Letter.id == ChannelPost.letter_id)
            .where(*stuck)
        ).all()
    for post_id, channel_id, team_id in rows:
        try:
            found = find_sent(runtime.client(team_id), channel_id, marker_of(post_id))
        except NotSent as failure:
            if not failure.transient:  # the channel is gone or closed to the bot: nothing to find or post
                record(
                    runtime.db,
                    ChannelPost,
                    post_id,
                    where=stuck,
                    values={"status": PostStatus.FAILED, "error": failure.code},
                )
            continue
        if found:
            values: dict[str, object] = {
                "status": PostStatus.POSTED,
                "ts": found,
                "posted_at": now,
                "lease_until": None,
            }
        else:
            values = {"status": PostStatus.PENDING, "lease_until": None, "not_before": None}
        record(runtime.db, ChannelPost, post_id, where=stuck, values=values)
        log.info("post %s after a stopped claim: %s", post_id, "found in the channel" if found else "posting again")


# ---------------------------------------------------------------------------------------------------
# Keeping the count current
# ---------------------------------------------------------------------------------------------------


def refresh_posts(runtime: Runtime, client_for: Callable[[str], WebClient], now: datetime | None = None) -> int:
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
        stale: list[tuple[int, int, str, str]] = []
        posted_count = 0
        for letter in letters:
            posts = [p for p in letter.posts if p.status == PostStatus.POSTED and p.ts]
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
                stale.append((post.id, letter.id, letter.team_id, post.channel_id))
    interval = max(MIN_REFRESH_INTERVAL, timedelta(seconds=60 * posted_count / UPDATES_PER_MINUTE_BUDGET))
    updated = 0
    for post_id, letter_id, team_id, channel_id in stale:
        claimed = claim_one(
            runtime.db,
            ChannelPost,
            post_id,
            where=[
                ChannelPost.status == PostStatus.POSTED,
                or_(ChannelPost.lease_until.is_(None), ChannelPost.lease_until < now),
                or_(ChannelPost.refreshed_at.is_(None), ChannelPost.refreshed_at <= now - interval),
            ],
            values={"lease_until": now + REFRESH_LEASE, "refreshed_at": now},
        )
        if not claimed:
            continue
        with runtime.db.read() as session:
            current = session.get(Letter, letter_id)
            row = session.get(ChannelPost, post_id)
            if current is None or row is None or not row.ts:
                continue
            view = letter_view(session, current)
            state = current_state(session, current)
            ts = row.ts
        text, blocks = letter_post(channel_words(runtime, letter_id), view)
        try:
            client_for(team_id).chat_update(channel=channel_id, ts=ts, text=text, blocks=blocks)
        except (SlackClientError, OSError) as error:
            _refresh_failed(runtime, post_id, error, now)
            continue
        done = {"rendered_state": state, "lease_until": None, "refresh_not_before": None, "error": None}
        record(runtime.db, ChannelPost, post_id, values=done)
        updated += 1
    return updated


def refresh_every_post(runtime: Runtime) -> None:
    """The posts job: every post whose letter changed, updated."""
    refresh_posts(runtime, runtime.background_client)


# A post that cannot be updated any more: deleted, its channel gone or archived.
POST_GONE = frozenset({"message_not_found", "channel_not_found", "cant_update_message", "is_archived", "is_inactive"})


def _refresh_failed(runtime: Runtime, post_id: int, error: SlackClientError | OSError, now: datetime) -> None:
    failure = classify(error)
    values: dict[str, object] = {"lease_until": None, "error": failure.code[:200]}
    if failure.retry_after is not None:  # a 429: Slack said when
        values["refresh_not_before"] = now + timedelta(seconds=max(1.0, failure.retry_after))
    elif failure.code in (
        "message_not_found",
        "channel_not_found",
        "cant_update_message",
        "is_archived",
        "is_inactive",
    ):
        values["status"] = PostStatus.REMOVED
    else:
        # Slack's 5xx, a reset, a timeout or an unexpected error: try again a little later; the count catches up.
        values["refresh_not_before"] = now + SERVER_ERROR_BACKOFF
    log.warning("chat.update of post %s failed: %s", post_id, failure.code)
    record(runtime.db, ChannelPost, post_id, values=values)
