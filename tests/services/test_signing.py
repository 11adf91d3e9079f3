"""Signing on, editing, withdrawing, confirming again: the rules, on a real database session."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.services.outcomes import Action, Actor, LetterClosed, LetterMissing, NotAllowed
from bot.services.signing import signing
from bot.services.signing.form import FormProblem, SignOnForm, validate_form
from db.engine import Database
from db.models import Signatory, SignatoryContact
from tests.services.conftest import NOW, TEAM, new_letter

ANA = Actor("UANA", TEAM)
BEN = Actor("UBEN", TEAM)


def form(org: str, **changes: str) -> SignOnForm:
    values = {"name": "Ana Pérez", "title": "Director", "email": "ana@org.org"}
    values.update(changes)
    return SignOnForm(org, **values)


def sign(db: Database, letter_id: int, org: str, actor: Actor = ANA, **kwargs: object) -> object:
    return db.transaction(
        lambda s: signing.sign_on(
            s,
            letter_id=letter_id,
            form=form(org),
            actor=actor,
            source="slash_command",
            source_channel_id=None,
            now=kwargs.get("now", NOW),  # type: ignore[arg-type]
            team_id=kwargs.get("team_id", TEAM),  # type: ignore[arg-type]
        )
    )


def test_one_signatory_per_organization_however_spelled(db: Database) -> None:
    letter_id = db.transaction(new_letter)
    first = sign(db, letter_id, "Make the Road NY")
    again = sign(db, letter_id, "make the road, NY", actor=BEN)
    assert isinstance(first, signing.Signed)
    assert isinstance(again, signing.AlreadySigned) and again.signatory_id == first.signatory_id
    assert again.signed_by == "Ana Pérez" and not again.by_you
    with db.read() as session:
        assert session.execute(select(Signatory.org_name)).scalars().all() == ["Make the Road NY"]
        contacts = session.execute(select(SignatoryContact.user_id, SignatoryContact.is_signer)).all()
    assert sorted(contacts) == [("UANA", True), ("UBEN", False)]


def test_one_person_signs_for_two_organizations(db: Database) -> None:
    letter_id = db.transaction(new_letter)
    assert isinstance(sign(db, letter_id, "Fiscal Sponsor Fund"), signing.Signed)
    assert isinstance(sign(db, letter_id, "Hosted Project Network"), signing.Signed)
    with db.read() as session:
        assert len(session.execute(select(Signatory.id)).all()) == 2


def test_closed_missing_and_other_workspace_letters_refuse(db: Database) -> None:
    letter_id = db.transaction(new_letter)
    assert isinstance(sign(db, letter_id, "Late Org", now=NOW + timedelta(days=8)), LetterClosed)
    assert isinstance(sign(db, letter_id + 99, "Nobody"), LetterMissing)
    assert isinstance(sign(db, letter_id, "Other Team Org", team_id="T0OTHER"), LetterMissing)


def test_withdraw_then_sign_again(db: Database) -> None:
    letter_id = db.transaction(new_letter)
    signed = sign(db, letter_id, "Casa de Maryland")
    assert isinstance(signed, signing.Signed)
    refused = db.transaction(
        lambda s: signing.withdraw(
            s, signatory_id=signed.signatory_id, actor=Actor("USTRANGER"), now=NOW, is_coordinator=False
        )
    )
    assert refused == NotAllowed(Action.WITHDRAW)
    withdrawn = db.transaction(
        lambda s: signing.withdraw(s, signatory_id=signed.signatory_id, actor=ANA, now=NOW, is_coordinator=False)
    )
    assert isinstance(withdrawn, signing.Withdrawn) and not withdrawn.already
    again = sign(db, letter_id, "CASA de Maryland")
    assert isinstance(again, signing.Signed) and again.resigned and again.signatory_id == signed.signatory_id


def test_edit_refuses_a_name_another_organization_has(db: Database) -> None:
    letter_id = db.transaction(new_letter)
    first = sign(db, letter_id, "First Org")
    sign(db, letter_id, "Second Org", actor=BEN)
    assert isinstance(first, signing.Signed)
    outcome = db.transaction(
        lambda s: signing.edit_signatory(
            s, signatory_id=first.signatory_id, form=form("second org"), actor=ANA, now=NOW, is_coordinator=False
        )
    )
    assert outcome == signing.NameTaken("second org")


def test_the_public_page_takes_no_link_or_markup_in_what_the_letter_prints() -> None:
    def problems(org: str, **changes: str) -> dict[str, str]:
        raw = {"org_name": org, "name": "N", "title": "T", "email": "a@b.org", "authorized": True, **changes}
        assert validate_form(raw)[1] == {}  # the Slack modal takes it (and escapes it wherever it is shown)
        return {field: problem.code for field, problem in validate_form(raw, plain_names=True)[1].items()}

    for org in ("<b>Org</b>", "Org <!channel>", "https://evil.example", "www.evil.example Org", "evil.org/join",
                "[Org](http://x)", "Org > Others"):  # fmt: skip
        assert problems(org) == {"org_name": FormProblem.LINK_OR_MARKUP}, org
    assert problems("Org", name="<@U1>", title="see http://x", city_state="<#C1>") == {
        "name": FormProblem.LINK_OR_MARKUP,
        "title": FormProblem.LINK_OR_MARKUP,
        "city_state": FormProblem.LINK_OR_MARKUP,
    }
    for org in ("St. Mary's Church", "A.B.C. Coalition", "Asian Americans Advancing Justice | Chicago",
                "Mujeres Latinas en Acción", "Faith/Labor Alliance", "Org.com Foundation", "=SUM(1)"):  # fmt: skip
        assert problems(org, note="<script>the note is not printed</script>") == {}, org


def test_the_form_reports_problems_per_field() -> None:
    parsed, problems = validate_form({"org_name": " ", "name": "", "title": "T", "email": "nope", "authorized": False})
    assert parsed is None
    assert {field: p.code for field, p in problems.items()} == {
        "org_name": FormProblem.ORG_MISSING,
        "name": FormProblem.NAME_MISSING,
        "email": FormProblem.EMAIL_INVALID,
        "authorized": FormProblem.NOT_AUTHORIZED,
    }
    _, problems = validate_form(
        {"org_name": "X" * 201, "name": "N", "title": "T", "email": "a@b.org", "authorized": True}
    )
    assert problems["org_name"].code == FormProblem.ORG_TOO_LONG and problems["org_name"].params == {"limit": 200}
