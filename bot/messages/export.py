"""Words of exports: the message with the signatory block, the files, what changed, and the CSV header."""

from __future__ import annotations

from collections.abc import Sequence

from bot.messages.common import CommonWords
from bot.services.export import CsvLabels


class ExportWords(CommonWords):
    def signatories_heading(self) -> str:
        return self._("Signatories")

    def final_list_heading(self) -> str:
        return self._("Final list")

    def export_heading(self, heading: str, letter_id: int, title: str, count: int, headline: str) -> str:
        return self._(
            "*{heading}: #{id} {title}*\n*{organizations}* · {headline}",
            heading=heading,
            id=letter_id,
            title=title,
            organizations=self.organizations(count),
            headline=headline,
        )

    def export_headline(
        self, number: int, count: int, previous: int | None, added: Sequence[str], removed: Sequence[str]
    ) -> str:
        text = self._("Export {number}: {organizations}", number=number, organizations=self.organizations(count))
        if previous is not None:
            text += self._n(
                ", {count} new since export {previous}",
                ", {count} new since export {previous}",
                len(added),
                previous=previous,
            )
            if removed:
                text += self._n(", {count} gone", ", {count} gone", len(removed))
        return text

    def no_longer_listed(self, names: str) -> str:
        return self._("No longer listed: {names}", names=names)

    def list_too_long(self) -> str:
        return self._("The list is too long to show here; it is in the .txt file below.")

    def export_files_explained(self) -> str:
        return self._(
            "The .txt file holds only the names, one per line. In the CSV, cells that a spreadsheet would read as "
            "a formula (starting with = + - @) begin with an apostrophe."
        )

    def export_notification(self, count: int, title: str) -> str:
        return self._("{organizations}: {title}", organizations=self.organizations(count), title=title)

    def nothing_to_compare(self, title: str, count: int) -> str:
        return self._(
            "No export of “{title}” yet, so there is nothing to compare. It has {organizations} now.",
            title=title,
            organizations=self.organizations(count),
        )

    def since_export(self, number: int, title: str, added: int, removed: int, count: int) -> str:
        return self._(
            "*Since export {number}* of “{title}”: {added}, {removed}; {organizations} now.",
            number=number,
            title=title,
            added=self._n("{count} new", "{count} new", added),
            removed=self._n("{count} gone", "{count} gone", removed),
            organizations=self.organizations(count),
        )

    def new_heading(self) -> str:
        return self._("*New*")

    def removed_heading(self) -> str:
        return self._("*No longer listed*")

    def nothing_signed_yet(self, letter_id: int, title: str) -> str:
        return self._(
            "No organizations have signed #{id} {title} yet, so there is nothing to export.", id=letter_id, title=title
        )

    def export_failed(self, letter_id: int, code: str) -> str:
        return self._(
            ":warning: I couldn't deliver the export of #{id} (Slack answered `{code}`), so it was not numbered. "
            "Try again in a few minutes.",
            id=letter_id,
            code=code,
        )

    def try_again(self) -> str:
        return self._("Try again")

    def files_comment(self, number: int, letter_id: int) -> str:
        return self._("Files for export {number} of #{id}.", number=number, id=letter_id)

    def txt_title(self, title: str, number: int) -> str:
        return self._("Signatories: {title} (export {number})", title=title, number=number)

    def csv_title(self, title: str, number: int) -> str:
        return self._("Signatories CSV: {title} (export {number})", title=title, number=number)

    def preparing_export(self, letter_id: int, title: str | None = None) -> str:
        if title is None:
            return self._(
                ":hourglass_flowing_sand: Preparing the export of #{id}; it will arrive in a direct message.",
                id=letter_id,
            )
        return self._(
            ":hourglass_flowing_sand: Preparing the export of *#{id} {title}*; I'll send it to you in a direct "
            "message.",
            id=letter_id,
            title=title,
        )

    def nothing_to_export(self) -> str:
        return self._("I couldn't find a letter to export. Use `/signon export 12` (see `/signon list`).")

    def which_to_export(self) -> str:
        return self._("Which letter?")

    def several_to_export(self) -> str:
        return self._("Several letters could be meant. Which one should I export?")

    def csv_labels(self) -> CsvLabels:
        return CsvLabels(self.csv_header(), self._("yes"), self.org_type)

    def csv_header(self) -> list[str]:
        return [
            self._("organization"),
            self._("signer name"),
            self._("title"),
            self._("email"),
            self._("city/state"),
            self._("organization type"),
            self._("signed at"),
            self._("letter version confirmed"),
            self._("source channel"),
            self._("other contacts"),
            self._("lead organization"),
        ]
