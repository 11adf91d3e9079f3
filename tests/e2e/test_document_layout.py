"""The coordinator chooses how the documents lay out the signatories (columns; grouping by organization type or
state, each group under a heading with its count) in the letter modal; the PDF and the DOCX of the export and
``python -m bot export`` follow it, every name exactly once, the lead organization first."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from docx import Document
from sqlalchemy import select

from bot import ids
from bot.documents import layout
from bot.services.export import sort_key
from db.models import ChannelPost, Letter
from tests.conftest import Coalition, RunningApp
from tests.documents.pdftext import Line, names_from_lines, pdf_lines
from tests.e2e.steps import (
    db_session,
    letter_values,
    local_deadline,
    message_text,
    open_new_letter,
    sign_on,
    wait_for_modal,
    wait_for_receipts,
)
from tests.harness import run_cli

LEAD = "Detention Watch Network"
# (organization, city and state as typed, organization type)
SIGNERS = [
    ("Mujeres Latinas en Acción", "Chicago, IL", "community"),
    ("Federación de Clubes Michoacanos en Illinois", "Chicago, Illinois", "community"),
    ("FAITH IN TEXAS", "Houston, TX", "faith"),
    ("Faith in Action", "Washington, D.C.", "faith"),
    ("Acacia Center for Justice", "Washington DC 20005", "legal"),
    ("Al Otro Lado", "San Diego, CA, USA", "legal"),
    ("Alianza Americas", "Chicago IL 60601", "advocacy"),
    ("Annunciation House", "El Paso, Texas", None),
    ("Nationwide Network", "National", "advocacy"),
    (LEAD, "Washington, DC", "advocacy"),  # the lead signs too: listed once, first
]
BY_STATE = [
    ("Lead organization (1)", [LEAD]),
    ("California (1)", ["Al Otro Lado"]),
    ("District of Columbia (2)", ["Acacia Center for Justice", "Faith in Action"]),
    ("Illinois (3)", ["Alianza Americas", "Federación de Clubes Michoacanos en Illinois", "Mujeres Latinas en Acción"]),
    ("Texas (2)", ["Annunciation House", "FAITH IN TEXAS"]),
    ("State not given (1)", ["Nationwide Network"]),
]
BY_TYPE = [
    ("Lead organization (1)", [LEAD]),
    ("Advocacy and policy organizations (2)", ["Alianza Americas", "Nationwide Network"]),
    (
        "Community-based organizations (2)",
        ["Federación de Clubes Michoacanos en Illinois", "Mujeres Latinas en Acción"],
    ),
    ("Faith-based organizations (2)", ["Faith in Action", "FAITH IN TEXAS"]),
    ("Legal services providers (2)", ["Acacia Center for Justice", "Al Otro Lado"]),
    ("Type not given (1)", ["Annunciation House"]),
]


def layout_values(columns: str, grouping: str) -> dict[str, dict[str, Any]]:
    return {
        ids.DOCUMENT_COLUMNS_BLOCK: {ids.DOCUMENT_COLUMNS_INPUT: columns},
        ids.DOCUMENT_GROUPING_BLOCK: {ids.DOCUMENT_GROUPING_INPUT: grouping},
    }


def letter_with_signers(app: RunningApp, coalition: Coalition, columns: str, grouping: str) -> int:
    fake = app.fake
    open_new_letter(app, coalition.coordinator, coalition.public)
    values = letter_values(
        title="Grouped letter",
        text="We write to urge you.",
        deadline=local_deadline(),
        channels=[coalition.public],
        leads=LEAD,
    )
    response = app.driver.submit_view(coalition.coordinator, values=values | layout_values(columns, grouping))
    assert response.ok and not response.errors, response.errors

    def posted() -> int | None:
        with db_session(app.database_url) as session:
            post = session.execute(select(ChannelPost).where(ChannelPost.status == "posted")).scalars().first()
            return post.letter_id if post else None

    letter_id = fake.wait_until(posted, timeout=10)
    people = [fake.add_user(name=f"grouped{i}", email=f"g{i}@grouped{i}.org")["id"] for i in range(len(SIGNERS))]
    fake.add_members(coalition.public, *people)
    for person, (org, city, org_type) in zip(people, SIGNERS, strict=True):
        signed = sign_on(app, person, letter_id, coalition.public, org, city=city, org_type=org_type, email="a@b.org")
        assert signed.ok and not signed.errors, (org, signed.errors)
    wait_for_receipts(app, letter_id)
    return letter_id


def pdf_groups(data: bytes) -> tuple[list[str], list[str], list[Line]]:
    """(the group headings in order, the names in order, the name lines) of a PDF export."""
    lines = pdf_lines(data)
    headings = [line.text.strip() for line in lines if any("Bold" in font for font in line.fonts) and "(" in line.text]
    names_at = [line for line in lines if abs(line.size - layout.NAME_SIZE) < 0.01]
    return headings, names_from_lines(lines), names_at


def docx_groups(data: bytes) -> tuple[list[str], list[str], str]:
    """(the headings, the names, the document's XML) of a DOCX export."""
    document = Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    names = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "List"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    return headings, names, xml


def expected(groups: list[tuple[str, list[str]]]) -> tuple[list[str], list[str]]:
    return [heading for heading, _ in groups], [name for _, names in groups for name in names]


def test_grouped_by_state_in_one_column_in_both_documents_and_on_the_command_line(
    app: RunningApp, coalition: Coalition, tmp_path: object
) -> None:
    fake = app.fake
    letter_id = letter_with_signers(app, coalition, "1", "state")
    with db_session(app.database_url) as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None and (letter.document_columns, letter.document_grouping) == ("1", "state")

    app.driver.slash_command(coalition.coordinator, "/signon", f"export {letter_id}", channel_id=coalition.public)
    files = fake.wait_until(lambda: {f["filename"]: f["content"] for f in fake.files() if f.get("completed")} or None)
    headings, names = expected(BY_STATE)
    pdf_headings, pdf_names, name_lines = pdf_groups(files[f"letter-{letter_id}-export-1.pdf"])
    assert pdf_headings == headings
    assert pdf_names == names  # every name exactly once, the lead first, A–Z within each state, accents kept
    assert all(line.x < layout.PAGE_WIDTH / 2 for line in name_lines), "one column, as chosen"
    docx_headings, docx_names, xml = docx_groups(files[f"letter-{letter_id}-export-1.docx"])
    assert docx_headings == headings and docx_names == names
    assert 'w:num="2"' not in xml
    # The .txt keeps the export's plain order: the layout is the documents' only.
    txt = files[f"letter-{letter_id}-export-1-signatories.txt"].decode("utf-8").splitlines()
    assert txt == [LEAD, *sorted(names[1:], key=sort_key)] != names
    export_dm = [m for m in fake.dm_messages(coalition.coordinator) if "Export 1" in message_text(m)]
    assert "One column · By state" in message_text(export_dm[-1]) and f"/signon edit {letter_id}" in message_text(
        export_dm[-1]
    )

    # The command line follows the letter's layout, or its own flags.
    out = f"{tmp_path}/letter.pdf"
    result = run_cli(
        ["export", "--letter", str(letter_id), "--format", "pdf", "--output", out], {"DATABASE_URL": app.database_url}
    )
    assert result.returncode == 0, result.stderr
    with open(out, "rb") as handle:
        assert pdf_groups(handle.read())[:2] == (headings, names)
    by_type = expected(BY_TYPE)
    for fmt in ("pdf", "docx"):
        out = f"{tmp_path}/letter-by-type.{fmt}"
        args = ["export", "--letter", str(letter_id), "--format", fmt, "--columns", "2", "--group", "type"]
        result = run_cli([*args, "--output", out], {"DATABASE_URL": app.database_url})
        assert result.returncode == 0, result.stderr
        with open(out, "rb") as handle:
            data = handle.read()
        if fmt == "pdf":
            type_headings, type_names, type_lines = pdf_groups(data)
            assert any(line.x >= layout.PAGE_WIDTH / 2 for line in type_lines), "two columns, as asked"
        else:
            type_headings, type_names, xml = docx_groups(data)
            assert 'w:num="2"' in xml
        assert (type_headings, type_names) == by_type, fmt


def test_the_layout_is_changed_in_the_edit_modal(app: RunningApp, coalition: Coalition) -> None:
    fake = app.fake
    letter_id = letter_with_signers(app, coalition, "auto", "none")
    app.driver.slash_command(coalition.coordinator, "/signon", f"edit {letter_id}", channel_id=coalition.public)
    wait_for_modal(fake, coalition.coordinator, ids.LETTER_EDIT_MODAL)
    fake.wait_until(lambda: ids.DOCUMENT_GROUPING_BLOCK in str(fake.top_view(coalition.coordinator)), timeout=10)
    saved = app.driver.submit_view(coalition.coordinator, values=layout_values("2", "org_type"))
    assert saved.ok and not saved.errors, saved.errors
    fake.wait_until(
        lambda: [m for m in fake.dm_messages(coalition.coordinator) if "as you chose" in message_text(m)], timeout=10
    )
    with db_session(app.database_url) as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None and (letter.document_columns, letter.document_grouping) == ("2", "org_type")
    app.driver.slash_command(coalition.coordinator, "/signon", f"export {letter_id} docx", channel_id=coalition.public)
    files = fake.wait_until(lambda: [f for f in fake.files() if f.get("completed") and f["filename"].endswith(".docx")])
    assert docx_groups(files[-1]["content"])[:2] == expected(BY_TYPE)
