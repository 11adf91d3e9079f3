"""Words every surface uses: counts, dates, buttons, and what is said when something goes wrong."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.messages.base import WordsBase
from bot.messages.languages import info
from db.enums import Language, OrgType


class CommonWords(WordsBase):
    # -- counts and dates ---------------------------------------------------------------------------

    def organizations(self, count: int) -> str:
        return self._n("{count} organization", "{count} organizations", count)

    def letter_facts(self, letter_id: int, title: str, count: int, deadline: str) -> dict[str, object]:
        """What a line naming an open letter fills in: the list of letters and the letter picker."""
        return {"id": letter_id, "title": title, "organizations": self.organizations(count), "deadline": deadline}

    def count_with_leads(self, count: int, listed_leads: int) -> str:
        """Where a count includes lead organizations listed by the coordinator but not signed through the form."""
        return self._n(
            "{organizations}: {signed}, {count} listed as lead",
            "{organizations}: {signed}, {count} listed as leads",
            listed_leads,
            organizations=self.organizations(count),
            signed=self._n("{count} signed", "{count} signed", count - listed_leads),
        )

    def deadline_date(self, moment: datetime) -> str:
        return self.date(moment, self._("{date_long_pretty} at {time}"))

    def short_date(self, moment: datetime) -> str:
        return self.date(moment, "{date_short_pretty}")

    def time_left(self, delta: timedelta) -> str:
        """“2 days 3 hours”, “5 hours”, “40 minutes”, “less than a minute”."""
        seconds = int(delta.total_seconds())
        if seconds < 60:
            return self._("less than a minute")
        days, rest = divmod(seconds, 86400)
        hours, rest = divmod(rest, 3600)
        minutes = rest // 60
        parts: list[str] = []
        if days:
            parts.append(self._n("{count} day", "{count} days", days))
        if hours and len(parts) < 2:
            parts.append(self._n("{count} hour", "{count} hours", hours))
        if minutes and not days and len(parts) < 2:
            parts.append(self._n("{count} minute", "{count} minutes", minutes))
        if len(parts) == 2:
            # Translators: a duration in two parts, such as “2 days” and “3 hours” (Spanish joins them with “y”).
            return self._("{first} {second}", first=parts[0], second=parts[1])
        return parts[0]

    def language_name(self, code: str) -> str:
        """A language's name in this language, as it reads inside a sentence (“in Spanish”, “en inglés”)."""
        texts = {
            Language.EN: lambda: self._("English"),
            Language.ES: lambda: self._("Spanish"),
        }
        text = texts.get(code)  # type: ignore[call-overload]
        return text() if text else code

    def own_language_name(self, code: str) -> str:
        """How a language names itself (“Español”), whatever language these words are in: a selector of
        languages lists each one so its own readers recognize it."""
        return info(code).own_name

    def letter_state(self, is_open: bool) -> str:
        return self._("open") if is_open else self._("closed")

    def org_type(self, code: str) -> str:
        """An organization type (its code, as stored) in this language; an unknown code as it is."""
        texts = {
            OrgType.COMMUNITY: lambda: self._("Community-based organization"),
            OrgType.ADVOCACY: lambda: self._("Advocacy or policy organization"),
            OrgType.LEGAL: lambda: self._("Legal services provider"),
            OrgType.SERVICE: lambda: self._("Service provider"),
            OrgType.FAITH: lambda: self._("Faith-based organization"),
            OrgType.LABOR: lambda: self._("Labor union"),
            OrgType.STUDENT: lambda: self._("Student or youth group"),
            OrgType.ACADEMIC: lambda: self._("Academic institution"),
            OrgType.BUSINESS: lambda: self._("Business"),
            OrgType.GOVERNMENT: lambda: self._("Government or elected office"),
            OrgType.OTHER: lambda: self._("Other"),
        }
        text = texts.get(code)  # type: ignore[call-overload]
        return text() if text else code

    def and_more(self, count: int) -> str:
        return self._n("…and {count} more.", "…and {count} more.", count)

    def field_line(self, label: str, value: str) -> str:
        return self._("{label}: {value}", label=label, value=value)

    # -- buttons and modal chrome -------------------------------------------------------------------

    def close(self) -> str:
        return self._("Close")

    def cancel(self) -> str:
        return self._("Cancel")

    def done(self) -> str:
        return self._("Done")

    def back(self) -> str:
        return self._("Back")

    def save(self) -> str:
        return self._("Save")

    def edit(self) -> str:
        return self._("Edit")

    def read(self) -> str:
        return self._("Read")

    def refresh(self) -> str:
        return self._("Refresh")

    def remove(self) -> str:
        return self._("Remove")

    def reopen(self) -> str:
        return self._("Reopen")

    def export(self) -> str:
        return self._("Export")

    def withdraw(self) -> str:
        return self._("Withdraw")

    def keep_it(self) -> str:
        return self._("Keep it")

    def sign_on_button(self) -> str:
        return self._("Sign on")

    def sign_for_another(self) -> str:
        return self._("Sign for another organization")

    def sign_on_title(self) -> str:
        return self._("Sign on")

    def read_full_letter(self) -> str:
        return self._("Read the full letter")

    def read_the_letter(self) -> str:
        return self._("Read the letter")

    def loading(self) -> str:
        return self._(":hourglass_flowing_sand: Loading…")

    # -- when something goes wrong ------------------------------------------------------------------

    def apology_title(self) -> str:
        return self._("Something went wrong")

    def apology(self) -> str:
        return self._("Sorry, something went wrong on our side and nothing was changed. Please try again in a moment.")

    def storage_down(self) -> str:
        return self._(
            "We couldn't save this right now because signon's database is not accepting changes. Nothing was "
            "recorded. Please try again in a few minutes; the coordinators' operators have been alerted."
        )

    def form_out_of_date(self) -> str:
        return self._("This form is out of date. Close it and type /signon again.")

    def form_out_of_date_retry(self) -> str:
        return self._("This form is out of date; close it and try again.")

    def form_did_not_open(self) -> str:
        return self._(
            ":warning: Slack didn't show the form this time (it may be busy). Nothing was recorded: please try "
            "again in a moment."
        )

    def letter_gone(self) -> str:
        return self._("This letter no longer exists.")
