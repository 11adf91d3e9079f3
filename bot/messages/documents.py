"""The letter's documents: the coordinator's choice of signatory layout, and the group headings it prints."""

from __future__ import annotations

from bot.messages.common import CommonWords
from bot.services import layout
from db.enums import DocumentColumns, OrgType, SignatoryGrouping


class DocumentWords(CommonWords):
    # -- the choice, in the letter modal's "As printed" group ------------------------------------------

    def columns_label(self) -> str:
        return self._("Signatory columns")

    def columns_option(self, columns: DocumentColumns) -> str:
        texts = {
            DocumentColumns.AUTO: lambda: self._("Two columns, or one when the names are long"),
            DocumentColumns.ONE: lambda: self._("One column"),
            DocumentColumns.TWO: lambda: self._("Two columns"),
        }
        return texts[columns]()

    def grouping_label(self) -> str:
        return self._("Group the signatories")

    def grouping_option(self, grouping: SignatoryGrouping) -> str:
        texts = {
            SignatoryGrouping.NONE: lambda: self._("No groups: everyone A–Z"),
            SignatoryGrouping.ORG_TYPE: lambda: self._("By organization type"),
            SignatoryGrouping.STATE: lambda: self._("By state"),
        }
        return texts[grouping]()

    def grouping_hint(self) -> str:
        return self._(
            "In the PDF and Word documents. The lead organizations still come first; each group has a heading "
            "with its count. The state is read from the city and state each signer typed."
        )

    def document_layout_note(self, letter_id: int, columns: DocumentColumns, grouping: SignatoryGrouping) -> str:
        return self._(
            "Signatories in the documents: {columns} · {grouping}. To change it: `/signon edit {id}`, under "
            "*As printed*.",
            columns=self.columns_option(columns),
            grouping=self.grouping_option(grouping),
            id=letter_id,
        )

    def document_layout_changed(self) -> str:
        return self._("The documents lay out the signatories as you chose from the next export on.")

    # -- the headings in the documents ----------------------------------------------------------------

    def group_heading(self, name: str, count: int) -> str:
        # Translators: a group of signatories in the letter's documents, e.g. "Texas (12)".
        return self._n("{name} ({count})", "{name} ({count})", count, name=name)

    def lead_organizations_heading(self, count: int) -> str:
        return self._n("Lead organization ({count})", "Lead organizations ({count})", count)

    def state_group(self, code: str) -> str:
        """A state's name by its code, as pycountry's ISO 3166-2 catalog writes it in this language."""
        if code == layout.UNKNOWN:
            return self._("State not given")
        return layout.state_name(code, self.language)

    def org_type_group(self, code: str) -> str:
        """The heading of a group of one organization type (plural)."""
        texts = {
            OrgType.COMMUNITY: lambda: self._("Community-based organizations"),
            OrgType.ADVOCACY: lambda: self._("Advocacy and policy organizations"),
            OrgType.LEGAL: lambda: self._("Legal services providers"),
            OrgType.SERVICE: lambda: self._("Service providers"),
            OrgType.FAITH: lambda: self._("Faith-based organizations"),
            OrgType.LABOR: lambda: self._("Labor unions"),
            OrgType.STUDENT: lambda: self._("Student and youth groups"),
            OrgType.ACADEMIC: lambda: self._("Academic institutions"),
            OrgType.BUSINESS: lambda: self._("Businesses"),
            OrgType.GOVERNMENT: lambda: self._("Government and elected offices"),
            OrgType.OTHER: lambda: self._("Other organizations"),
        }
        if code == layout.UNKNOWN:
            return self._("Type not given")
        text = texts.get(code)  # type: ignore[call-overload]
        return text() if text else code

    def group_name(self, grouping: SignatoryGrouping, key: str) -> str:
        return self.state_group(key) if grouping == SignatoryGrouping.STATE else self.org_type_group(key)
