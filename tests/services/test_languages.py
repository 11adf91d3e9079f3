"""Languages: whose words a person reads (their choice, else their Slack locale, else English), and a letter in
two languages (one numbering of versions, its own title and text per language, one list of signatories)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.services import languages
from bot.services.letters import letters
from bot.services.letters.form import LetterFormInput, LetterProblem, TranslationDraft, validate_letter_form
from bot.services.letters.queries import find_letters, letter_view, titles_in
from bot.services.letters.translations import changed_texts, text_at
from bot.services.outcomes import Actor
from bot.services.profiles import Profile, save_profiles
from bot.services.signing import signing
from bot.services.signing.form import SignOnForm
from db.engine import Database
from db.enums import Language
from db.models import Letter, Signatory
from tests.services.conftest import COORDINATOR, NOW, TEAM, draft, new_letter

SPANISH = TranslationDraft("es", "Protejamos el debido proceso", "Estimados senadores:\n\nLes escribimos.")


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("es-ES", "es"),
        ("es-LA", "es"),
        ("es-419", "es"),
        ("es_MX", "es"),
        ("ES", "es"),
        ("en-US", "en"),
        ("en-GB", "en"),
        ("pt-BR", None),
        ("", None),
        (None, None),
    ],
)
def test_slack_locales_map_to_the_languages_signon_speaks(locale: str | None, language: str | None) -> None:
    assert languages.language_of_locale(locale) == language


def test_a_choice_beats_the_slack_locale_which_beats_english() -> None:
    assert languages.resolve("en", "es-ES") == languages.PersonLanguage(Language.EN, True, Language.ES)
    assert languages.resolve(None, "es-ES") == languages.PersonLanguage(Language.ES, False, Language.ES)
    assert languages.resolve(None, "fr-FR").language == Language.EN
    assert languages.resolve("tlh", None).language == Language.EN  # a stored code signon no longer speaks
    assert languages.resolve(None, "es-LA").choice == languages.AUTOMATIC
    assert languages.resolve("es", None).choice == "es"


@pytest.mark.parametrize(
    ("typed", "choice"),
    [
        ("es", "es"),
        ("Español", "es"),
        ("espanol", "es"),
        ("EN", "en"),
        ("inglés", "en"),
        ("auto", "auto"),
        ("fr", None),
    ],
)
def test_what_people_type_after_language(typed: str, choice: str | None) -> None:
    assert languages.parse_choice(typed) == choice


def test_a_person_language_is_read_and_chosen_in_the_database(db: Database) -> None:
    db.transaction(lambda s: save_profiles(s, [Profile("ULUCIA", TEAM, "Lucía", locale="es-ES")], NOW))
    with db.read() as session:
        assert languages.person_language(session, "ULUCIA").language == Language.ES
        assert languages.person_language(session, "UNOBODY").language == Language.EN
    db.transaction(lambda s: languages.choose_language(s, "ULUCIA", "en", NOW))
    db.transaction(lambda s: languages.choose_language(s, "ULUCIA", "en", NOW))  # twice is the same choice
    db.transaction(lambda s: languages.choose_language(s, "UNEW", "es", NOW))  # no profile cached yet
    with db.read() as session:
        assert languages.person_language(session, "ULUCIA") == languages.PersonLanguage(Language.EN, True, Language.ES)
        assert languages.person_language(session, "UNEW").language == Language.ES
    db.transaction(lambda s: languages.choose_language(s, "ULUCIA", languages.AUTOMATIC, NOW))
    with db.read() as session:
        assert languages.person_language(session, "ULUCIA").language == Language.ES


def form_input(**changes: object) -> LetterFormInput:
    values: dict[str, object] = {
        "title": "Protect Due Process Now",
        "text_parts": ("Dear Senators,", None, None, None),
        "deadline_date": (NOW + timedelta(days=7)).date().isoformat(),
        "deadline_time": "17:00",
        "channels": ("C0PUBLIC",),
        "lead_orgs": None,
        "reminders": "24h",
    }
    values.update(changes)
    return LetterFormInput(**values)  # type: ignore[arg-type]


def test_the_letter_form_takes_a_main_language_and_a_translation() -> None:
    parsed, problems = validate_letter_form(
        form_input(language="es", translation_title="Protect Due Process", translation_text_parts=("Dear", None)),
        tz_name=None,
        now=NOW,
    )
    assert problems == {} and parsed is not None
    assert parsed.language == "es" and parsed.translation == TranslationDraft("en", "Protect Due Process", "Dear")
    default, _ = validate_letter_form(form_input(), tz_name=None, now=NOW, default_language="es")
    assert default is not None and default.language == "es" and default.translation is None
    crafted, _ = validate_letter_form(form_input(language="klingon"), tz_name=None, now=NOW)
    assert crafted is not None and crafted.language == "en"
    _, half = validate_letter_form(form_input(translation_title="Solo el título"), tz_name=None, now=NOW)
    assert half["translation_text"].code == LetterProblem.TRANSLATION_TEXT_MISSING
    _, other_half = validate_letter_form(form_input(translation_text_parts=("Solo texto",)), tz_name=None, now=NOW)
    assert other_half["translation_title"].code == LetterProblem.TRANSLATION_TITLE_MISSING


def edit(db: Database, letter_id: int, *, substantive: bool, **changes: object) -> letters.EditResult:
    def work(session: object) -> letters.EditResult:
        row = session.get(Letter, letter_id)  # type: ignore[attr-defined]
        return letters.edit_letter(
            session,  # type: ignore[arg-type]
            letter=row,
            actor=COORDINATOR,
            draft=draft(**changes),
            substantive=substantive,
            change_note=None,
            now=NOW,
        )

    return db.transaction(work)


def sign(db: Database, letter_id: int, org: str, user: str, language: str | None = None) -> object:
    return db.transaction(
        lambda s: signing.sign_on(
            s,
            letter_id=letter_id,
            form=SignOnForm(org, "Ana Pérez", "Directora", "ana@org.org"),
            actor=Actor(user, TEAM),
            source="slash_command",
            source_channel_id=None,
            now=NOW,
            team_id=TEAM,
            language=language,
        )
    )


def test_a_bilingual_letter_has_one_numbering_one_list_and_each_reader_their_text(db: Database) -> None:
    letter_id = db.transaction(lambda s: new_letter(s, translation=SPANISH))
    with db.read() as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None
        view = letter_view(session, letter)
        assert (letter.current_version, view.version, view.languages) == (2, 2, ("en", "es"))
        assert view.in_language("es").title == SPANISH.title and view.in_language("es").text == SPANISH.text
        assert view.in_language("es").in_language("en") == view
        assert view.in_language("fr") is view  # no such text: the main one
        assert titles_in(session, [letter_id], "es") == {letter_id: SPANISH.title}
        assert [x.id for x in find_letters(session, TEAM, "debido proceso")] == [letter_id]

    spanish = sign(db, letter_id, "Comunidades Unidas en una Voz", "ULUCIA", language="es")
    english = sign(db, letter_id, "Alianza Americas", "UBEN", language="en")
    assert isinstance(spanish, signing.Signed) and spanish.letter_title == SPANISH.title
    assert isinstance(english, signing.Signed) and english.letter_title == "Protect Due Process Now"
    with db.read() as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None
        # Both texts share one list; its lead organization counts too (one count everywhere).
        assert (letter_view(session, letter).count, letter_view(session, letter).listed_leads) == (3, 1)

    # A typo fixed in the translation: a new version of the Spanish text only; signatures carry over.
    typo = edit(db, letter_id, substantive=False, translation=TranslationDraft("es", SPANISH.title, "Estimados:"))
    assert (typo.new_version, typo.translations_updated, typo.reconfirm_signatory_ids) == (3, ["es"], [])
    # A substantive change to the Spanish text asks every signer, whatever language they read.
    change = edit(db, letter_id, substantive=True, translation=TranslationDraft("es", "Nuevo título", "Cambió."))
    assert change.new_version == 4 and len(change.reconfirm_signatory_ids) == 2
    with db.read() as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None
        assert [(v.number, v.language) for v in letter.versions] == [(1, "en"), (2, "es"), (3, "es"), (4, "es")]
        assert text_at(letter, "es", 3) is not None and text_at(letter, "es", 3).text == "Estimados:"  # type: ignore[union-attr]
        assert text_at(letter, "en").number == 1  # type: ignore[union-attr]
        [changed] = changed_texts(letter, 3, 4)
        assert (changed.language, changed.old_text, changed.new_text) == ("es", "Estimados:", "Cambió.")
        assert changed_texts(letter, 1, 4)[0].old_text is None  # the translation came after version 1
        assert letter.translations[0].title == "Nuevo título"
        signers = session.query(Signatory).filter_by(letter_id=letter_id).all()
        assert {s.version_confirmed for s in signers} == {3} and {s.reconfirm_requested_version for s in signers} == {4}

    # Emptying the translation removes it; its versions stay as history; nobody is asked again.
    removed = edit(db, letter_id, substantive=True, translation=None)
    assert removed.translations_removed == ["es"] and removed.new_version is None
    with db.read() as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None
        assert letter_view(session, letter).languages == ("en",) and len(letter.versions) == 4
