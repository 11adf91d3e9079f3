"""Every modal, in every language, is one Slack would open: a translation that runs past a Block Kit limit
(an option's 75 characters, a title's 24, a hint's 2,000) makes ``views.open`` fail with ``invalid_arguments``,
and the person sees no form at all. Checked with the local Slack double's Block Kit rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.blocks import delivery, letter_form, signon
from bot.messages import words
from db.enums import Language
from tests.fakeslack.blockkit import validate_view

LONG_TITLE = "Protect Due Process Now: a letter from 193 immigrant and civil rights organizations"


def modals(language: str) -> dict[str, dict[str, Any]]:
    w = words(language)
    defaults = letter_form.LetterFormDefaults(reminders="72h, 24h", title=LONG_TITLE, text="Dear Members,")
    return {
        "new letter": letter_form.letter_form_modal(w, defaults),
        "edit letter": letter_form.letter_form_modal(w, defaults, editing_letter_id=7),
        "delivery": delivery.delivery_modal(w, 7, LONG_TITLE, 193, date(2026, 12, 1)),
        "response": delivery.response_modal(w, 7, LONG_TITLE),
        "withdraw": signon.withdraw_modal(w, "Mujeres Latinas en Acción", LONG_TITLE, 11),
        "signed": signon.signed_modal(w, "Mujeres Latinas en Acción", LONG_TITLE, resigned=False),
        "signed again": signon.signed_modal(w, "Mujeres Latinas en Acción", LONG_TITLE, resigned=True),
        "loading": signon.loading_modal(w),
    }


@pytest.mark.parametrize("language", list(Language))
def test_every_modal_fits_slack_in_every_language(language: str) -> None:
    problems = {
        name: [str(problem) for problem in validate_view(view, expected_type="modal")]
        for name, view in modals(language).items()
    }
    assert {name: found for name, found in problems.items() if found} == {}
