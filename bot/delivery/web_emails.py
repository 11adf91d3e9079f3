"""Confirmation emails of web sign-ons: claimed, sent over SMTP, recorded; each once.

The sign-on's request only adds a ``web_emails`` row (in the sign-on's own transaction) and answers at once;
this job claims due rows with a lease, sends outside any transaction and records the outcome (the pattern of
bot/delivery/claim.py). SMTP gives no way to look for a message already sent, so the rules for "once" are:

* a failure *before* the message is handed over (connecting, STARTTLS, login, a 4xx refusal) goes back to
  ``pending`` with a growing delay, up to MAX_ATTEMPTS, then ``failed``; a 5xx refusal is ``failed`` at once;
* a connection lost *while* handing it over, and a claim whose process stopped (its lease ran out, or its
  process is gone), become ``unknown``: never sent again blindly.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import urlencode, urlsplit

from sqlalchemy import or_, select

from bot.delivery.claim import backoff, claim_many, record
from bot.delivery.documents import delivered_pdf
from bot.messages import words
from bot.runtime import Runtime
from bot.services import delivery as delivery_service
from bot.services import web
from bot.settings import Settings
from bot.timeutil import utcnow
from bot.web.public import links
from bot.web.public.links import Signer
from db.enums import DeliveryStatus, SignatoryStatus, SignerMessageKind
from db.models import Signatory, WebEmail

log = logging.getLogger(__name__)

EMAIL_LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 6
SMTP_TIMEOUT = 15
BATCH = 10


class Unsent(Exception):
    """The server did not take the message. ``transient``: it may take it later; ``maybe_sent``: the
    connection was lost while handing it over, so it may have."""

    def __init__(self, code: str, *, transient: bool, maybe_sent: bool = False) -> None:
        super().__init__(code)
        self.code = code
        self.transient = transient
        self.maybe_sent = maybe_sent


def link(settings: Settings, signer: Signer, kind: str, signatory_id: int, nonce: str, language: str) -> str:
    query = urlencode({"t": signer.link_token(kind, signatory_id, nonce), "lang": language})
    return f"{settings.public_url}/s/{kind}?{query}"


def build_email(runtime: Runtime, email_id: int) -> EmailMessage | None:
    """The email of one row, in its signer's language: a sign-on's confirmation, or after the delivery the
    thanks (with the letter's PDF) or the follow-up; None when there is nothing to send any more."""
    settings = runtime.settings
    assert settings.smtp is not None and settings.public_url is not None
    with runtime.db.read() as session:
        kind = session.execute(select(WebEmail.nonce).where(WebEmail.id == email_id)).scalar_one_or_none()
    if kind in DELIVERY_KINDS:
        return _delivery_email(runtime, email_id)
    with runtime.db.read() as session:
        row = session.get(WebEmail, email_id)
        signatory = session.get(Signatory, row.signatory_id) if row else None
        # Signed again since (a new nonce), signed in Slack instead, withdrawn or decided: nothing to confirm.
        if (
            row is None
            or signatory is None
            or signatory.web_nonce != row.nonce
            or signatory.status != SignatoryStatus.PENDING
        ):
            return None
        title = web.web_letter_title(session, signatory.letter_id, row.language) or ""
        name, org_name, language, recipient = signatory.signer_name, signatory.org_name, row.language, row.recipient
        nonce, signatory_id = row.nonce, signatory.id
    w = words(language)
    signer = Signer(settings.signing_secret or "-")
    urls = [
        link(settings, signer, kind, signatory_id, nonce, language)
        for kind in (links.CONFIRM, links.EDIT, links.WITHDRAW)
    ]
    message = _message(settings, recipient, w.email_subject(" ".join(title.split())))
    message.set_content(w.email_body(name, org_name, title, *urls))
    return message


def _message(settings: Settings, recipient: str, subject: str) -> EmailMessage:
    assert settings.smtp is not None and settings.public_url is not None
    message = EmailMessage()
    message["From"] = settings.smtp.sender
    message["To"] = recipient
    # Header values are folded and encoded by the email package; line breaks in a title cannot add headers.
    message["Subject"] = subject
    message["Message-ID"] = make_msgid("signon", domain=urlsplit(settings.public_url).hostname)
    message["Auto-Submitted"] = "auto-generated"
    return message


# A delivery's emails to web signers carry their kind where a confirmation carries its sign-on's nonce.
DELIVERY_KINDS = {str(SignerMessageKind.THANKS), str(SignerMessageKind.RESPONSE)}


def _delivery_email(runtime: Runtime, email_id: int) -> EmailMessage | None:
    """The thanks (with the delivered letter as a PDF) or the follow-up, as the Slack signers get them."""
    with runtime.db.read() as session:
        row = session.get(WebEmail, email_id)
        signatory = session.get(Signatory, row.signatory_id) if row else None
        delivery = delivery_service.delivery_of(session, signatory.letter_id) if signatory else None
        if row is None or signatory is None or delivery is None:
            return None
        title = web.web_letter_title(session, signatory.letter_id, row.language) or ""
        letter_id, name = signatory.letter_id, signatory.signer_name
        kind, recipient, w = row.nonce, row.recipient, words(row.language)
    title = " ".join(title.split())
    if kind == SignerMessageKind.RESPONSE:
        message = _message(runtime.settings, recipient, w.email_response_subject(title))
        message.set_content(w.email_response_body(name, title, delivery.response_text or ""))
        return message
    message = _message(runtime.settings, recipient, w.email_thanks_subject(title))
    body = w.email_thanks_body(
        name, title, delivery.delivered_on, delivery.delivered_to, delivery.method, delivery.count, delivery.public_link
    )
    message.set_content(body)
    built = delivered_pdf(runtime, letter_id)
    if built is not None:
        content, filename = built
        message.add_attachment(content, maintype="application", subtype="pdf", filename=filename)
    return message


def send(settings: Settings, message: EmailMessage) -> None:
    """Hand one message to the SMTP server (STARTTLS when it offers it), or raise :class:`Unsent`."""
    smtp = settings.smtp
    assert smtp is not None
    try:
        if smtp.implicit_tls:
            server: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=SMTP_TIMEOUT)
        else:
            server = smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT)
        with server:
            server.ehlo()
            if not smtp.implicit_tls and server.has_extn("starttls"):
                server.starttls(context=ssl.create_default_context())
                server.ehlo()
            if smtp.username:
                server.login(smtp.username, smtp.password or "")
            _hand_over(server, message)
    except Unsent:
        raise
    except smtplib.SMTPResponseException as error:
        raise Unsent(f"smtp {error.smtp_code}", transient=400 <= error.smtp_code < 500) from None
    except (OSError, smtplib.SMTPException) as error:
        raise Unsent(type(error).__name__, transient=True) from None


def _hand_over(server: smtplib.SMTP, message: EmailMessage) -> None:
    try:
        refused = server.send_message(message)
    except smtplib.SMTPRecipientsRefused:
        raise Unsent("recipient refused", transient=False) from None
    except smtplib.SMTPResponseException as error:
        raise Unsent(f"smtp {error.smtp_code}", transient=400 <= error.smtp_code < 500) from None
    except (OSError, smtplib.SMTPException) as error:
        raise Unsent(type(error).__name__, transient=False, maybe_sent=True) from None
    if refused:
        raise Unsent("recipient refused", transient=False)


STILL_CLAIMED = [WebEmail.status == DeliveryStatus.CLAIMED]


def _deliver(runtime: Runtime, email_id: int, attempts: int) -> None:
    message = build_email(runtime, email_id)
    if message is None:
        record(runtime.db, WebEmail, email_id, where=STILL_CLAIMED, values={"status": DeliveryStatus.SKIPPED})
        return
    try:
        send(runtime.settings, message)
    except Unsent as failure:
        values: dict[str, object] = {"attempts": attempts, "last_error": failure.code[:200], "lease_until": None}
        if failure.maybe_sent:
            values["status"] = DeliveryStatus.UNKNOWN
        elif failure.transient and attempts < MAX_ATTEMPTS:
            values.update(status=DeliveryStatus.PENDING, claimed_by=None, not_before=utcnow() + backoff(attempts))
        else:
            values["status"] = DeliveryStatus.FAILED
        log.warning("confirmation email %s not sent (%s): %s", email_id, failure.code, values["status"])
        record(runtime.db, WebEmail, email_id, where=STILL_CLAIMED, values=values)
        return
    record(
        runtime.db,
        WebEmail,
        email_id,
        where=STILL_CLAIMED,
        values={"status": DeliveryStatus.SENT, "sent_at": utcnow(), "attempts": attempts, "lease_until": None},
    )


def resolve_stopped_claims(runtime: Runtime, now: datetime) -> None:
    """Claims whose process stopped: the email may or may not have gone out, so it is never sent again."""
    with runtime.db.read() as session:
        claimed = session.execute(
            select(WebEmail.id, WebEmail.claimed_by, WebEmail.lease_until).where(*STILL_CLAIMED)
        ).all()
    for row in claimed:
        if (row.lease_until is not None and row.lease_until < now) or runtime.owner_is_gone(row.claimed_by):
            log.warning("confirmation email %s: its sender stopped mid-send; marked unknown, not resent", row.id)
            record(
                runtime.db,
                WebEmail,
                row.id,
                where=[*STILL_CLAIMED, WebEmail.claimed_by == row.claimed_by],
                values={"status": DeliveryStatus.UNKNOWN, "lease_until": None},
            )


_last_forgotten: list[datetime] = []


def forget_old_counts(runtime: Runtime, now: datetime) -> None:
    """Rate counts older than a day go, checked every ten minutes per process (not at every poll: a write)."""
    if _last_forgotten and now - _last_forgotten[-1] < timedelta(minutes=10):
        return
    _last_forgotten[:] = [now]
    runtime.db.transaction(lambda session: web.forget_old_counts(session, before=now - timedelta(days=1)))


def deliver_web_emails(runtime: Runtime) -> None:
    """Send due confirmation emails (and forget old rate counts)."""
    now = utcnow()
    forget_old_counts(runtime, now)
    if runtime.settings.smtp is None:
        return
    resolve_stopped_claims(runtime, now)
    due = [
        WebEmail.status == DeliveryStatus.PENDING,
        or_(WebEmail.not_before.is_(None), WebEmail.not_before <= now),
    ]
    while True:
        claimed = claim_many(
            runtime.db,
            WebEmail,
            where=due,
            values={
                "status": DeliveryStatus.CLAIMED,
                "claimed_by": runtime.worker_id,
                "lease_until": utcnow() + EMAIL_LEASE,
            },
            order_by=[WebEmail.id],
            limit=BATCH,
        )
        if not claimed:
            return
        with runtime.db.read() as session:
            attempts = dict(
                session.execute(select(WebEmail.id, WebEmail.attempts).where(WebEmail.id.in_(claimed))).all()
            )
        for email_id in claimed:
            _deliver(runtime, email_id, attempts.get(email_id, 0) + 1)
