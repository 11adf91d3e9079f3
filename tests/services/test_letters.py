"""Letters: the form's checks, versions, closing and reopening once."""

from __future__ import annotations

from datetime import timedelta

from bot.services.letters import letters
from bot.services.letters.form import LetterFormInput, LetterProblem, validate_letter_form
from db.engine import Database
from db.models import Letter, ReminderRun
from tests.services.conftest import COORDINATOR, NOW, draft, new_letter


def form_input(**changes: object) -> LetterFormInput:
    values: dict[str, object] = {
        "title": "Protect Due Process Now",
        "text_parts": ("Dear Senators,", None, None, None),
        "deadline_date": (NOW + timedelta(days=7)).date().isoformat(),
        "deadline_time": "17:00",
        "channels": ("C0PUBLIC",),
        "lead_orgs": "Detention Watch Network\n\ndetention watch network",
        "reminders": "72h, 24h",
    }
    values.update(changes)
    return LetterFormInput(**values)  # type: ignore[arg-type]


def test_a_valid_form_becomes_a_draft() -> None:
    parsed, problems = validate_letter_form(form_input(), tz_name="America/Chicago", now=NOW)
    assert problems == {} and parsed is not None
    assert parsed.lead_orgs == ("Detention Watch Network",)  # the same organization listed twice is kept once
    assert [o.total_seconds() for o in parsed.reminder_offsets] == [259200, 86400]


def test_problems_name_the_field_and_what_is_wrong() -> None:
    _, problems = validate_letter_form(
        form_input(title=" ", deadline_date="2020-01-01", channels=(), reminders="soon, 0h"),
        tz_name=None,
        now=NOW,
    )
    assert problems["title"].code == LetterProblem.TITLE_MISSING
    assert problems["deadline_date"].code == LetterProblem.DEADLINE_PAST
    assert problems["channels"].code == LetterProblem.CHANNELS_MISSING
    assert problems["reminders"].code == LetterProblem.REMINDER_NOT_DURATION
    assert problems["reminders"].params == {"text": "soon"}


def test_a_substantive_edit_asks_signers_again_and_a_typo_does_not(db: Database) -> None:
    letter_id = db.transaction(new_letter)

    def edit(text: str, substantive: bool) -> letters.EditResult:
        def work(session: object) -> letters.EditResult:
            row = session.get(Letter, letter_id)  # type: ignore[attr-defined]
            return letters.edit_letter(
                session,  # type: ignore[arg-type]
                letter=row,
                actor=COORDINATOR,
                draft=draft(text=text),
                substantive=substantive,
                change_note=None,
                now=NOW,
            )

        return db.transaction(work)

    typo = edit("Dear Senators,\n\nWe write to urge you!", substantive=False)
    assert typo.new_version == 2 and not typo.substantive
    change = edit("Dear Senators,\n\nWe now oppose it.", substantive=True)
    assert change.new_version == 3 and change.substantive
    unchanged = edit("Dear Senators,\n\nWe now oppose it.", substantive=True)
    assert unchanged.new_version is None


def test_a_letter_closes_once_and_reopens_with_its_reminders(db: Database) -> None:
    letter_id = db.transaction(new_letter)
    first = db.transaction(lambda s: letters.close_letter(s, letter_id=letter_id, actor=COORDINATOR, now=NOW))
    second = db.transaction(lambda s: letters.close_letter(s, letter_id=letter_id, actor=None, now=NOW))
    assert first is not None and second is None
    later = NOW + timedelta(days=10)
    reopened = db.transaction(
        lambda s: letters.reopen_letter(s, letter_id=letter_id, actor=COORDINATOR, deadline_at=later, now=NOW)
    )
    assert reopened is not None
    with db.read() as session:
        runs = session.query(ReminderRun).filter_by(letter_id=letter_id).all()
        assert [run.due_at for run in runs] == [later - timedelta(hours=24)]
