"""Issue 6: the signatory list exactly as the letter prints it, a CSV for the records, snapshots."""

from __future__ import annotations

import csv
import io
import re

from docx import Document

from tests.conftest import Coalition, RunningApp
from tests.documents.pdftext import names_from_lines, pdf_lines
from tests.e2e.steps import create_letter, message_text, reply, sign_on, signatories, wait_for_receipts
from tests.fakeslack import FakeSlack
from tests.harness import run_cli

SIGNERS = [
    ("Mujeres Latinas en Acción", "ana@mujereslatinas.org"),
    ("FAITH IN TEXAS", "b@faithintexas.org"),
    ("Faith in Action", "c@faithinaction.org"),
    ("18 Million Rising", "d@18mr.org"),
    ("Acacia Center for Justice", "e@acacia.org"),
    ("Federación de Clubes Michoacanos en Illinois", "f@fedecmi.org"),
    ("Asian Americans Advancing Justice | AAJC", "g@advancingjustice-aajc.org"),
    ("+1 for Equality", "h@plusone.org"),
    ('=HYPERLINK("http://evil.example","x")', "i@formula.org"),
    ("UNIDOSUS", "j@unidosus.org"),
    ("Sunrise Movement Boston Hub", "k@sunrise.org"),
    ("Sunrise Boston", "l@sunrise.org"),
    ("Withdrawn Coalition", "m@withdrawn.org"),
]

EXPECTED_BLOCK = [
    "National Immigration Law Center",
    "UnidosUS",
    "+1 for Equality",
    "18 Million Rising",
    '=HYPERLINK("http://evil.example","x")',
    "Acacia Center for Justice",
    "Asian Americans Advancing Justice | AAJC",
    "Faith in Action",
    "FAITH IN TEXAS",
    "Federación de Clubes Michoacanos en Illinois",
    "Mujeres Latinas en Acción",
    "Sunrise Movement Boston Hub",
]


def prepare_letter(app: RunningApp, coalition: Coalition) -> int:
    fake = app.fake
    letter_id = create_letter(app, coalition, leads="National Immigration Law Center\nUnidosUS")
    people = [fake.add_user(name=f"signer{i}", email=email)["id"] for i, (_, email) in enumerate(SIGNERS)]
    fake.add_members(coalition.public, *people)
    for person, (org, email) in zip(people, SIGNERS, strict=True):
        response = sign_on(app, person, letter_id, coalition.public, org, email=email, name=f"Name of {org[:10]}")
        assert response.ok and not response.errors, (org, response.errors)
    # Sunrise Boston's signer confirms it is the same organization; Withdrawn Coalition withdraws.
    wait_for_receipts(app, letter_id)
    by_name = {s.org_name: s for s in signatories(app.database_url, letter_id)}
    assert by_name["Sunrise Boston"].possible_duplicate_of_id == by_name["Sunrise Movement Boston Hub"].id
    sunrise = people[SIGNERS.index(("Sunrise Boston", "l@sunrise.org"))]
    receipt = [m for m in fake.dm_messages(sunrise) if "Same organization as" in message_text(m)][-1]
    app.driver.click(sunrise, "confirm_merge", message=(receipt["channel"], receipt["ts"]))
    withdrawer = people[-1]
    receipt = [m for m in fake.dm_messages(withdrawer) if "You signed on" in str(m.get("text"))][-1]
    app.driver.click(withdrawer, "withdraw_signature", message=(receipt["channel"], receipt["ts"]))
    fake.wait_until(lambda: len(signatories(app.database_url, letter_id)) == len(SIGNERS) - 2, timeout=5)
    return letter_id


def exported_files(fake: FakeSlack, count: int) -> dict[str, bytes]:
    def done() -> list[dict[str, object]] | None:
        completed = [f for f in fake.files() if f.get("completed")]
        return completed if len(completed) >= count else None

    files = fake.wait_until(done)
    return {f["filename"]: f["content"] for f in files}


def test_export_block_and_csv_exactly(app: RunningApp, coalition: Coalition) -> None:
    letter_id = prepare_letter(app, coalition)
    fake = app.fake
    response = app.driver.slash_command(coalition.coordinator, "/signon", "export", channel_id=coalition.public)
    assert response.ok and response.elapsed < 3 and "Preparing the export" in reply(response)
    files = exported_files(fake, 4)
    assert sorted(files) == [
        f"letter-{letter_id}-export-1-signatories.txt",
        f"letter-{letter_id}-export-1.csv",
        f"letter-{letter_id}-export-1.docx",
        f"letter-{letter_id}-export-1.pdf",
    ]
    text = files[f"letter-{letter_id}-export-1-signatories.txt"].decode("utf-8")
    assert text.splitlines() == EXPECTED_BLOCK
    assert text.endswith("\n")

    raw_csv = files[f"letter-{letter_id}-export-1.csv"].decode("utf-8")
    assert raw_csv.startswith("\ufeff") and "\r\n" in raw_csv
    rows = list(csv.reader(io.StringIO(raw_csv.lstrip("\ufeff"))))
    assert rows[0] == [
        "organization",
        "signer name",
        "title",
        "email",
        "city/state",
        "organization type",
        "signed at",
        "letter version confirmed",
        "source channel",
        "other contacts",
        "lead organization",
    ]
    body = rows[1:]
    assert [row[0] for row in body] == [
        "'" + name if name[0] in "=+-@" else name for name in EXPECTED_BLOCK
    ]  # same order; formulas neutralized, nothing else changed
    by_org = {row[0]: row for row in body}
    assert by_org["National Immigration Law Center"][1:] == ["", "", "", "", "", "", "", "", "", "yes"]
    assert by_org["UnidosUS"][3] == "j@unidosus.org" and by_org["UnidosUS"][10] == "yes"
    sunrise = by_org["Sunrise Movement Boston Hub"]
    assert "l@sunrise.org" in sunrise[9]  # the merged organization's contact is kept
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", sunrise[6])
    assert sunrise[7] == "1" and sunrise[8] == "#coalition"
    assert "Withdrawn Coalition" not in raw_csv

    # ``all`` brings the letter as documents too, with the same names in the same order, each once.
    pdf_names = names_from_lines(pdf_lines(files[f"letter-{letter_id}-export-1.pdf"]))
    assert pdf_names == EXPECTED_BLOCK
    docx_lines = [p.text for p in Document(io.BytesIO(files[f"letter-{letter_id}-export-1.docx"])).paragraphs]
    assert [line for line in docx_lines if line in EXPECTED_BLOCK] == EXPECTED_BLOCK

    # Uploaded through the upload-URL flow, never the retired files.upload: four files in one upload.
    assert len(fake.calls("files.getUploadURLExternal")) == 4
    assert len(fake.calls("upload")) == 4
    assert len(fake.calls("files.completeUploadExternal")) == 1
    assert not fake.calls("files.upload")
    message = [m for m in fake.dm_messages(coalition.coordinator) if "12 organizations" in message_text(m)]
    assert message, "the DM gives the count"
    shown = message_text(message[-1])
    assert "Export 1: 12 organizations" in shown and "FAITH IN TEXAS" in shown


def test_snapshots_and_changes(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    sign_on(app, coalition.members[0], letter_id, coalition.public, "First Org", email="a@first.org")
    app.driver.slash_command(coalition.coordinator, "/signon", f"export {letter_id} text", channel_id=coalition.public)
    exported_files(app.fake, 1)
    sign_on(app, coalition.members[1], letter_id, coalition.public, "Second Org", email="b@second.org")
    sign_on(app, coalition.members[2], letter_id, coalition.public, "Third Org", email="c@third.org")
    app.driver.slash_command(
        coalition.coordinator, "/signon", f"export {letter_id} changes", channel_id=coalition.public
    )
    changes = app.fake.wait_until(
        lambda: [m for m in app.fake.dm_messages(coalition.coordinator) if "Since export 1" in message_text(m)]
    )
    assert "Second Org" in message_text(changes[-1]) and "2 new" in message_text(changes[-1])
    app.driver.slash_command(coalition.coordinator, "/signon", f"export {letter_id} csv", channel_id=coalition.public)
    files = exported_files(app.fake, 2)
    assert f"letter-{letter_id}-export-2.csv" in files
    second = [m for m in app.fake.dm_messages(coalition.coordinator) if "Export 2" in message_text(m)]
    assert "Export 2: 3 organizations, 2 new since export 1" in message_text(second[-1])


def test_non_coordinators_cannot_export(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    sign_on(app, coalition.members[0], letter_id, coalition.public, "Some Org")
    response = app.driver.slash_command(
        coalition.members[1], "/signon", f"export {letter_id}", channel_id=coalition.public
    )
    assert "Only coordinators can export signatories" in reply(response)
    assert not app.fake.calls("files.getUploadURLExternal") and not app.fake.files()


def test_export_from_the_command_line(app: RunningApp, coalition: Coalition, tmp_path: object) -> None:
    letter_id = prepare_letter(app, coalition)
    result = run_cli(["export", "--letter", str(letter_id), "--format", "text"], {"DATABASE_URL": app.database_url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == EXPECTED_BLOCK
    output = f"{tmp_path}/letter.csv"
    result = run_cli(
        ["export", "--letter", str(letter_id), "--format", "csv", "--output", output],
        {"DATABASE_URL": app.database_url},
    )
    assert result.returncode == 0 and "wrote 12 organizations" in result.stderr
    with open(output, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert [row[0] for row in rows[1:]][:3] == ["National Immigration Law Center", "UnidosUS", "'+1 for Equality"]
    missing = run_cli(["export", "--letter", "999", "--format", "csv"], {"DATABASE_URL": app.database_url})
    assert missing.returncode == 2 and "there is no letter 999" in missing.stderr and "Traceback" not in missing.stderr


def test_export_with_no_signatories_says_so(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    app.driver.slash_command(coalition.coordinator, "/signon", f"export {letter_id}", channel_id=coalition.public)
    told = app.fake.wait_until(
        lambda: [m for m in app.fake.dm_messages(coalition.coordinator) if "nothing to export" in message_text(m)]
    )
    assert told and not app.fake.calls("files.getUploadURLExternal")
