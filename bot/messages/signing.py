"""Words members see: the sign-on form and its errors, confirmations, receipts, withdrawals and status."""

from __future__ import annotations

from bot.messages.common import CommonWords
from bot.services.outcomes import Action, Problem
from bot.services.signing.form import FormProblem


class SigningWords(CommonWords):
    # -- the form -----------------------------------------------------------------------------------

    def letter_heading(self, title: str, count: int, deadline: str) -> str:
        return self._(
            "*{title}*\n{organizations} signed · deadline {deadline}",
            title=title,
            organizations=self.organizations(count),
            deadline=deadline,
        )

    def edit_signon_title(self) -> str:
        return self._("Edit your sign-on")

    def org_label(self) -> str:
        return self._("Organization name")

    def org_placeholder(self) -> str:
        return self._("Exactly as it should appear in the letter")

    def org_hint(self) -> str:
        return self._("Spelling, accents and capitals are kept exactly as you type them.")

    def name_label(self) -> str:
        return self._("Your name")

    def title_label(self) -> str:
        return self._("Your title or role")

    def email_label(self) -> str:
        return self._("Email")

    def email_hint(self) -> str:
        return self._("So coordinators can reach you about the letter. Not published.")

    def city_label(self) -> str:
        return self._("City and state")

    def city_placeholder(self) -> str:
        return self._("Houston, TX")

    def org_type_label(self) -> str:
        return self._("Organization type")

    def choose_one(self) -> str:
        return self._("Choose one")

    def authorized_label(self) -> str:
        return self._("Authorization")

    def authorized_option(self) -> str:
        return self._("I am authorized to sign on behalf of this organization")

    def note_label(self) -> str:
        return self._("Note to the coordinators")

    def form_problem(self, problem: Problem) -> str:
        """An inline error under one field of the sign-on form."""
        limit = int(str(problem.params.get("limit") or 0))
        texts = {
            FormProblem.ORG_MISSING: lambda: self._(
                "Enter your organization's name as it should appear in the letter."
            ),
            FormProblem.ORG_NO_LETTERS: lambda: self._("An organization name needs at least one letter or number."),
            FormProblem.ORG_TOO_LONG: lambda: self._n(
                "Please keep the organization name under {count} character.",
                "Please keep the organization name under {count} characters.",
                limit,
            ),
            FormProblem.NAME_MISSING: lambda: self._("Enter your name."),
            FormProblem.NAME_TOO_LONG: lambda: self._n(
                "Please keep your name under {count} character.",
                "Please keep your name under {count} characters.",
                limit,
            ),
            FormProblem.TITLE_MISSING: lambda: self._("Enter your title or role at the organization."),
            FormProblem.TITLE_TOO_LONG: lambda: self._n(
                "Please keep the title under {count} character.",
                "Please keep the title under {count} characters.",
                limit,
            ),
            FormProblem.EMAIL_MISSING: lambda: self._("Enter an email address coordinators can reach you at."),
            FormProblem.EMAIL_INVALID: lambda: self._("That doesn't look like an email address (name@example.org)."),
            FormProblem.CITY_TOO_LONG: lambda: self._n(
                "Please keep this under {count} character.", "Please keep this under {count} characters.", limit
            ),
            FormProblem.ORG_TYPE_UNKNOWN: lambda: self._("Pick one of the listed organization types."),
            FormProblem.NOTE_TOO_LONG: lambda: self._n(
                "Please keep the note under {count} character.", "Please keep the note under {count} characters.", limit
            ),
            FormProblem.NOT_AUTHORIZED: lambda: self._(
                "Please confirm you are authorized to sign for this organization."
            ),
            FormProblem.LINK_OR_MARKUP: lambda: self._(
                "Please write this without links or the characters < and > (it is printed in the letter)."
            ),
        }
        return texts[FormProblem(problem.code)]()

    # -- picking a letter ---------------------------------------------------------------------------

    def which_letter_to_sign(self) -> str:
        return self._("Several letters are open for sign-on. Which one are you signing?")

    def choose_a_letter(self) -> str:
        return self._("Choose a letter")

    def picker_line(self, letter_id: int, title: str, count: int, deadline: str) -> str:
        facts = self.letter_facts(letter_id, title, count, deadline)
        return self._("*#{id}* {title} · {organizations} · deadline {deadline}", **facts)

    def no_letter_matches(self, reference: str) -> str:
        return self._(
            "No letter matches “{reference}”. Type `/signon list` to see the open letters.", reference=reference
        )

    def no_letter_number(self, number: str) -> str:
        return self._(
            "There is no letter #{number} you can sign. Type `/signon list` to see the open letters.", number=number
        )

    def no_open_letters_now(self) -> str:
        return self._("There are no open sign-on letters right now.")

    def letter_closed_title(self) -> str:
        return self._("Letter closed")

    def closed_letter_notice(self, title: str, closed: str, count: int, contacts: str) -> str:
        """A closed letter, where someone looked for it: when it closed, its count, whom to ask."""
        return self._(
            "*{title}* closed on {closed}. {organizations} signed. Questions? Ask {contacts}.",
            title=title,
            closed=closed,
            organizations=self.organizations(count),
            contacts=contacts,
        )

    def other_open_letters(self) -> str:
        return self._("These letters are still open. Which one are you signing?")

    def letter_closed_error(self, title: str) -> str:
        return self._("“{title}” has closed; sign-ons are no longer accepted.", title=title)

    # -- after submitting ---------------------------------------------------------------------------

    def signed_title(self) -> str:
        return self._("Signed")

    def signed_heading(self) -> str:
        return self._(":white_check_mark: *Thank you!* Signed:")

    def signed_again_heading(self) -> str:
        return self._(":white_check_mark: *Thank you!* Signed again:")

    def signed_details(self, title: str) -> str:
        return self._(
            "on *{title}*. Your receipt comes in a direct message, where you can edit or withdraw.", title=title
        )

    def already_signed_title(self) -> str:
        return self._("Already signed")

    def already_signed_by_you(self) -> str:
        return self._(":white_check_mark: *You already signed this letter for*")

    def already_signed_by_you_details(self, title: str) -> str:
        return self._(
            "on *{title}*. Nothing changed. Your receipt in a direct message has Edit and Withdraw buttons.",
            title=title,
        )

    def org_already_signed(self) -> str:
        return self._(":information_source: *Your organization has already signed*")

    def org_already_signed_on(self, title: str) -> str:
        return self._("on *{title}*, signed by", title=title)

    def org_already_signed_when(self, when: str) -> str:
        return self._(
            "{when}. We've recorded you as another contact for your organization. Only the person who signed, or "
            "someone they or a coordinator add, can edit or withdraw it: ask to be added if you need to.",
            when=when,
        )

    def ask_to_be_added(self) -> str:
        return self._("Ask to be added")

    def asked_to_be_added(self, people: str) -> str:
        return self._(":incoming_envelope: We asked {people}. You'll get a message when they add you.", people=people)

    def request_to_act(self, user: str, title: str) -> str:
        return self._(
            ":raising_hand: {user} is recorded as a contact of this organization on “{title}” and asks to be able "
            "to edit or withdraw its sign-on:",
            user=user,
            title=title,
        )

    def let_them_act(self) -> str:
        return self._("Let them")

    def let_act_confirm_title(self) -> str:
        return self._("Add this person?")

    def let_act_confirm_text(self, org_name: str) -> str:
        return self._("They will be able to edit or withdraw {org_name}'s sign-on, as you can.", org_name=org_name)

    def delegate_added(self, user: str) -> str:
        return self._("{user} can now edit or withdraw the sign-on of:", user=user)

    def you_were_added(self, org_name: str, title: str) -> str:
        return self._(
            ":white_check_mark: You can now edit or withdraw {org_name}'s sign-on on “{title}”. Its receipt follows.",
            org_name=org_name,
            title=title,
        )

    def name_taken(self, org_name: str) -> str:
        return self._("“{org_name}” has already signed this letter.", org_name=org_name)

    # -- receipts -----------------------------------------------------------------------------------

    def receipt_you_signed(self) -> str:
        return self._("You signed on")

    def receipt_updated(self) -> str:
        return self._("Your sign-on was updated")

    def receipt_heading(self, heading: str, title: str) -> str:
        return self._(":white_check_mark: *{heading}:* {title}", heading=heading, title=title)

    def receipt_notification(self, heading: str, org_name: str, title: str) -> str:
        return self._("{heading}: {org_name} on {title}", heading=heading, org_name=org_name, title=title)

    def signed_by_label(self) -> str:
        return self._("Signed by")

    def signer_and_title(self, name: str, title: str) -> str:
        return self._("{name}, {title}", name=name, title=title)

    def note_to_coordinators_label(self) -> str:
        return self._("Note to coordinators")

    def also_signed_for(self, names: str) -> str:
        return self._("You also signed this letter for: {names}", names=names)

    def receipt_recorded(self, recorded: str, version: int, deadline: str) -> str:
        return self._(
            "Recorded {recorded} · letter version {version} · deadline {deadline}",
            recorded=recorded,
            version=version,
            deadline=deadline,
        )

    def same_organization_question(self, other: str) -> str:
        return self._("Same organization as “{other}”, which signed already?", other=other)

    def merge_yes(self) -> str:
        return self._("Yes, merge them")

    def merge_no(self) -> str:
        return self._("No, we're different")

    def withdraw_confirm_title(self) -> str:
        return self._("Withdraw signature?")

    def withdraw_confirm_text(self, org_name: str, title: str) -> str:
        return self._("Take {org_name} off “{title}”?", org_name=org_name, title=title)

    def edit_saved_title(self) -> str:
        return self._("Saved")

    def edit_saved(self, signer: bool) -> str:
        if signer:
            return self._(":white_check_mark: Your sign-on was updated. The receipt in your DMs shows the change.")
        return self._(":white_check_mark: Your sign-on was updated. We sent you the new receipt.")

    def edit_title(self) -> str:
        return self._("Edit sign-on")

    def signon_gone(self) -> str:
        return self._("This sign-on was withdrawn or merged.")

    def signon_missing(self) -> str:
        return self._("This sign-on no longer exists.")

    def closed_ask_coordinator(self) -> str:
        return self._("The letter has closed; ask a coordinator to change this.")

    # -- withdrawing, merging, confirming ----------------------------------------------------------

    def withdraw_modal_title(self) -> str:
        return self._("Withdraw signature")

    def withdraw_question(self, title: str) -> str:
        return self._("Withdraw this organization from *{title}*?", title=title)

    def withdraw_consequence(self) -> str:
        return self._("Coordinators are told. You can sign again before the deadline.")

    def withdrawn(self, org_name: str, title: str) -> str:
        return self._(
            ":wave: Withdrawn: {org_name} is no longer on “{title}”. You can sign again before the deadline with "
            "/signon.",
            org_name=org_name,
            title=title,
        )

    def closed_cannot_withdraw(self, title: str) -> str:
        return self._(
            "“{title}” has closed, so signatures can't be withdrawn here. Please contact a coordinator.", title=title
        )

    def signon_no_longer_exists(self) -> str:
        return self._("That sign-on no longer exists.")

    def not_allowed(self, action: Action) -> str:
        texts = {
            Action.EDIT: lambda: self._(
                "Only the people who signed for this organization, or a coordinator, can edit it."
            ),
            Action.WITHDRAW: lambda: self._(
                "Only the people who signed for this organization, or a coordinator, can withdraw it."
            ),
            Action.MERGE: lambda: self._("Only the person who signed, or a coordinator, can merge these."),
            Action.MERGE_OTHER: lambda: self._("Only a coordinator can merge these two organizations."),
            Action.CONFIRM: lambda: self._("Only the people who signed for this organization can confirm it."),
            Action.ANSWER: lambda: self._("Only the person who signed can answer this."),
            Action.ADD_DELEGATE: lambda: self._(
                "Only the person who signed for this organization, someone they added, or a coordinator can add people."
            ),
        }
        return texts[action]()

    def coordinators_told_withdrawal(self, user: str, title: str) -> str:
        return self._(":information_source: {user} withdrew an organization from “{title}”:", user=user, title=title)

    def nothing_to_withdraw(self) -> str:
        return self._(
            "You haven't signed a matching letter, so there is nothing to withdraw. `/signon status` lists your "
            "sign-ons."
        )

    def which_to_withdraw(self, listing: str) -> str:
        return self._("You have signed several letters. Which one?\n{listing}", listing=listing)

    def withdraw_choice(self, letter_id: int, title: str) -> str:
        return self._("`/signon withdraw {id}` — {title}", id=letter_id, title=title)

    def kept(self, org_name: str, title: str) -> str:
        return self._(":white_check_mark: Thanks — {org_name} stays on “{title}”.", org_name=org_name, title=title)

    def nothing_to_keep(self) -> str:
        return self._("That signature was withdrawn or merged, so there is nothing to keep.")

    def merged_yours(self, target: str) -> str:
        return self._(
            ":link: Merged: your sign-on is now part of “{target}”, which is listed once. You are recorded as one "
            "of its contacts.",
            target=target,
        )

    def cannot_merge(self) -> str:
        return self._("These can no longer be merged (one of them was withdrawn or already merged).")

    def kept_apart(self) -> str:
        return self._("Got it — listed as a separate organization.")

    # -- status -------------------------------------------------------------------------------------

    def no_signons_yet(self) -> str:
        return self._("You haven't signed any letters yet. Type `/signon` to sign one.")

    def status_heading(self) -> str:
        return self._("*Your organization's sign-ons*")

    def status_line(self, label: str, state: str, when: str) -> str:
        return self._("*{label}* ({state}) · signed {when}", label=label, state=state, when=when)

    def status_notification(self) -> str:
        return self._("Your sign-ons")
