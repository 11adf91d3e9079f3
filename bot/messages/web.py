"""Words of the public sign-on page (plain text: the templates escape it), its emails, and what coordinators
see of it in Slack (the page's link, web sign-ons waiting for approval)."""

from __future__ import annotations

from datetime import UTC, datetime

from babel.dates import format_date, format_time

from bot.messages.common import CommonWords


class WebWords(CommonWords):
    # -- the page -----------------------------------------------------------------------------------

    def web_utc_time(self, moment: datetime) -> str:
        """A moment in UTC, as the page shows it before (or without) the visitor's own time zone."""
        utc = moment.astimezone(UTC)
        day = format_date(utc, "long", locale=self.language)
        return f"{day}, {format_time(utc, 'short', tzinfo=UTC, locale=self.language)} UTC"

    def web_deadline(self) -> str:
        return self._("Deadline")

    def web_time_zone_note(self) -> str:
        return self._("Times are in UTC unless your browser shows them in your own time zone.")

    def web_signed_so_far(self, count: int) -> str:
        return self._("Signed so far: {organizations}", organizations=self.organizations(count))

    def web_signatories_heading(self) -> str:
        return self._("Organizations that have signed")

    def web_no_signatories_yet(self) -> str:
        return self._("No organization has signed yet.")

    def web_letter_heading(self) -> str:
        return self._("The letter")

    def web_read_in(self, language: str) -> str:
        return self._("Read in {language}", language=language)

    def web_not_in_your_language(self, shown: str) -> str:
        """Above a letter that has no text in these words' language (the page's own words are in it)."""
        return self._(
            "This letter has no {language} version; here is its {shown} text.",
            language=self.language_name(self.language),
            shown=self.language_name(shown),
        )

    def web_skip_to_form(self) -> str:
        return self._("Skip to the sign-on form")

    def web_form_heading(self) -> str:
        return self._("Sign on for your organization")

    def web_required_note(self) -> str:
        return self._("Fields marked “optional” may be left empty; all others are required.")

    def web_optional(self) -> str:
        return self._("optional")

    def web_email_check_note(self) -> str:
        return self._("We will email you a link: your organization is counted once you open it.")

    def web_approval_note(self) -> str:
        return self._("A coordinator checks every sign-on from this page before it is counted.")

    def web_honeypot_label(self) -> str:
        return self._("Leave this field empty")

    def web_submit(self) -> str:
        return self._("Sign on")

    def web_errors_summary(self, count: int) -> str:
        return self._n("Please correct {count} field below.", "Please correct {count} fields below.", count)

    def web_form_expired(self) -> str:
        return self._("This form expired or could not be checked. Please look over it and send it again.")

    def web_too_many(self) -> str:
        return self._("Too many sign-ons have come from here in a short time. Please wait a minute and try again.")

    def web_too_large(self) -> str:
        return self._("That was more text than the form takes. Please shorten it and try again.")

    def web_check_email_heading(self) -> str:
        return self._("Check your email")

    def web_check_email(self, org_name: str, email: str) -> str:
        return self._(
            "We sent a confirmation link to {email}. {org} is counted once you open it.", email=email, org=org_name
        )

    def web_waiting_for_approval_heading(self) -> str:
        return self._("Thank you")

    def web_waiting_for_approval(self, org_name: str) -> str:
        return self._("{org} is recorded. It is counted once a coordinator approves it.", org=org_name)

    def web_awaiting_check(self, org_name: str) -> str:
        return self._(
            "A sign-on for {org} is already waiting to be confirmed. Nothing changed; if it was not you, please "
            "contact the coordinators.",
            org=org_name,
        )

    def web_already_signed(self, org_name: str) -> str:
        """Said to anyone on the open internet: the organization, never the person who signed for it."""
        return self._(
            "{org} has already signed this letter. Nothing changed; to change its signature or to be added as "
            "a contact, please contact the coordinators.",
            org=org_name,
        )

    def web_closed_heading(self) -> str:
        return self._("Sign-ons are closed")

    def web_closed_text(self, count: int) -> str:
        return self._(
            "This letter no longer takes sign-ons. {organizations} signed.", organizations=self.organizations(count)
        )

    def web_contact(self, contact: str) -> str:
        return self._("Contact: {contact}", contact=contact)

    def web_not_found_heading(self) -> str:
        return self._("Page not found")

    def web_not_found(self) -> str:
        return self._("There is no sign-on page at this address. Please check the link you were sent.")

    # -- the emailed links ----------------------------------------------------------------------------

    def web_confirm_heading(self) -> str:
        return self._("Confirm your sign-on")

    def web_confirm_question(self, org_name: str, title: str) -> str:
        return self._("Confirm that {org} signs “{title}”?", org=org_name, title=title)

    def web_confirm_button(self) -> str:
        return self._("Confirm")

    def web_back_to_letter(self) -> str:
        return self._("Back to the letter")

    def web_confirmed_heading(self) -> str:
        return self._("Confirmed")

    def web_confirmed(self, org_name: str, title: str) -> str:
        return self._("Thank you: {org} is now counted on “{title}”.", org=org_name, title=title)

    def web_already_confirmed(self, org_name: str) -> str:
        return self._("{org} was already confirmed. Nothing changed.", org=org_name)

    def web_link_stale_heading(self) -> str:
        return self._("This link no longer works")

    def web_link_stale(self) -> str:
        return self._(
            "It has expired, a newer sign-on took its place, or the sign-on was withdrawn. You can sign on again "
            "from the letter's page."
        )

    def web_closed_cannot_change(self) -> str:
        return self._(
            "This letter has closed, so sign-ons can no longer be changed here. Please contact the coordinators."
        )

    def web_save(self) -> str:
        return self._("Save changes")

    def web_saved(self, org_name: str) -> str:
        return self._("Saved. The letter lists {org} as you entered it.", org=org_name)

    def web_edit_pending(self) -> str:
        return self._("Please confirm your sign-on first (the other link in the same email); then you can edit it.")

    def web_name_taken(self, org_name: str) -> str:
        return self._("{org} has already signed this letter under that name.", org=org_name)

    def web_withdraw_heading(self) -> str:
        return self._("Withdraw your sign-on")

    def web_withdraw_question(self, org_name: str, title: str) -> str:
        return self._("Take {org} off “{title}”?", org=org_name, title=title)

    def web_withdraw_button(self) -> str:
        return self._("Withdraw")

    def web_withdrawn(self, org_name: str, title: str) -> str:
        return self._("{org} is no longer on “{title}”.", org=org_name, title=title)

    def email_subject(self, title: str) -> str:
        return self._("Confirm your sign-on: {title}", title=title)

    def email_body(self, name: str, org_name: str, title: str, confirm: str, edit: str, withdraw: str) -> str:
        return self._(
            "Hello {name},\n\nYou (or someone using this address) signed {org} onto “{title}”. To confirm, open "
            "this link within 3 days:\n\n{confirm}\n\nYour organization is counted once you confirm.\n\nTo change "
            "what you entered: {edit}\nTo withdraw: {withdraw}\n\nIf you did not sign, ignore this email: nothing "
            "is counted.",
            name=name,
            org=org_name,
            title=title,
            confirm=confirm,
            edit=edit,
            withdraw=withdraw,
        )

    # -- coordinators, in Slack -------------------------------------------------------------------------

    def source_name(self, source: str) -> str:
        """Where a sign-on came from, in one word (App Home, the review queue, the CSV)."""
        return self._("Web") if source == "web" else self._("Slack")

    def web_page_line(self, url: str) -> str:
        return self._(":globe_with_meridians: Public sign-on page: {url}", url=url)

    def web_page_closed_line(self, url: str) -> str:
        return self._(":globe_with_meridians: Public sign-on page (closed): {url}", url=url)

    def web_page_off(self, title: str) -> str:
        return self._(
            "*{title}* has no public sign-on page. Turn it on in the letter's form (`/signon edit`), under "
            "“On the web”.",
            title=title,
        )

    def public_url_missing(self) -> str:
        return self._(
            "The public page is on, but PUBLIC_URL is not set, so signon cannot give its address. Ask whoever runs "
            "signon to set it."
        )

    def web_pending_heading(self, count: int) -> str:
        return self._n(
            "*{count} web sign-on waiting for approval*", "*{count} web sign-ons waiting for approval*", count
        )

    def web_pending_line(self, org_name: str, name: str, title: str, email: str) -> str:
        return self._("*{org}* — {name}, {title} ({email})", org=org_name, name=name, title=title, email=email)

    def web_approve(self) -> str:
        return self._("Approve")

    def web_reject(self) -> str:
        return self._("Reject")

    def web_pending_digest(self, count: int) -> str:
        return self._n(
            ":hourglass: {count} web sign-on waits for approval on the Home tab.",
            ":hourglass: {count} web sign-ons wait for approval on the Home tab.",
            count,
        )

    def web_decided(self, org_name: str, approved: bool) -> str:
        if approved:
            return self._(":white_check_mark: {org} is approved and counted.", org=org_name)
        return self._(":x: {org} was rejected; it is not counted.", org=org_name)

    def web_label(self) -> str:
        return self._("On the web")

    def web_enabled_option(self) -> str:
        return self._("Also collect sign-ons on the web")

    def web_show_list_option(self) -> str:
        return self._("Show the list of signatories on the page")

    def web_require_approval_option(self) -> str:
        return self._("A coordinator approves every web sign-on (even with email confirmation)")

    def web_hint(self) -> str:
        return self._(
            "For organizations not in Slack: a page anyone with its link can sign. Its address is in the "
            "confirmation, on the Home tab and in /signon link."
        )

    def web_contact_label(self) -> str:
        return self._("Contact line on the page")

    def web_contact_placeholder(self) -> str:
        return self._("Questions? Write to coalition@example.org")

    def usage_link(self) -> str:
        return self._("`/signon link [letter]` — the letter's public sign-on page (for organizations not in Slack)")
