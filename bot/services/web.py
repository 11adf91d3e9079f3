"""The public sign-on page's rules: finding a letter by its page token, signing on from the web, and letting a
web sign-on through (its email confirmed, or a coordinator's approval) before it counts.

A web sign-on goes through the very same :func:`bot.services.signing.signing.sign_on` as a Slack one (same
form checks, organization key, exact duplicates), only ``pending``; it joins the list, the count and the
near-duplicate review when it is let through. Like every service: a Session in, an outcome out, never commit.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.services import audit
from bot.services.letters.letters import new_token
from bot.services.letters.queries import stats
from bot.services.letters.translations import text_at
from bot.services.outcomes import Actor, LetterClosed, LetterMissing, NotAllowed, is_accepting
from bot.services.signing.duplicates import OrgNameCache, flag_near_duplicates
from bot.services.signing.form import SignOnForm
from bot.services.signing.signing import (
    AlreadySigned,
    AwaitingCheck,
    NameTaken,
    Signed,
    Updated,
    Withdrawn,
    edit_signatory,
    sign_on,
    withdraw,
)
from db.enums import DeliveryStatus, SignatoryStatus, Source
from db.models import Letter, LetterTranslation, Signatory, WebEmail, WebRateCount

#: Who a web sign-on's signer is, where a Slack member's id would be: no Slack id looks like it.
WEB_ACTOR = Actor("web")
#: ``verified_by`` of a sign-on whose email was confirmed (a coordinator's approval records their id).
BY_EMAIL = "email"


@dataclass(frozen=True)
class PageText:
    language: str
    title: str
    text: str


@dataclass(frozen=True)
class PageLetter:
    """What the public page shows of a letter: only what a coordinator published, and counted sign-ons."""

    letter_id: int
    team_id: str
    texts: tuple[PageText, ...]  # the main language first
    deadline_at: datetime
    closed_at: datetime | None
    accepting: bool
    count: int
    names: tuple[str, ...] | None  # None unless the coordinator chose to show the list
    contact: str | None
    require_approval: bool

    def text_for(self, language: str) -> PageText:
        return next((text for text in self.texts if text.language == language), self.texts[0])


_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def letter_by_token(session: Session, token: str) -> Letter | None:
    """The letter whose page token this is; anything not shaped like a token is no letter's (and never reaches
    the database: PostgreSQL refuses a NUL in a string)."""
    if not _TOKEN.fullmatch(token):
        return None
    return session.execute(select(Letter).where(Letter.web_token == token)).scalar_one_or_none()


def page_letter(session: Session, token: str, now: datetime) -> PageLetter | None:
    """The letter behind a page token; None for a token no letter has. A letter whose page was turned off,
    that closed or whose deadline passed is still found, ``accepting`` False (the page says it is closed)."""
    letter = letter_by_token(session, token)
    if letter is None:
        return None
    texts = []
    for language, title in [(letter.language, letter.title)] + [
        (translation.language, translation.title) for translation in letter.translations
    ]:
        version = text_at(letter, language)
        if version is not None:
            texts.append(PageText(language, title, version.text))
    names = None
    if letter.web_show_list:
        active = select(Signatory.org_name).where(
            Signatory.letter_id == letter.id, Signatory.status == SignatoryStatus.ACTIVE
        )
        names = tuple(sorted(session.execute(active).scalars(), key=str.casefold))
    return PageLetter(
        letter_id=letter.id,
        team_id=letter.team_id,
        texts=tuple(texts),
        deadline_at=letter.deadline_at,
        closed_at=letter.closed_at,
        accepting=letter.web_enabled and is_accepting(letter, now),
        count=stats(session, letter.id, recent=0).count,
        names=names,
        contact=letter.web_contact,
        require_approval=letter.web_require_approval,
    )


@dataclass(frozen=True)
class WebSigned:
    """Recorded, waiting: for the email the caller will send (``email_id``), or for a coordinator."""

    signatory_id: int
    org_name: str
    letter_id: int
    nonce: str
    email_id: int | None


WebSignOnOutcome = WebSigned | AlreadySigned | AwaitingCheck | LetterClosed | LetterMissing


def sign_on_web(
    session: Session, *, token: str, form: SignOnForm, now: datetime, email_check: bool, language: str
) -> WebSignOnOutcome:
    """Sign on from the public page. ``email_check``: confirmation emails can be sent (SMTP is configured);
    otherwise, or when the letter requires approval, the sign-on waits for a coordinator."""
    letter = letter_by_token(session, token)
    if letter is None:
        return LetterMissing(None)
    if not letter.web_enabled:
        return LetterClosed(letter.id, letter.title, letter.closed_at or letter.deadline_at)
    nonce = new_token()
    outcome = sign_on(
        session,
        letter_id=letter.id,
        form=form,
        actor=WEB_ACTOR,
        source=Source.WEB,
        source_channel_id=None,
        now=now,
        language=language,
        web_nonce=nonce,
    )
    if not isinstance(outcome, Signed):
        return outcome
    email_id = None
    if email_check and not letter.web_require_approval:
        email = WebEmail(
            signatory_id=outcome.signatory_id,
            nonce=nonce,
            recipient=form.email,
            language=language,
            status=DeliveryStatus.PENDING,
            attempts=0,
            created_at=now,
        )
        session.add(email)
        session.flush()
        email_id = email.id
    return WebSigned(outcome.signatory_id, outcome.org_name, letter.id, nonce, email_id)


@dataclass(frozen=True)
class LinkStale:
    """A link whose sign-on is gone, was signed again since (a new nonce), or was already decided otherwise."""


@dataclass(frozen=True)
class LetThrough:
    signatory_id: int
    org_name: str
    letter_id: int
    letter_title: str
    approved: bool
    already: bool = False


def _by_link(session: Session, signatory_id: int, nonce: str) -> Signatory | None:
    signatory = session.get(Signatory, signatory_id)
    if signatory is None or not signatory.web_nonce or not secrets.compare_digest(signatory.web_nonce, nonce):
        return None
    return signatory


def _let_through(session: Session, signatory: Signatory, *, by: str, now: datetime, names: OrgNameCache) -> LetThrough:
    letter = session.get(Letter, signatory.letter_id)
    assert letter is not None
    signatory.status = SignatoryStatus.ACTIVE
    signatory.verified_at = now
    signatory.verified_by = by
    signatory.signed_at = now  # counted from now: the digest and "signed on" read this
    signatory.updated_at = now
    session.flush()
    near = names.likely_duplicate(session, letter.id, signatory.org_name)
    if near is not None:
        flag_near_duplicates(session, {signatory.id: near.id})
    audit.on_letter(session, "web_verified", letter, at=now, actor=by, subject_id=signatory.id)
    return LetThrough(signatory.id, signatory.org_name, letter.id, letter.title, approved=True)


def confirm_by_email(
    session: Session, *, signatory_id: int, nonce: str, now: datetime, names: OrgNameCache
) -> LetThrough | LetterClosed | LinkStale:
    """The signer opened the link in their confirmation email: the sign-on counts from now (once)."""
    signatory = _by_link(session, signatory_id, nonce)
    if signatory is None:
        return LinkStale()
    letter = session.get(Letter, signatory.letter_id)
    assert letter is not None
    if signatory.status == SignatoryStatus.ACTIVE:
        return LetThrough(signatory.id, signatory.org_name, letter.id, letter.title, approved=True, already=True)
    if signatory.status != SignatoryStatus.PENDING or letter.web_require_approval:
        return LinkStale()
    if not is_accepting(letter, now):
        return LetterClosed(letter.id, letter.title, letter.closed_at or letter.deadline_at)
    return _let_through(session, signatory, by=BY_EMAIL, now=now, names=names)


def decide(
    session: Session, *, signatory_id: int, approve: bool, actor: Actor, now: datetime, names: OrgNameCache
) -> LetThrough | LinkStale:
    """A coordinator approves or rejects a pending web sign-on (who may is the caller's check); once."""
    signatory = session.get(Signatory, signatory_id)
    if signatory is None or signatory.source != Source.WEB:
        return LinkStale()
    letter = session.get(Letter, signatory.letter_id)
    assert letter is not None
    if signatory.status != SignatoryStatus.PENDING:
        approved = signatory.status == SignatoryStatus.ACTIVE
        return LetThrough(signatory.id, signatory.org_name, letter.id, letter.title, approved=approved, already=True)
    if approve:
        return _let_through(session, signatory, by=actor.user_id, now=now, names=names)
    signatory.status = SignatoryStatus.REJECTED
    signatory.web_nonce = None
    signatory.updated_at = now
    audit.on_letter(session, "web_rejected", letter, at=now, actor=actor.user_id, subject_id=signatory.id)
    return LetThrough(signatory.id, signatory.org_name, letter.id, letter.title, approved=False)


@dataclass(frozen=True)
class LinkedSignOn:
    """What an edit or withdraw link may show its holder: their own sign-on."""

    signatory_id: int
    letter_id: int
    token: str
    status: str
    form: SignOnForm


def linked_sign_on(session: Session, *, signatory_id: int, nonce: str) -> LinkedSignOn | None:
    signatory = _by_link(session, signatory_id, nonce)
    if signatory is None or signatory.status not in (SignatoryStatus.ACTIVE, SignatoryStatus.PENDING):
        return None
    letter = session.get(Letter, signatory.letter_id)
    assert letter is not None
    form = SignOnForm(
        signatory.org_name,
        signatory.signer_name,
        signatory.signer_title,
        signatory.signer_email,
        signatory.city_state,
        signatory.org_type,
        signatory.note,
    )
    return LinkedSignOn(signatory.id, letter.id, letter.web_token or "", signatory.status, form)


def edit_by_link(
    session: Session, *, signatory_id: int, nonce: str, form: SignOnForm, now: datetime
) -> Updated | NameTaken | LetterClosed | NotAllowed | LetterMissing | LinkStale:
    """Change a web sign-on through its emailed edit link: the rules of an edit in Slack."""
    if _by_link(session, signatory_id, nonce) is None:
        return LinkStale()
    return edit_signatory(session, signatory_id=signatory_id, form=form, actor=WEB_ACTOR, now=now, is_coordinator=False)


def withdraw_by_link(
    session: Session, *, signatory_id: int, nonce: str, now: datetime
) -> Withdrawn | LetterClosed | NotAllowed | LetterMissing | LinkStale:
    """Take a web sign-on off through its emailed withdraw link (one still waiting is simply dropped)."""
    signatory = _by_link(session, signatory_id, nonce)
    if signatory is None:
        return LinkStale()
    if signatory.status == SignatoryStatus.PENDING:
        letter = session.get(Letter, signatory.letter_id)
        assert letter is not None
        signatory.status = SignatoryStatus.WITHDRAWN
        signatory.withdrawn_at = now
        signatory.withdrawn_by = WEB_ACTOR.user_id
        signatory.updated_at = now
        audit.on_letter(session, "withdrawn", letter, at=now, actor=WEB_ACTOR.user_id, subject_id=signatory.id)
        return Withdrawn(signatory.id, signatory.org_name, letter.id, letter.title)
    return withdraw(session, signatory_id=signatory_id, actor=WEB_ACTOR, now=now, is_coordinator=False)


@dataclass(frozen=True)
class PendingWeb:
    """A web sign-on waiting for a coordinator (or for its email check), for App Home."""

    signatory_id: int
    org_name: str
    signer_name: str
    signer_title: str
    signer_email: str
    signed_at: datetime


def pending_count(session: Session, letter_id: int) -> int:
    """Web sign-ons of a letter waiting for their email check or a coordinator."""
    where = (Signatory.letter_id == letter_id, Signatory.status == SignatoryStatus.PENDING)
    return int(session.execute(select(func.count()).where(*where)).scalar_one())


def pending_web(session: Session, letter_id: int, *, limit: int = 10) -> tuple[list[PendingWeb], int]:
    """The oldest pending web sign-ons of a letter (at most ``limit``) and how many wait in all."""
    where = (Signatory.letter_id == letter_id, Signatory.status == SignatoryStatus.PENDING)
    total = pending_count(session, letter_id)
    rows = session.execute(select(Signatory).where(*where).order_by(Signatory.id).limit(limit)).scalars()
    listed = [
        PendingWeb(row.id, row.org_name, row.signer_name, row.signer_title, row.signer_email, row.signed_at)
        for row in rows
    ]
    return listed, int(total)


def web_letter_title(session: Session, letter_id: int, language: str) -> str | None:
    letter = session.get(Letter, letter_id)
    if letter is None:
        return None
    translated = session.get(LetterTranslation, (letter_id, language))
    return translated.title if translated else letter.title


# -- rate limits -------------------------------------------------------------------------------------------


def count_request(session: Session, bucket: str, *, now: datetime, window: timedelta) -> int:
    """Count one request in ``bucket``'s current fixed window; the window's count with it. One statement, so
    two processes counting at once both count (the database adds them up)."""
    seconds = int(window.total_seconds())
    start = datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=now.tzinfo)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(WebRateCount).values(bucket=bucket[:160], window_start=start, hits=1)
    counted = statement.on_conflict_do_update(
        index_elements=["bucket", "window_start"], set_={"hits": WebRateCount.hits + 1}
    ).returning(WebRateCount.hits)
    return int(session.execute(counted).scalar_one())


def forget_old_counts(session: Session, *, before: datetime) -> None:
    session.execute(delete(WebRateCount).where(WebRateCount.window_start < before))
