"""Words of reminders, digests, re-confirmation requests and the close notice."""

from __future__ import annotations

from bot.messages.common import CommonWords


class ReminderWords(CommonWords):
    def reminder_text(self, title: str, deadline: str, left: str, count: int) -> str:
        return self._n(
            ":alarm_clock: *Reminder: {title}*\nSign-ons close {deadline} (about {left} from now). "
            "*{count} organization* has signed so far.",
            ":alarm_clock: *Reminder: {title}*\nSign-ons close {deadline} (about {left} from now). "
            "*{count} organizations* have signed so far.",
            count,
            title=title,
            deadline=deadline,
            left=left,
        )

    def org_already_signed_button(self) -> str:
        return self._("My organization already signed")

    def stop_reminders_button(self) -> str:
        return self._("Stop reminders for this letter")

    def why_reminded(self) -> str:
        return self._("You're getting this because you're in a channel where this letter was posted.")

    def reminder_notification(self, title: str, left: str) -> str:
        return self._("Reminder: {title} closes in about {left}", title=title, left=left)

    def muted_org_signed(self, title: str) -> str:
        return self._(
            ":ok_hand: Thanks — no more reminders about “{title}”, since your organization has signed.", title=title
        )

    def muted(self, title: str) -> str:
        return self._(
            ":no_bell: You won't get more reminders about “{title}”. You can still sign with `/signon`.", title=title
        )

    # -- the digest after a reminder run ------------------------------------------------------------

    def reminder_went_out(self, offset: str, letter_id: int, title: str) -> str:
        return self._(
            ":bell: *The {offset} reminder for #{id} {title} went out.*", offset=offset, id=letter_id, title=title
        )

    def signed_and_new(self, count: int, new_since: int) -> str:
        new = self._n("{count} new since the last digest.", "{count} new since the last digest.", new_since)
        return self._n(
            "*{count} organization* has signed, {new}",
            "*{count} organizations* have signed, {new}",
            count,
            new=new,
        )

    def reminded_members(self, count: int, mentions: str, more: int) -> str:
        if not count:
            return self._("Reminded 0 members.")
        extra = self._n(" and {count} more", " and {count} more", more) if more > 0 else ""
        return self._n(
            "Reminded {count} member: {mentions}{extra}",
            "Reminded {count} members: {mentions}{extra}",
            count,
            mentions=mentions,
            extra=extra,
        )

    def reminders_undelivered(self, count: int) -> str:
        return self._n(
            ":warning: {count} reminder could not be delivered.",
            ":warning: {count} reminders could not be delivered.",
            count,
        )

    def not_reminded(self, note: str) -> str:
        return self._("Not reminded: {note}", note=note)

    def run_digest_notification(self, title: str, count: int) -> str:
        return self._(
            "Reminder sent for {title}: {organizations} so far", title=title, organizations=self.organizations(count)
        )

    # -- the digest of new sign-ons -----------------------------------------------------------------

    def new_signons(self, new: int, letter_id: int, title: str, count: int) -> str:
        return self._n(
            ":memo: *{count} new sign-on* for #{id} {title}; *{organizations}* in all.",
            ":memo: *{count} new sign-ons* for #{id} {title}; *{organizations}* in all.",
            new,
            id=letter_id,
            title=title,
            organizations=self.organizations(count),
        )

    def new_list(self, names: str) -> str:
        return self._("New: {names}", names=names)

    def duplicates_to_review_where(self, count: int, letter_id: int) -> str:
        return self._n(
            ":mag: {count} possible duplicate to review: `/signon review {id}` or the Home tab.",
            ":mag: {count} possible duplicates to review: `/signon review {id}` or the Home tab.",
            count,
            id=letter_id,
        )

    def signon_digest_notification(self, new: int, title: str) -> str:
        return self._n("{count} new sign-on for {title}", "{count} new sign-ons for {title}", new, title=title)

    # -- asking signers to confirm again ------------------------------------------------------------

    def letter_changed(self, title: str, version: int) -> str:
        return self._(
            ":pencil2: *The coordinators changed “{title}”* (now version {version}). You signed an earlier "
            "version for:",
            title=title,
            version=version,
        )

    def what_changed(self, note: str) -> str:
        return self._("*What changed, in their words:*\n{note}", note=note)

    def changes_in(self, language: str) -> str:
        return self._("*Changes to the {language} text:*", language=self.language_name(language))

    def keep_my_signature(self) -> str:
        return self._("Keep my signature")

    def reconfirm_notification(self, title: str) -> str:
        return self._("{title} changed: please confirm your signature", title=title)

    # -- the close notice ---------------------------------------------------------------------------

    def letter_closed_notice(self, letter_id: int, title: str, automatic: bool, closed: str, count: int) -> str:
        if automatic:
            return self._(
                ":lock: *#{id} {title}* reached its deadline and closed {closed} with *{organizations}*. The final "
                "list, the CSV and the letter (DOCX and PDF) follow.",
                id=letter_id,
                title=title,
                closed=closed,
                organizations=self.organizations(count),
            )
        return self._(
            ":lock: *#{id} {title}* was closed {closed} with *{organizations}*. The final list, the CSV and the "
            "letter (DOCX and PDF) follow.",
            id=letter_id,
            title=title,
            closed=closed,
            organizations=self.organizations(count),
        )

    def closed_notification(self, title: str, count: int) -> str:
        return self._("{title} closed with {organizations}", title=title, organizations=self.organizations(count))
