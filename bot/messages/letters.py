"""Words of a letter in Slack: the channel post, the full text, the list of open letters, the letter modals."""

from __future__ import annotations

from bot.messages.common import CommonWords
from bot.services.letters.form import LetterProblem
from bot.services.outcomes import Problem


class LetterWords(CommonWords):
    # -- the post and the full text -----------------------------------------------------------------

    def deadline_line(self, deadline: str) -> str:
        return self._(":alarm_clock: Deadline: *{deadline}*", deadline=deadline)

    def closed_line(self, closed: str) -> str:
        return self._(":lock: Closed {closed}", closed=closed)

    def signed_so_far(self, count: int) -> str:
        return self._(":memo: *{organizations}* signed so far", organizations=self.organizations(count))

    def latest_names(self, names: str) -> str:
        return self._("Latest: {names}", names=names)

    def post_notification(self, title: str, count: int) -> str:
        return self._(
            "Sign-on letter: {title} ({organizations} so far)", title=title, organizations=self.organizations(count)
        )

    def post_closed(self, count: int) -> str:
        return self._(":lock: *Closed — {organizations} signed.* Thank you!", organizations=self.organizations(count))

    def closed_post_notification(self, title: str, count: int) -> str:
        return self._("Closed — {organizations} signed: {title}", organizations=self.organizations(count), title=title)

    def letter_modal_title(self) -> str:
        return self._("Sign-on letter")

    def version_after(self, line: str, version: int) -> str:
        return self._("{line}  ·  version {version}", line=line, version=version)

    def letter_continues(self) -> str:
        return self._("_(The letter continues; ask a coordinator for the text.)_")

    def led_by(self, leads: str) -> str:
        return self._("Led by {leads}", leads=leads)

    def read_in_this_language(self) -> str:
        """The button that opens the letter in these words' language, labeled in it (“Leer en español”)."""
        return self._("Read in {language}", language=self.language_name(self.language))

    def not_in_your_language(self, shown: str) -> str:
        """Under a letter that has no text in these words' language: which language is shown instead."""
        return self._(
            "_This letter has no {language} version; here is its {shown} text._",
            language=self.language_name(self.language),
            shown=self.language_name(shown),
        )

    def have_signed(self, count: int) -> str:
        return self._n(":memo: {count} organization has signed", ":memo: {count} organizations have signed", count)

    # -- /signon list -------------------------------------------------------------------------------

    def no_open_letters(self, *, coordinator: bool) -> str:
        if coordinator:
            return self._("There are no open sign-on letters right now. Start one with `/signon new`.")
        return self._("There are no open sign-on letters right now.")

    def open_letters_heading(self, count: int) -> str:
        return self._n("*Open sign-on letter ({count})*", "*Open sign-on letters ({count})*", count)

    def letter_list_entry(self, letter_id: int, title: str, count: int, deadline: str) -> str:
        facts = self.letter_facts(letter_id, title, count, deadline)
        return self._("*#{id}* {title}\n{organizations} · deadline {deadline}", **facts)

    def open_letters_notification(self, count: int) -> str:
        return self._n("{count} open sign-on letter", "{count} open sign-on letters", count)

    # -- the letter modal ---------------------------------------------------------------------------

    def new_letter_title(self) -> str:
        return self._("New sign-on letter")

    def edit_letter_title(self) -> str:
        return self._("Edit letter")

    def post_letter(self) -> str:
        return self._("Post letter")

    def save_changes(self) -> str:
        return self._("Save changes")

    def letter_language_label(self) -> str:
        return self._("Language of the letter")

    def letter_language_hint(self) -> str:
        return self._("The title and text below are in this language; the channel posts show them.")

    def translation_heading(self, language: str | None) -> str:
        if language is None:
            return self._("*Translation* (optional)")
        return self._("*Translation into {language}* (optional)", language=self.language_name(language))

    def translation_explained(self) -> str:
        return self._(
            "The same letter in the other language: Spanish for a letter in English, English for one in Spanish. "
            "Each member reads it in their language; everyone signs one list."
        )

    def translation_title_label(self) -> str:
        return self._("Title of the translation")

    def translation_text_label(self) -> str:
        return self._("Text of the translation")

    def translation_text_continued_label(self, part: int) -> str:
        return self._("Text of the translation (continued, part {part})", part=part)

    def translation_text_hint(self) -> str:
        return self._(
            "Leave the title and text empty for a letter in one language; empty them to remove a translation."
        )

    # -- the letter's parts around its text -------------------------------------------------------------

    def letter_parts_heading(self) -> str:
        return self._("*As printed* (optional)")

    def letter_parts_explained(self) -> str:
        return self._(
            "What the PDF and Word documents print around the text, in this order. Changing only these never "
            "asks signers to confirm again."
        )

    def date_line_label(self) -> str:
        return self._("Date line")

    def date_line_hint(self) -> str:
        return self._("As it should be printed, e.g. December 1, 2026. Empty: the delivery date, once delivered.")

    def addressees_label(self) -> str:
        return self._("Addressees")

    def addressees_hint(self) -> str:
        return self._(
            "Each addressee on its own lines (name, title, address), with a blank line between two addressees."
        )

    def re_line_label(self) -> str:
        return self._("Subject (Re: line)")

    def re_line_hint(self) -> str:
        return self._("Just the subject; “Re:” is added when printed.")

    def salutation_label(self) -> str:
        return self._("Salutation")

    def salutation_hint(self) -> str:
        return self._("E.g. Dear President and Secretary:")

    def closing_label(self) -> str:
        return self._("Closing")

    def closing_hint(self) -> str:
        return self._("Printed after the text, before the signatories.")

    def default_closing(self) -> str:
        return self._("Sincerely,")

    def cc_label(self) -> str:
        return self._("cc")

    def cc_hint(self) -> str:
        return self._("One person or office per line, printed after the signatories.")

    def letter_title_label(self) -> str:
        return self._("Title")

    def title_placeholder(self) -> str:
        return self._("Letter to Congress opposing …")

    def letter_text_label(self) -> str:
        return self._("Letter text")

    def letter_text_continued_label(self, part: int) -> str:
        return self._("Letter text (continued, part {part})", part=part)

    def letter_text_placeholder(self) -> str:
        return self._("Paste the letter. Paragraphs and numbered lists are kept.")

    def letter_text_hint(self) -> str:
        return self._(
            "Slack allows 3,000 characters per box; continue a longer letter in the next box at a paragraph break."
        )

    def in_your_time_zone(self, zone: str) -> str:
        return self._("In your Slack time zone ({zone}).", zone=zone)

    def deadline_date_label(self) -> str:
        return self._("Deadline date")

    def deadline_time_label(self) -> str:
        return self._("Deadline time")

    def channels_placeholder(self) -> str:
        return self._("Coalition channels")

    def post_to_label(self) -> str:
        return self._("Post to channels")

    def also_post_label(self) -> str:
        return self._("Also post to channels")

    def channels_hint(self) -> str:
        return self._("Private channels need the app invited first (/invite @signon).")

    def channels_edit_hint(self) -> str:
        return self._("Channels where the letter is already posted stay as they are.")

    def audience_label(self) -> str:
        return self._("Who can see it")

    def whole_workspace_option(self) -> str:
        return self._("Open to the whole workspace")

    def audience_hint(self) -> str:
        return self._(
            "Unchecked, only the members of its channels and its coordinators see the letter and can sign it."
        )

    def leads_label(self) -> str:
        return self._("Lead organization(s)")

    def leads_placeholder(self) -> str:
        return self._("One per line, in the order they should be listed")

    def leads_hint(self) -> str:
        return self._("Listed first in the final letter, in this order.")

    def reminders_label(self) -> str:
        return self._("Reminders before the deadline")

    def reminders_hint(self) -> str:
        return self._("Members who have not signed get a DM at each of these (h = hours, d = days, m = minutes).")

    def cocoordinators_label(self) -> str:
        return self._("Co-coordinators")

    def cocoordinators_hint(self) -> str:
        return self._("They can edit, close and export this letter.")

    def substantive_label(self) -> str:
        return self._("If you changed the text")

    def substantive_option(self) -> str:
        return self._("This is a substantive change: ask signers to confirm again")

    def substantive_hint(self) -> str:
        return self._("Leave unticked for typo and formatting fixes; earlier signatures then carry over.")

    def change_note_label(self) -> str:
        return self._("What changed (shown to signers)")

    def letter_problem(self, problem: Problem) -> str:
        """An inline error under one field of the letter modal."""
        p = problem.params
        limit = int(str(p.get("limit") or 0))
        texts = {
            LetterProblem.TITLE_MISSING: lambda: self._("Give the letter a title."),
            LetterProblem.TITLE_TOO_LONG: lambda: self._n(
                "Keep the title under {count} character.", "Keep the title under {count} characters.", limit
            ),
            LetterProblem.TEXT_MISSING: lambda: self._("Paste the text of the letter."),
            LetterProblem.TRANSLATION_TITLE_MISSING: lambda: self._("Give the translation its title too."),
            LetterProblem.TRANSLATION_TEXT_MISSING: lambda: self._(
                "Paste the text of the translation too, or empty its title."
            ),
            LetterProblem.TEXT_TOO_LONG: lambda: self._n(
                "The letter is {length} characters; the limit is {count}.",
                "The letter is {length} characters; the limit is {count}.",
                limit,
                length=self.number(int(str(p["length"]))),
            ),
            LetterProblem.DATE_MISSING: lambda: self._("Pick the deadline date."),
            LetterProblem.TIME_MISSING: lambda: self._("Pick the deadline time."),
            LetterProblem.DEADLINE_PAST: lambda: self._("The deadline is in the past. Pick a future date and time."),
            LetterProblem.DEADLINE_TOO_FAR: lambda: self._("Pick a deadline within the next year."),
            LetterProblem.CHANNELS_MISSING: lambda: self._("Pick at least one channel to post the letter in."),
            LetterProblem.TOO_MANY_CHANNELS: lambda: self._n(
                "Pick at most {count} channel.", "Pick at most {count} channels.", limit
            ),
            LetterProblem.LEAD_TOO_LONG: lambda: self._n(
                "“{start}…” is longer than {count} character.",
                "“{start}…” is longer than {count} characters.",
                limit,
                start=p["start"],
            ),
            LetterProblem.TOO_MANY_LEADS: lambda: self._n(
                "List at most {count} lead organization.", "List at most {count} lead organizations.", limit
            ),
            LetterProblem.TOO_MANY_REMINDERS: lambda: self._n(
                "Use at most {count} reminder.", "Use at most {count} reminders.", limit
            ),
            LetterProblem.REMINDER_TOO_EARLY: lambda: self._n(
                "Reminders can be at most {count}d before the deadline.",
                "Reminders can be at most {count}d before the deadline.",
                int(str(p["days"])),
            ),
            LetterProblem.REMINDER_NOT_DURATION: lambda: self._(
                "“{text}” is not a duration like 72h, 24h, 30m or 2d. Use a list like 72h, 24h, 2h (or leave it "
                "empty for none).",
                text=p["text"],
            ),
            LetterProblem.REMINDER_NOT_POSITIVE: lambda: self._(
                "“{text}” must be more than zero. Use a list like 72h, 24h, 2h (or leave it empty for none).",
                text=p["text"],
            ),
            LetterProblem.PART_TOO_LONG: lambda: self._n(
                "Keep this under {count} character.", "Keep this under {count} characters.", limit
            ),
            LetterProblem.PART_LINE_TOO_LONG: lambda: self._n(
                "The line “{start}…” is longer than {count} character.",
                "The line “{start}…” is longer than {count} characters.",
                limit,
                start=p["start"],
            ),
            LetterProblem.TOO_MANY_ADDRESSEES: lambda: self._n(
                "List at most {count} addressee (a blank line separates two).",
                "List at most {count} addressees (a blank line separates two).",
                limit,
            ),
            LetterProblem.TOO_MANY_CC: lambda: self._n(
                "List at most {count} person to copy.", "List at most {count} people to copy.", limit
            ),
        }
        return texts[LetterProblem(problem.code)]()

    # -- reopening ----------------------------------------------------------------------------------

    def reopen_letter_title(self) -> str:
        return self._("Reopen letter")

    def reopen_prompt(self, title: str) -> str:
        return self._("Reopen *{title}* for more sign-ons. Pick the new deadline.", title=title)

    def new_deadline_date_label(self) -> str:
        return self._("New deadline date")

    def new_deadline_time_label(self) -> str:
        return self._("New deadline time")
