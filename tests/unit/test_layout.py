"""Grouping the signatories for the documents: the state read from what signers typed, and the groups' order."""

from __future__ import annotations

import pytest

from bot.messages import words
from bot.services.export import ExportRow
from bot.services.layout import UNKNOWN, DocumentLayout, group_signatories, state_code
from db.enums import DocumentColumns, SignatoryGrouping


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Houston, TX", "TX"),
        ("Chicago, Illinois", "IL"),
        ("Washington, D.C.", "DC"),
        ("Washington DC 20005", "DC"),
        ("San Juan PR 00901", "PR"),
        ("Santa Fe New Mexico", "NM"),
        ("Albuquerque, N.M.", "NM"),
        ("Los Angeles, CA, USA", "CA"),
        ("Houston, Texas, United States", "TX"),
        ("Nuevo México", "NM"),
        ("Raleigh, Carolina del Norte", "NC"),
        ("tx", "TX"),
        ("Houston", None),
        ("National", None),
        ("", None),
        (None, None),
    ],
)
def test_the_state_is_read_from_city_and_state(typed: str | None, code: str | None) -> None:
    assert state_code(typed) == code


def row(name: str, city: str = "", org_type: str = "", *, lead: bool = False) -> ExportRow:
    return ExportRow(name, None if lead else hash(name), city_state=city, org_type=org_type, is_lead=lead)


def test_groups_come_a_to_z_by_heading_leads_first_unknown_last_and_names_keep_their_order() -> None:
    rows = [
        row("Lead Org", "Austin, TX", lead=True),
        row("A Org", "Albuquerque, NM"),
        row("B Org"),
        row("C Org", "Reno, NV"),
        row("D Org", "Santa Fe, New Mexico"),
    ]
    for language, order in (("en", ["NV", "NM", UNKNOWN]), ("es", ["NV", "NM", UNKNOWN])):
        w = words(language)
        leads, groups = group_signatories(rows, SignatoryGrouping.STATE, w.state_group)
        assert [r.organization for r in leads] == ["Lead Org"]
        assert [g.key for g in groups] == order, language
        assert [[r.organization for r in g.rows] for g in groups] == [["C Org"], ["A Org", "D Org"], ["B Org"]]
    assert words("es").state_group("NM") == "Nuevo México"
    leads, groups = group_signatories(rows, SignatoryGrouping.NONE, words("en").state_group)
    assert [g.key for g in groups] == [UNKNOWN] and len(groups[0].rows) == 4


def test_a_stored_layout_the_app_does_not_know_is_the_default() -> None:
    assert DocumentLayout.stored("1", "state") == DocumentLayout(DocumentColumns.ONE, SignatoryGrouping.STATE)
    assert DocumentLayout.stored("3", "<script>") == DocumentLayout()
