"""The letter's messages in channels: promised with the letter change that asks for them, and the state each
one shows (so the refresher only updates posts whose letter changed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.services.dialect import insert
from db.enums import PostStatus, SignatoryStatus
from db.models import ChannelPost, Letter, Signatory


def record_pending_posts(session: Session, letter_id: int, channels: list[str], actor: str, now: datetime) -> None:
    """Promise a post in each channel, in the same transaction as the letter change that asks for it, so the
    posts go out even if this process stops right after (the letters job picks up what is left behind)."""
    for channel_id in channels:
        session.execute(
            insert(session, ChannelPost)
            .values(
                letter_id=letter_id, channel_id=channel_id, status=PostStatus.PENDING, posted_by=actor, created_at=now
            )
            .on_conflict_do_nothing(index_elements=["letter_id", "channel_id"])
        )
        # A channel that failed before (the bot has since been invited) is tried again.
        session.execute(
            update(ChannelPost)
            .where(
                ChannelPost.letter_id == letter_id,
                ChannelPost.channel_id == channel_id,
                ChannelPost.status.in_((PostStatus.NEEDS_INVITE, PostStatus.FAILED, PostStatus.REMOVED)),
            )
            .values(status=PostStatus.PENDING, error=None, posted_by=actor, created_at=now)
        )


def current_state(session: Session, letter: Letter) -> str:
    """What a post of ``letter`` shows (status, edit time, count, newest change), as one comparable string."""
    count, newest_change = session.execute(
        select(
            func.count(Signatory.id).filter(Signatory.status == SignatoryStatus.ACTIVE),
            func.max(Signatory.updated_at),
        ).where(Signatory.letter_id == letter.id)
    ).one()
    stamp = newest_change.isoformat() if newest_change else "-"
    return f"{letter.status}|{letter.updated_at.isoformat()}|{count}|{stamp}"[:200]
