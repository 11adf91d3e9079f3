"""Issue 17: the letter's parts (date line, addressees, Re: line, salutation, closing, cc) typed in the letter
modal, printed in order in the PDF and the DOCX, kept with the versions, and edited without re-confirmation."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from docx import Document
from pypdf import PdfReader
from sqlalchemy import select

from bot.messages import words
from db.models import ChannelPost, LetterVersion
from tests.conftest import Coalition, RunningApp
from tests.e2e.steps import (
    db_session,
    letter_values,
    local_deadline,
    open_new_letter,
    sign_on,
    signatories,
    wait_for_modal,
)
from tests.e2e.test_delivery import deliver

TITLE = "End Family Detention"
TEXT = "We, the undersigned organizations, write to urge you to *end family detention*.\n\nNo child belongs in a cell."
PARTS = {
    "date_line": "December 1, 2026",
    "addressees": (
        "The Honorable Jane Smith\nPresident of the United States\nThe White House\n\n"
        "The Honorable Ana Jones\nSecretary of Homeland Security"
    ),
    "re_line": "Ending family detention",
    "salutation": "Dear President Smith and Secretary Jones:",
    "closing": "Respectfully,",
    "cc": "Senate Judiciary Committee\nHouse Homeland Security Committee",
}
IN_ORDER = [
    "December 1, 2026",
    "The Honorable Jane Smith",
    "President of the United States",
    "The Honorable Ana Jones",
    "Secretary of Homeland Security",
    "Re: Ending family detention",
    "Dear President Smith and Secretary Jones:",
    "We, the undersigned organizations",
    "No child belongs in a cell.",
    "Respectfully,",
    "Mujeres Latinas en Acción",
    "cc:",
    "Senate Judiciary Committee",
    "House Homeland Security Committee",
]


def part_values(parts: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {f"part_{name}": {f"part_{name}": value or None} for name, value in parts.items()}


def create_letter_with_parts(app: RunningApp, coalition: Coalition, parts: dict[str, str]) -> int:
    open_new_letter(app, coalition.coordinator, coalition.public)
    values = letter_values(title=TITLE, text=TEXT, deadline=local_deadline(), channels=[coalition.public])
    response = app.driver.submit_view(coalition.coordinator, values=values | part_values(parts))
    assert response.ok and not response.errors, response.errors

    def posted() -> int | None:
        with db_session(app.database_url) as session:
            post = session.execute(select(ChannelPost).where(ChannelPost.status == "posted")).scalars().first()
            return post.letter_id if post else None

    return app.fake.wait_until(posted, timeout=10)


def exported_texts(app: RunningApp, coalition: Coalition, letter_id: int) -> tuple[str, str]:
    """The text of the newest PDF and DOCX export of the letter, read back."""
    fake = app.fake
    before = len(fake.files())
    for fmt in ("pdf", "docx"):
        app.driver.slash_command(
            coalition.coordinator, "/signon", f"export {letter_id} {fmt}", channel_id=coalition.public
        )

    def both() -> tuple[dict[str, Any], dict[str, Any]] | None:
        new = [f for f in fake.files()[before:] if f.get("completed")]
        pdf = [f for f in new if f["filename"].endswith(".pdf")]
        docx = [f for f in new if f["filename"].endswith(".docx")]
        return (pdf[-1], docx[-1]) if pdf and docx else None

    # Generous: a delivery also sends the final list and the thanks, each with its own PDF, before these.
    pdf, docx = fake.wait_until(both, timeout=40)
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf["content"])).pages)
    docx_text = "\n".join(p.text for p in Document(io.BytesIO(docx["content"])).paragraphs)
    return pdf_text, docx_text


def assert_in_order(text: str, expected: list[str]) -> None:
    at = 0
    for piece in expected:
        found = text.find(piece, at)
        assert found >= 0, f"{piece!r} missing after position {at} in:\n{text}"
        at = found + len(piece)


def test_every_part_prints_in_order_and_an_edit_of_parts_asks_nobody(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter_with_parts(app, coalition, PARTS)
    signer = coalition.members[0]
    sign_on(app, signer, letter_id, coalition.public, "Mujeres Latinas en Acción", email="ana@mujereslatinas.org")
    app.fake.wait_until(lambda: len(signatories(app.database_url, letter_id)) == 1)

    pdf_text, docx_text = exported_texts(app, coalition, letter_id)
    for text in (pdf_text, docx_text):
        assert_in_order(text, IN_ORDER)

    # The edit modal shows every part as it was typed.
    app.driver.slash_command(coalition.coordinator, "/signon", f"edit {letter_id}", channel_id=coalition.public)
    edit = wait_for_modal(app.fake, coalition.coordinator, "letter_edit_submit")
    initial = {
        block["block_id"]: block["element"].get("initial_value")
        for block in edit["blocks"]
        if block.get("block_id", "").startswith("part_")
    }
    assert initial == {f"part_{name}": value for name, value in PARTS.items()}

    # Changing only the parts, even with "substantive" ticked, makes a version nobody is asked to confirm.
    changed = {"re_line": "Re: Close the family detention centers", "closing": "Sincerely,", "cc": ""}
    values = part_values(changed) | {"substantive": {"substantive": ["substantive"]}}
    response = app.driver.submit_view(coalition.coordinator, values=values)
    assert response.ok and not response.errors, response.errors
    app.fake.wait_until(
        lambda: [m for m in app.fake.dm_messages(coalition.coordinator) if "Saved" in m.get("text", "")], timeout=10
    )
    with db_session(app.database_url) as session:
        versions = session.execute(select(LetterVersion).order_by(LetterVersion.number)).scalars().all()
        assert [(v.number, v.text == versions[0].text, v.substantive) for v in versions] == [
            (1, True, True),
            (2, True, False),
        ]
        assert versions[0].re_line == "Ending family detention" and versions[1].cc is None
    row = signatories(app.database_url, letter_id)[0]
    assert row.reconfirm_requested_version is None and row.version_confirmed == 2
    assert not [m for m in app.fake.dm_messages(signer) if "changed" in m.get("text", "")]

    pdf_text, docx_text = exported_texts(app, coalition, letter_id)
    for text in (pdf_text, docx_text):
        assert_in_order(text, ["Re: Close the family detention centers", "Sincerely,", "Mujeres Latinas en Acción"])
        assert "Re: Re:" not in text and "cc:" not in text and "Senate Judiciary" not in text


def test_a_new_letter_offers_sincerely_and_bad_parts_get_inline_errors(app: RunningApp, coalition: Coalition) -> None:
    open_new_letter(app, coalition.coordinator, coalition.public)
    modal = wait_for_modal(app.fake, coalition.coordinator, "letter_new_submit")
    closing = next(b for b in modal["blocks"] if b.get("block_id") == "part_closing")
    assert closing["element"]["initial_value"] == "Sincerely," and closing["optional"] is True
    assert len(modal["blocks"]) <= 100

    values = letter_values(title=TITLE, text=TEXT, deadline=local_deadline(), channels=[coalition.public])
    too_many = "\n\n".join(f"Office {n}" for n in range(21))
    long_line = "Senate Judiciary Committee " * 12
    response = app.driver.submit_view(
        coalition.coordinator, values=values | part_values({"addressees": too_many, "cc": long_line})
    )
    assert set(response.errors) == {"part_addressees", "part_cc"}, response.errors
    assert "at most 20 addressees" in response.errors["part_addressees"]
    assert "longer than 300 characters" in response.errors["part_cc"]
    with db_session(app.database_url) as session:
        assert session.execute(select(LetterVersion)).first() is None


def test_a_delivered_letter_prints_the_typed_date_line_else_the_delivery_date(
    app: RunningApp, coalition: Coalition
) -> None:
    letter_id = create_letter_with_parts(app, coalition, {"salutation": "Dear Members of Congress:"})
    sign_on(app, coalition.members[0], letter_id, coalition.public, "Faith in Action", email="c@faithinaction.org")
    app.fake.wait_until(lambda: len(signatories(app.database_url, letter_id)) == 1)
    day = date(2026, 11, 27)
    response = deliver(app, coalition, letter_id, day=day)
    assert response.ok and not response.errors, response.errors
    delivered_on = words("en").calendar_date(day)
    pdf_text, docx_text = exported_texts(app, coalition, letter_id)
    for text in (pdf_text, docx_text):
        assert_in_order(text, [delivered_on, "Dear Members of Congress:", "We, the undersigned", "Sincerely,"])
        assert "Re:" not in text and "cc:" not in text

    # A date line the coordinator types wins over the delivery date.
    app.driver.slash_command(coalition.coordinator, "/signon", f"edit {letter_id}", channel_id=coalition.public)
    wait_for_modal(app.fake, coalition.coordinator, "letter_edit_submit")
    response = app.driver.submit_view(coalition.coordinator, values=part_values({"date_line": "December 3, 2026"}))
    assert response.ok and not response.errors, response.errors
    with db_session(app.database_url) as session:
        assert session.execute(select(LetterVersion.number)).scalars().all() == [1, 2]
    pdf_text, docx_text = exported_texts(app, coalition, letter_id)
    for text in (pdf_text, docx_text):
        assert_in_order(text, ["December 3, 2026", "Dear Members of Congress:", "Faith in Action"])
        assert delivered_on not in text
