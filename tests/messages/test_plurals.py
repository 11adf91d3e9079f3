"""Singular and plural: every count a sentence shows goes through ``_n`` (the catalog's plural rule), and each
counted sentence reads right at 1 and at 2, in English and in Spanish ("1 organization", "1 organización",
"2 organizations", never "1 organizations")."""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.messages import Words, words
from bot.services.letters.form import LetterProblem
from bot.services.outcomes import Problem
from bot.services.signing.form import FormProblem

MESSAGES = Path(__file__).resolve().parents[2] / "bot" / "messages"

LIMITED_LETTER_PROBLEMS = [
    code for code in LetterProblem if code.name.endswith(("_TOO_LONG", "_TOO_EARLY")) or "TOO_MANY" in code.name
]

# Each counted sentence, with every count it shows set to ``n``.
COUNTED: dict[str, Callable[[Words, int], str]] = {
    "organizations": lambda w, n: w.organizations(n),
    "count_with_leads": lambda w, n: w.count_with_leads(n * 3, n),
    "and_more": lambda w, n: w.and_more(n),
    "time_left": lambda w, n: " ".join(w.time_left(timedelta(**{unit: n})) for unit in ("days", "hours", "minutes")),
    "posting_letter": lambda w, n: w.posting_letter(7, "Title", n),
    "new_version": lambda w, n: w.new_version(4, n),
    "duplicates_heading": lambda w, n: w.duplicates_heading(7, "Title", n),
    "review_these_first": lambda w, n: w.review_these_first(n),
    "duplicates_notification": lambda w, n: w.duplicates_notification(n),
    "duplicates_to_review": lambda w, n: w.duplicates_to_review(n),
    "duplicates_to_review_where": lambda w, n: w.duplicates_to_review_where(n, 7),
    "home_coordinator_letter": lambda w, n: w.home_coordinator_letter(7, "Title", "open", n, n, "Friday"),
    "delivery_recorded": lambda w, n: w.delivery_recorded(7, "Title", n, n),
    "thanks_progress": lambda w, n: w.thanks_progress(n, n),
    "thanks_done": lambda w, n: w.thanks_done(n, n),
    "messages_failed": lambda w, n: w.messages_failed(n),
    "response_progress": lambda w, n: w.response_progress(n, n),
    "response_sending": lambda w, n: w.response_sending(n),
    "added_after_delivery": lambda w, n: w.added_after_delivery(date(2026, 12, 3), n),
    "export_headline": lambda w, n: w.export_headline(2, n, 1, ["A"] * n, ["B"] * n),
    "since_export": lambda w, n: w.since_export(2, "Title", n, n, n),
    "have_signed": lambda w, n: w.have_signed(n),
    "open_letters_heading": lambda w, n: w.open_letters_heading(n),
    "open_letters_notification": lambda w, n: w.open_letters_notification(n),
    "letter_problem": lambda w, n: " ".join(
        w.letter_problem(Problem(code, {"limit": n, "days": n, "start": "Casa", "length": 9000}))
        for code in LIMITED_LETTER_PROBLEMS
    ),
    "form_problem": lambda w, n: " ".join(
        w.form_problem(Problem(code, {"limit": n})) for code in FormProblem if code.name.endswith("_TOO_LONG")
    ),
    "not_confirmed": lambda w, n: w.not_confirmed(n, 2),
    "remind_confirm_text": lambda w, n: w.remind_confirm_text(n, 2),
    "reminding": lambda w, n: w.reminding(n, 2),
    "reminder_text": lambda w, n: w.reminder_text("Title", "Friday", "2 days", n),
    "signed_and_new": lambda w, n: w.signed_and_new(n, n),
    "reminded_members": lambda w, n: w.reminded_members(n, "<@U1>", 0),
    "reminders_undelivered": lambda w, n: w.reminders_undelivered(n),
    "new_signons": lambda w, n: w.new_signons(n, 7, "Title", n),
    "signon_digest_notification": lambda w, n: w.signon_digest_notification(n, "Title"),
    "home_thanks_progress": lambda w, n: " ".join(w.home_thanks_progress(n, n, done=done) for done in (False, True)),
    "home_response_progress": lambda w, n: w.home_response_progress(n, n),
    "lead_organizations_heading": lambda w, n: w.lead_organizations_heading(n),
    "group_heading": lambda w, n: w.group_heading("Texas", n),
    "web_errors_summary": lambda w, n: w.web_errors_summary(n),
    "web_pending_heading": lambda w, n: w.web_pending_heading(n),
    "web_pending_digest": lambda w, n: w.web_pending_digest(n),
}

ENGLISH_NOUNS = (
    "organization",
    "signer",
    "person",
    "member",
    "reminder",
    "sign-on",
    "letter",
    "duplicate",
    "channel",
    "day",
    "hour",
    "minute",
    "character",
)
PEOPLE_PLURAL = {"person": "people"}
SPANISH_NOUNS = {
    "organización": "organizaciones",
    "persona": "personas",
    "firma": "firmas",
    "carta": "cartas",
    "recordatorio": "recordatorios",
    "duplicado": "duplicados",
    "canal": "canales",
    "día": "días",
    "hora": "horas",
    "minuto": "minutos",
    "carácter": "caracteres",
}
# Verbs and pronouns that agree with a plural subject: never beside a count of one.
SPANISH_PLURAL_AGREEMENT = re.compile(r"\b(firmaron|confirmaron|reciben|pudieron|[Ss]e les|nuevas|posibles)\b")


def _wrong_number(text: str, language: str, n: int) -> list[str]:
    """Counted nouns whose number disagrees with the count right before them."""
    found: list[str] = []
    if language == "en":
        for noun in ENGLISH_NOUNS:
            plural = PEOPLE_PLURAL.get(noun, noun + "s")
            wrong = plural if n == 1 else noun
            # "sign-on letter" is a letter, not a sign-on.
            after = r"(?![s\w-]| letter)"
            found += re.findall(rf"\b{n}\*? (?:\w+ )?{re.escape(wrong)}{after}", text)
    else:
        for singular, plural in SPANISH_NOUNS.items():
            wrong = plural if n == 1 else singular
            found += re.findall(rf"\b{n}\*? {re.escape(wrong)}\b", text)
        if n == 1:
            found += SPANISH_PLURAL_AGREEMENT.findall(text)
    return found


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("n", [1, 2])
@pytest.mark.parametrize("name", sorted(COUNTED))
def test_each_counted_sentence_reads_right_at_one_and_two(name: str, n: int, language: str) -> None:
    text = COUNTED[name](words(language), n)
    assert str(n) in text, text
    assert not _wrong_number(text, language, n), (name, language, n, text)


def test_the_one_and_the_two_differ_where_the_language_says_so() -> None:
    """A sentence whose noun changes with the count really picks a form (not one text for every count)."""
    for language, one, two in (
        ("en", "1 organization", "2 organizations"),
        ("es", "1 organización", "2 organizaciones"),
    ):
        w = words(language)
        assert one in w.organizations(1) and two in w.organizations(2)
        assert "1 new sign-on" in words("en").new_signons(1, 7, "Title", 1)
        assert w.not_confirmed(1, 2) != w.not_confirmed(2, 2).replace("2", "1", 1)


def test_every_sentence_with_a_plural_form_is_checked_here() -> None:
    uses_plurals = {
        name
        for name, method in inspect.getmembers(Words, inspect.isfunction)
        if name != "_n" and "self._n(" in inspect.getsource(method)
    }
    assert uses_plurals <= set(COUNTED), sorted(uses_plurals - set(COUNTED))


# Placeholders that hold a count (``added``, ``removed`` and ``new`` hold counted phrases made by ``_n``).
COUNT_NAMES = {"count", "limit", "days", "total", "sent", "length"}


def test_no_count_is_written_into_a_sentence_without_its_plural_rule() -> None:
    """A number formatted into ``self._(...)`` skips the catalog's plural forms: counts go through ``_n``."""
    offenders = []
    for path in sorted(MESSAGES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "_"):
                continue
            for keyword in node.keywords:
                value = keyword.value
                formatted = (
                    isinstance(value, ast.Call)
                    and isinstance(value.func, ast.Attribute)
                    and value.func.attr == "number"
                )
                if formatted or keyword.arg in COUNT_NAMES:
                    offenders.append(f"{path.name}:{node.lineno} {keyword.arg}")
    assert not offenders, offenders
