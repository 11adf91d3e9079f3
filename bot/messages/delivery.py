"""Delivering a letter: the delivery form, the posts and confirmations, the thanks and the follow-up to every
signer, and the words of the delivered document."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from bot.messages.common import CommonWords
from bot.messages.languages import info
from bot.services.delivery import DeliveryProblem
from bot.services.outcomes import Problem
from db.enums import DeliveryMethod


class DeliveryWords(CommonWords):
    def calendar_date(self, day: date) -> str:
        """A day as this language writes it in full (“December 1, 2026”, “1 de diciembre de 2026”)."""
        return str(format_date(day, format="long", locale=info(self.language).number_locale))

    # -- the delivery form --------------------------------------------------------------------------

    def delivery_modal_title(self) -> str:
        return self._("Letter delivered")

    def delivery_submit(self) -> str:
        return self._("Record delivery")

    def delivery_intro(self, letter_id: int, title: str, count: int) -> str:
        return self._(
            "*#{id} {title}*: the list as it is now ({organizations}) becomes the delivered list, the letter "
            "closes, and every signer is thanked by DM with the PDF, once.",
            id=letter_id,
            title=title,
            organizations=self.organizations(count),
        )

    def delivered_on_label(self) -> str:
        return self._("Date delivered")

    def delivered_to_label(self) -> str:
        return self._("Delivered to")

    def delivered_to_hint(self) -> str:
        return self._("Who received it, e.g. the President and the Secretary of Homeland Security")

    def delivery_method_label(self) -> str:
        return self._("How")

    def delivery_method(self, method: str) -> str:
        texts = {
            DeliveryMethod.EMAIL: lambda: self._("Email"),
            DeliveryMethod.HAND: lambda: self._("Hand delivery"),
            DeliveryMethod.PUBLIC: lambda: self._("Public release"),
        }
        text = texts.get(method)  # type: ignore[call-overload]
        return text() if text else method

    def public_link_label(self) -> str:
        return self._("Public link (optional)")

    def public_link_hint(self) -> str:
        return self._("Where the letter can be read, such as a press release (https://…)")

    def delivery_problem(self, problem: Problem) -> str:
        texts = {
            DeliveryProblem.DATE_MISSING: lambda: self._("Pick the date it was delivered."),
            DeliveryProblem.DATE_IN_FUTURE: lambda: self._("The date cannot be in the future."),
            DeliveryProblem.TO_MISSING: lambda: self._("Say who received the letter."),
            DeliveryProblem.METHOD_MISSING: lambda: self._("Pick how it was delivered."),
            DeliveryProblem.LINK_NOT_WEB: lambda: self._("Enter a web address that starts with https:// or http://."),
            DeliveryProblem.RESPONSE_MISSING: lambda: self._("Write the follow-up to send."),
        }
        return texts[problem.code]()  # type: ignore[index]

    def already_delivered(self, letter_id: int, day: date) -> str:
        return self._("Letter #{id} was already delivered on {date}.", id=letter_id, date=self.calendar_date(day))

    def delivery_recorded_title(self) -> str:
        return self._("Delivery recorded")

    def delivery_recorded(self, letter_id: int, title: str, count: int, people: int) -> str:
        return self._n(
            "*#{id} {title}* was delivered with {organizations}. Thanks are on their way to {count} person; "
            "your DMs show how many have gone out.",
            "*#{id} {title}* was delivered with {organizations}. Thanks are on their way to {count} people; "
            "your DMs show how many have gone out.",
            people,
            id=letter_id,
            title=title,
            organizations=self.organizations(count),
        )

    # -- what coordinators see -----------------------------------------------------------------------

    def delivery_confirmation(self, letter_id: int, title: str, day: date, count: int) -> str:
        return self._(
            ":package: *#{id} {title}* was delivered on {date} with {organizations}.",
            id=letter_id,
            title=title,
            date=self.calendar_date(day),
            organizations=self.organizations(count),
        )

    def thanks_progress(self, sent: int, total: int) -> str:
        return self._n(
            ":hourglass_flowing_sand: Thanks sent to {sent} of {count}.",
            ":hourglass_flowing_sand: Thanks sent to {sent} of {count}.",
            total,
            sent=self.number(sent),
        )

    def thanks_done(self, sent: int, total: int) -> str:
        return self._n(
            ":white_check_mark: Thanks sent to {sent} of {count}.",
            ":white_check_mark: Thanks sent to {sent} of {count}.",
            total,
            sent=self.number(sent),
        )

    def messages_failed(self, count: int) -> str:
        return self._n(
            "{count} person could not be reached by DM.", "{count} people could not be reached by DM.", count
        )

    def response_progress(self, sent: int, total: int) -> str:
        return self._n(
            ":speech_balloon: Follow-up sent to {sent} of {count}.",
            ":speech_balloon: Follow-up sent to {sent} of {count}.",
            total,
            sent=self.number(sent),
        )

    # -- the Home tab, for coordinators ----------------------------------------------------------------

    def home_delivered(self, day: date) -> str:
        return self._(":package: Delivered on {date}", date=self.calendar_date(day))

    def home_thanks_progress(self, sent: int, total: int, *, done: bool) -> str:
        if done:
            return self._n(
                ":white_check_mark: Thanks sent to {sent} of {count} signer",
                ":white_check_mark: Thanks sent to {sent} of {count} signers",
                total,
                sent=self.number(sent),
            )
        return self._n(
            ":hourglass_flowing_sand: Thanks sent to {sent} of {count} signer",
            ":hourglass_flowing_sand: Thanks sent to {sent} of {count} signers",
            total,
            sent=self.number(sent),
        )

    def home_response_progress(self, sent: int, total: int) -> str:
        return self._n(
            ":speech_balloon: Follow-up sent to {sent} of {count} signer",
            ":speech_balloon: Follow-up sent to {sent} of {count} signers",
            total,
            sent=self.number(sent),
        )

    # -- the posts ------------------------------------------------------------------------------------

    def post_delivered(self, day: date, count: int) -> str:
        return self._(
            ":package: *Delivered on {date} with {organizations}.* Thank you!",
            date=self.calendar_date(day),
            organizations=self.organizations(count),
        )

    def delivered_post_notification(self, title: str, day: date, count: int) -> str:
        return self._(
            "Delivered on {date} with {organizations}: {title}",
            date=self.calendar_date(day),
            organizations=self.organizations(count),
            title=title,
        )

    def open_for_the_record(self, day: date, count: int) -> str:
        return self._(
            ":package: Delivered on {date} with {organizations}. Sign-ons now are added for the record.",
            date=self.calendar_date(day),
            organizations=self.organizations(count),
        )

    # -- every signer --------------------------------------------------------------------------------

    def delivered_by(self, method: str) -> str:
        texts = {
            DeliveryMethod.EMAIL: lambda: self._("by email"),
            DeliveryMethod.HAND: lambda: self._("by hand"),
            DeliveryMethod.PUBLIC: lambda: self._("as a public release"),
        }
        text = texts.get(method)  # type: ignore[call-overload]
        return text() if text else method

    def thanks_message(self, title: str, day: date, to: str, method: str, count: int) -> str:
        return self._(
            ":tada: *Thank you for signing.* *{title}* was delivered on {date} to {to}, {how}, with {organizations}.",
            title=title,
            date=self.calendar_date(day),
            to=to,
            how=self.delivered_by(method),
            organizations=self.organizations(count),
        )

    def thanks_notification(self, title: str, count: int) -> str:
        return self._("Delivered with {organizations}: {title}", organizations=self.organizations(count), title=title)

    def read_it_here(self, link: str) -> str:
        return self._("Read it here: {link}", link=link)

    def delivered_pdf_attached(self) -> str:
        return self._("The letter as delivered is attached (PDF).")

    def delivered_pdf_title(self, title: str) -> str:
        return self._("{title} — as delivered", title=title)

    def response_message(self, title: str) -> str:
        return self._(":speech_balloon: *An update on {title}*, which you signed:", title=title)

    def response_notification(self, title: str) -> str:
        return self._("An update on {title}", title=title)

    # -- the same, by email to those who signed on the public page ---------------------------------------

    def email_thanks_subject(self, title: str) -> str:
        return self._("Thank you for signing: {title}", title=title)

    def email_thanks_body(
        self, name: str, title: str, day: date, to: str, method: str, count: int, link: str | None
    ) -> str:
        body = self._(
            "Hello {name},\n\nThank you for signing “{title}”. It was delivered on {date} to {to}, {how}, with "
            "{organizations}. The letter as delivered is attached as a PDF.",
            name=name,
            title=title,
            date=self.calendar_date(day),
            to=to,
            how=self.delivered_by(method),
            organizations=self.organizations(count),
        )
        if link:
            body += "\n\n" + self._("Read it here: {link}", link=link)
        return body

    def email_response_subject(self, title: str) -> str:
        return self._("An update on {title}", title=title)

    def email_response_body(self, name: str, title: str, text: str) -> str:
        return self._(
            "Hello {name},\n\nAn update on “{title}”, which you signed:\n\n{text}", name=name, title=title, text=text
        )

    # -- the follow-up form ----------------------------------------------------------------------------

    def response_modal_title(self) -> str:
        return self._("Follow-up to signers")

    def response_submit(self) -> str:
        return self._("Send to signers")

    def response_label(self) -> str:
        return self._("The follow-up")

    def response_hint(self) -> str:
        return self._("Sent once to every signer, e.g. “The Department responded: …”")

    def response_intro(self, letter_id: int, title: str) -> str:
        return self._(
            "*#{id} {title}*: one message to every signer and contact, in a DM. It can be sent only once.",
            id=letter_id,
            title=title,
        )

    def not_delivered_yet(self, letter_id: int) -> str:
        return self._(
            "Letter #{id} has not been delivered yet: record its delivery first with `/signon delivered {id}`.",
            id=letter_id,
        )

    def response_already_sent(self, letter_id: int) -> str:
        return self._("A follow-up was already sent to the signers of letter #{id}.", id=letter_id)

    def response_sending_title(self) -> str:
        return self._("Follow-up sent")

    def response_sending(self, people: int) -> str:
        return self._n("Sending it to {count} person, once.", "Sending it to {count} people, once.", people)

    # -- the delivered document ------------------------------------------------------------------------

    def document_footer(self, title: str, version: int, number: int) -> str:
        return self._(
            "{title} · version {version} · delivered list (export {number})",
            title=title,
            version=version,
            number=number,
        )

    def export_document_footer(self, title: str, version: int, number: int) -> str:
        return self._("{title} · version {version} · export {number}", title=title, version=version, number=number)

    def document_title(self, title: str, number: int) -> str:
        return self._("Letter: {title} (export {number})", title=title, number=number)

    def page_of(self) -> str:
        # Translators: {page} and {pages} are filled in by the document builder.
        return self._("Page {page} of {pages}")

    def added_after_delivery(self, day: date, count: int) -> str:
        return self._n(
            "Added after delivery on {date} ({count})",
            "Added after delivery on {date} ({count})",
            count,
            date=self.calendar_date(day),
        )

    def added_after_delivery_heading(self) -> str:
        return self._("Added after delivery")

    def re_line(self, subject: str) -> str:
        # Translators: the subject line of a letter, as printed above the salutation.
        return self._("Re: {subject}", subject=subject)

    def cc_document_label(self) -> str:
        # Translators: printed before the copied recipients at the end of a letter.
        return self._("cc:")

    # -- help ------------------------------------------------------------------------------------------

    def usage_delivered(self) -> str:
        return self._(
            "`/signon delivered [letter]` — record that the letter was delivered (when, to whom, how); every signer "
            "is thanked with the PDF"
        )

    def usage_respond(self) -> str:
        return self._("`/signon respond [letter]` — send every signer one follow-up, such as the response")
