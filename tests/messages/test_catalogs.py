"""The translation catalogs are complete and faithful: every sentence of the code is in the template, every one
has a reviewed Spanish translation, and a translation keeps what Slack and Python read in it (placeholders,
mrkdwn markers, emoji codes, `code`, line breaks)."""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir

from bot.messages import ENGLISH, words
from bot.messages.catalogs import LOCALE_DIR, TEMPLATE, CatalogError, catalog_path, compile_all, read_catalog
from db.enums import Language

# Exactly what README's `pybabel extract` command does (the keywords of Words, and translator comments).
KEYWORDS = {"_": None, "_n": (1, 2)}
TRANSLATED = [code for code in Language if code != Language.EN]


def code_messages() -> set[object]:
    """The message ids written in bot/messages, as Babel's extractor finds them."""
    found = extract_from_dir(
        str(LOCALE_DIR.parent), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("Translators:",)
    )
    return {message for _, _, message, _, _ in found}


def ids(catalog: Catalog) -> set[object]:
    return {message.id for message in catalog if message.id}


def entries(catalog: Catalog) -> Iterator[Message]:
    yield from (message for message in catalog if message.id)


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


EMOJI = re.compile(r":[a-z0-9_+\-]+:")
CODE = re.compile(r"`[^`]*`")
# Inside `code`, what is literal stays; the names of what to type ([letter], <words of the title>) are words.
METAVARIABLE = re.compile(r"\[[^\]|]*\]|&lt;.*?&gt;")


def literal(code: str) -> str:
    return METAVARIABLE.sub("…", code)


def markup(text: str) -> dict[str, object]:
    """What Slack reads in a sentence besides its words."""
    bare = CODE.sub("", EMOJI.sub("", text))
    bare = re.sub(r"\{[^}]*\}", "", bare)
    return {
        "emoji": Counter(EMOJI.findall(text)),
        "code": Counter(literal(code) for code in CODE.findall(text)),
        "bold": bare.count("*"),
        "italic": bare.count("_"),
        "lines": text.count("\n"),
        "escapes": Counter(re.findall(r"&[a-z]+;", text)),
    }


def test_the_template_lists_every_sentence_of_the_code() -> None:
    """Run `pybabel extract` (README, Languages) after adding or changing a sentence."""
    template = read_catalog(TEMPLATE)
    in_code, in_template = code_messages(), ids(template)
    assert sorted(map(str, in_code - in_template)) == [], "sentences missing from the template: extract again"
    assert sorted(map(str, in_template - in_code)) == [], "the template lists sentences the code no longer has"


@pytest.mark.parametrize("language", [*TRANSLATED, Language.EN])
def test_each_catalog_follows_the_template(language: str) -> None:
    """Run `pybabel update` (README, Languages) after extracting."""
    catalog = read_catalog(catalog_path(language), language)
    assert ids(catalog) == ids(read_catalog(TEMPLATE))
    assert not catalog.obsolete, f"obsolete entries left in {language}: {list(catalog.obsolete)[:5]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_sentence_is_translated_and_reviewed(language: str) -> None:
    catalog = read_catalog(catalog_path(language), language)
    untranslated, fuzzy, forms = [], [], []
    for message in entries(catalog):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(s.strip() for s in strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
        if message.pluralizable and len(strings) != catalog.num_plurals:
            forms.append(message.id)
    assert untranslated == []
    assert fuzzy == [], "fuzzy entries are guesses: review them and remove the flag"
    assert forms == [], f"plural entries need all {catalog.num_plurals} forms of {catalog.plural_forms}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_placeholders_and_slack_markup(language: str) -> None:
    catalog = read_catalog(catalog_path(language), language)
    problems = []
    for message in entries(catalog):
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set().union(*(placeholders(source) for source in sources))
        for translated in strings:
            if placeholders(translated) != wanted:
                problems.append(f"placeholders {sorted(placeholders(translated))} != {sorted(wanted)}: {translated!r}")
            try:
                translated.format(**dict.fromkeys(wanted, "x"))
            except (KeyError, ValueError, IndexError) as error:
                problems.append(f"does not format ({error}): {translated!r}")
            if markup(translated) != markup(sources[-1]):
                problems.append(f"markup {markup(translated)} != {markup(sources[-1])}: {translated!r}")
    assert problems == []


def test_the_catalogs_compile_and_speak_their_language() -> None:
    assert compile_all() == ["en", "es"]
    spanish = words("es")
    assert spanish.sign_on_button() == "Firmar"
    assert spanish.form_problem.__func__ is ENGLISH.form_problem.__func__  # one catalog of methods, two languages
    assert (spanish.organizations(1), spanish.organizations(2)) == ("1 organización", "2 organizaciones")
    # Spanish plural rules come from the catalog: a round million takes "de".
    assert spanish.organizations(1_000_000) == "1,000,000 de organizaciones"
    assert ENGLISH.organizations(1_000_000) == "1,000,000 organizations"
    assert spanish.number(12345) == "12,345"  # US Spanish writes numbers as the coalitions' media do


def test_a_broken_catalog_is_refused_with_its_name(tmp_path: Path) -> None:
    broken = tmp_path / "signon.po"
    broken.write_text('msgid "Sign on"\nmsgstr "Firmar"\nmsgtsr "a typo in a keyword"\n', encoding="utf-8")
    with pytest.raises(CatalogError, match=r"signon\.po"):
        read_catalog(broken, "es")


def test_durations_and_dates_read_naturally() -> None:
    from datetime import UTC, datetime, timedelta

    spanish = words("es")
    assert spanish.time_left(timedelta(days=2, hours=3)) == "2 días y 3 horas"
    assert spanish.time_left(timedelta(hours=1, minutes=5)) == "1 hora y 5 minutos"
    assert spanish.time_left(timedelta(seconds=20)) == "menos de un minuto"
    assert ENGLISH.time_left(timedelta(days=2, hours=3)) == "2 days 3 hours"
    moment = datetime(2026, 12, 4, 23, 0, tzinfo=UTC)
    assert spanish.deadline_date(moment) == "<!date^1796425200^{date_long_pretty}, {time}|2026-12-04 23:00 UTC>"


# Slack cuts longer texts: modal titles and their buttons at 24 characters, confirmation buttons at 30.
MODAL_TITLES = [
    "sign_on_title",
    "edit_signon_title",
    "letter_closed_title",
    "signed_title",
    "already_signed_title",
    "withdraw_modal_title",
    "edit_saved_title",
    "edit_title",
    "letter_modal_title",
    "new_letter_title",
    "edit_letter_title",
    "reopen_letter_title",
    "letter_created_title",
    "letter_posted_title",
    "loading_title",
    "reopened_title",
    "apology_title",
    "post_letter",
    "save_changes",
    "sign_on_button",
    "save",
    "withdraw",
    "reopen",
    "close",
    "cancel",
    "done",
    "back",
    "keep_it",
]


@pytest.mark.parametrize("language", list(Language))
def test_modal_titles_and_buttons_fit_slack(language: str) -> None:
    w = words(language)
    too_long = {name: getattr(w, name)() for name in MODAL_TITLES if len(getattr(w, name)()) > 24}
    assert too_long == {}
    assert all(len(text) <= 30 for text in (w.close_it(), w.remove(), w.withdraw(), w.keep_it(), w.cancel()))
    assert all(len(w.org_type(code)) <= 75 for code in ("community", "advocacy", "government"))
