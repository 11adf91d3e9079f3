"""Signing on from the public page: the Slack modal's rules, pending until let through, links, rate counts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.services import web
from bot.services.letters.form import WebPage
from bot.services.letters.queries import stats
from bot.services.outcomes import Actor, LetterClosed
from bot.services.signing import signing
from bot.services.signing.duplicates import OrgNameCache
from bot.services.signing.form import SignOnForm
from db.engine import Database
from db.models import Letter, Signatory, WebEmail
from tests.services.conftest import COORDINATOR, NOW, TEAM, new_letter

ON = WebPage(enabled=True)
ANA = Actor("UANA", TEAM)


def form(org: str, **changes: str) -> SignOnForm:
    values = {"name": "Rosa Díaz", "title": "Director", "email": "rosa@allies.org"}
    values.update(changes)
    return SignOnForm(org, **values)


def token_of(db: Database, letter_id: int) -> str:
    with db.read() as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None and letter.web_token
        return letter.web_token


def web_sign(db: Database, token: str, org: str, *, email: bool = True, **changes: str) -> web.WebSignOnOutcome:
    return db.transaction(
        lambda s: web.sign_on_web(s, token=token, form=form(org, **changes), now=NOW, email_check=email, language="en")
    )


def count(db: Database, letter_id: int) -> int:
    with db.read() as session:
        return stats(session, letter_id).signed


def test_the_page_is_off_by_default_and_gets_an_unguessable_token_when_turned_on(db: Database) -> None:
    off = db.transaction(new_letter)
    on = db.transaction(lambda s: new_letter(s, web=ON))
    other = db.transaction(lambda s: new_letter(s, web=ON))
    with db.read() as session:
        assert session.get(Letter, off).web_token is None  # type: ignore[union-attr]
    assert len(token_of(db, on)) >= 32 and token_of(db, on) != token_of(db, other)


def test_a_web_sign_on_is_pending_and_uncounted_until_its_email_is_confirmed(db: Database) -> None:
    letter_id = db.transaction(lambda s: new_letter(s, web=ON))
    outcome = web_sign(db, token_of(db, letter_id), "Allies for Justice")
    assert isinstance(outcome, web.WebSigned) and outcome.email_id is not None
    assert count(db, letter_id) == 0
    with db.read() as session:
        row = session.get(Signatory, outcome.signatory_id)
        assert row is not None and row.status == "pending" and row.source == "web" and row.receipt_status is None
        assert session.execute(select(WebEmail.recipient)).scalars().all() == ["rosa@allies.org"]
    names = OrgNameCache()
    wrong = db.transaction(
        lambda s: web.confirm_by_email(s, signatory_id=outcome.signatory_id, nonce="x" * 32, now=NOW, names=names)
    )
    assert isinstance(wrong, web.LinkStale) and count(db, letter_id) == 0
    done = db.transaction(
        lambda s: web.confirm_by_email(s, signatory_id=outcome.signatory_id, nonce=outcome.nonce, now=NOW, names=names)
    )
    assert isinstance(done, web.LetThrough) and not done.already
    again = db.transaction(
        lambda s: web.confirm_by_email(s, signatory_id=outcome.signatory_id, nonce=outcome.nonce, now=NOW, names=names)
    )
    assert isinstance(again, web.LetThrough) and again.already
    assert count(db, letter_id) == 1


def test_the_same_organization_key_and_exact_duplicate_rules_as_slack(db: Database) -> None:
    letter_id = db.transaction(lambda s: new_letter(s, web=ON))
    token = token_of(db, letter_id)
    db.transaction(
        lambda s: signing.sign_on(
            s,
            letter_id=letter_id,
            form=form("Make the Road NY", name="Ana Pérez"),
            actor=ANA,
            source="slash_command",
            source_channel_id=None,
            now=NOW,
        )
    )
    again = web_sign(db, token, "make the road, NY")
    assert isinstance(again, signing.AlreadySigned) and again.signed_by == "Ana Pérez"
    first = web_sign(db, token, "Allies for Justice")
    assert isinstance(first, web.WebSigned)
    # A second web visitor for the same organization learns only that one is waiting: nothing of it.
    waiting = web_sign(db, token, "ALLIES FOR JUSTICE", name="Mallory")
    assert isinstance(waiting, signing.AwaitingCheck)
    with db.read() as session:
        row = session.get(Signatory, first.signatory_id)
        assert row is not None and row.signer_name == "Rosa Díaz"


def test_near_duplicates_are_flagged_when_the_web_sign_on_is_let_through(db: Database) -> None:
    letter_id = db.transaction(lambda s: new_letter(s, web=WebPage(enabled=True, require_approval=True)))
    token = token_of(db, letter_id)
    names = OrgNameCache()
    first = web_sign(db, token, "National Immigration Law Center")
    second = web_sign(db, token, "Natl Immigration Law Ctr")
    assert isinstance(first, web.WebSigned) and isinstance(second, web.WebSigned)
    assert first.email_id is None  # approval required: no email, even with SMTP
    coordinator = Actor(COORDINATOR, TEAM)
    for outcome in (first, second):
        db.transaction(
            lambda s, o=outcome: web.decide(
                s, signatory_id=o.signatory_id, approve=True, actor=coordinator, now=NOW, names=names
            )
        )
    with db.read() as session:
        flagged = session.get(Signatory, second.signatory_id)
        assert flagged is not None and flagged.possible_duplicate_of_id == first.signatory_id
    assert count(db, letter_id) == 2


def test_rejected_and_closed_pages_refuse(db: Database) -> None:
    letter_id = db.transaction(lambda s: new_letter(s, web=ON))
    token = token_of(db, letter_id)
    outcome = web_sign(db, token, "Allies for Justice", email=False)
    assert isinstance(outcome, web.WebSigned) and outcome.email_id is None
    names = OrgNameCache()
    rejected = db.transaction(
        lambda s: web.decide(
            s, signatory_id=outcome.signatory_id, approve=False, actor=Actor(COORDINATOR), now=NOW, names=names
        )
    )
    assert isinstance(rejected, web.LetThrough) and not rejected.approved
    assert count(db, letter_id) == 0

    def turn_off(session: object) -> None:
        letter = session.get(Letter, letter_id)  # type: ignore[attr-defined]
        letter.web_enabled = False

    db.transaction(turn_off)
    assert isinstance(web_sign(db, token, "Another Org"), LetterClosed)
    with db.read() as session:
        page = web.page_letter(session, token, NOW)
        assert page is not None and not page.accepting
        assert web.page_letter(session, "not-a-token", NOW) is None


def test_withdraw_and_edit_links_act_only_on_their_own_sign_on(db: Database) -> None:
    letter_id = db.transaction(lambda s: new_letter(s, web=ON))
    token = token_of(db, letter_id)
    mine = web_sign(db, token, "Allies for Justice")
    theirs = web_sign(db, token, "Other Org")
    assert isinstance(mine, web.WebSigned) and isinstance(theirs, web.WebSigned)
    names = OrgNameCache()
    db.transaction(
        lambda s: web.confirm_by_email(s, signatory_id=mine.signatory_id, nonce=mine.nonce, now=NOW, names=names)
    )
    crossed = db.transaction(
        lambda s: web.withdraw_by_link(s, signatory_id=theirs.signatory_id, nonce=mine.nonce, now=NOW)
    )
    assert isinstance(crossed, web.LinkStale)
    edited = db.transaction(
        lambda s: web.edit_by_link(
            s, signatory_id=mine.signatory_id, nonce=mine.nonce, form=form("Allies for Justice", title="CEO"), now=NOW
        )
    )
    assert isinstance(edited, signing.Updated)
    gone = db.transaction(lambda s: web.withdraw_by_link(s, signatory_id=mine.signatory_id, nonce=mine.nonce, now=NOW))
    assert isinstance(gone, signing.Withdrawn) and count(db, letter_id) == 0


def test_rate_counts_add_up_in_one_window_and_start_again_in_the_next(db: Database) -> None:
    window = timedelta(minutes=1)
    hits = [db.transaction(lambda s: web.count_request(s, "ip:1.2.3.4", now=NOW, window=window)) for _ in range(3)]
    assert hits == [1, 2, 3]
    later = NOW + window
    assert db.transaction(lambda s: web.count_request(s, "ip:1.2.3.4", now=later, window=window)) == 1
    db.transaction(lambda s: web.forget_old_counts(s, before=later))
    assert db.transaction(lambda s: web.count_request(s, "ip:1.2.3.4", now=NOW, window=window)) == 1


def test_the_digest_counts_web_sign_ons_waiting_and_lists_them_once_let_through(db: Database) -> None:
    from bot.services.digests import claim_signon_digest

    letter_id = db.transaction(lambda s: new_letter(s, web=WebPage(enabled=True, require_approval=True)))
    token = token_of(db, letter_id)
    waiting = web_sign(db, token, "Allies for Justice")
    web_sign(db, token, "Second Web Org")
    assert isinstance(waiting, web.WebSigned)
    db.transaction(
        lambda s: signing.sign_on(
            s,
            letter_id=letter_id,
            form=form("Slack Org"),
            actor=ANA,
            source="slash_command",
            source_channel_id=None,
            now=NOW,
        )
    )
    later = NOW + timedelta(hours=2)
    digest = db.transaction(lambda s: claim_signon_digest(s, letter_id, later, timedelta(hours=1)))
    assert digest is not None and digest.new_names == ["Slack Org"] and digest.pending_web == 2
    db.transaction(
        lambda s: web.decide(
            s,
            signatory_id=waiting.signatory_id,
            approve=True,
            actor=Actor(COORDINATOR),
            now=later + timedelta(minutes=5),
            names=OrgNameCache(),
        )
    )
    db.transaction(
        lambda s: signing.sign_on(
            s,
            letter_id=letter_id,
            form=form("Third Org"),
            actor=ANA,
            source="slash_command",
            source_channel_id=None,
            now=later,
        )
    )
    again = db.transaction(lambda s: claim_signon_digest(s, letter_id, later + timedelta(hours=2), timedelta(hours=1)))
    assert again is not None and sorted(again.new_names) == ["Allies for Justice", "Third Org"]
    assert again.pending_web == 1 and again.from_web == {"Allies for Justice"}
    from bot.blocks.reminders import signon_digest_message
    from bot.messages import words

    _, blocks = signon_digest_message(words("en"), again)
    shown = str(blocks)
    assert "Allies for Justice (Web)" in shown and "Third Org (" not in shown
    assert "1 web sign-on waits for approval on the Home tab" in shown
