"""Words coordinators see: refusals, posting a letter, managing it, the review queue and App Home."""

from __future__ import annotations

import enum
from collections.abc import Sequence

from bot.messages.common import CommonWords
from bot.services.outcomes import ChannelProblem, ChannelTrouble


class Task(enum.StrEnum):
    """Coordinator work someone may be refused, for the refusal's words."""

    START = "start"
    EDIT = "edit"
    CLOSE = "close"
    REOPEN = "reopen"
    REVIEW = "review"
    DISMISS = "dismiss"
    EXPORT = "export"
    MERGE = "merge"
    REMOVE = "remove"
    DELIVER = "deliver"
    RESPOND = "respond"
    REMIND = "remind"
    APPROVE = "approve"


class CoordinatingWords(CommonWords):
    # -- refusals -----------------------------------------------------------------------------------

    def task(self, task: Task) -> str:
        texts = {
            Task.START: lambda: self._("start letters"),
            Task.EDIT: lambda: self._("edit this letter"),
            Task.CLOSE: lambda: self._("close this letter"),
            Task.REOPEN: lambda: self._("reopen this letter"),
            Task.REVIEW: lambda: self._("review this letter's duplicates"),
            Task.DISMISS: lambda: self._("review duplicates"),
            Task.EXPORT: lambda: self._("export signatories"),
            Task.DELIVER: lambda: self._("record this letter's delivery"),
            Task.RESPOND: lambda: self._("send a follow-up to this letter's signers"),
            Task.APPROVE: lambda: self._("approve this letter's web sign-ons"),
            Task.MERGE: lambda: self._("merge organizations"),
            Task.REMIND: lambda: self._("remind this letter's signers"),
            Task.REMOVE: lambda: self._("remove signatories"),
        }
        return texts[task]()

    def refusal(self, task: Task, people: Sequence[str], *, for_letter: bool) -> str:
        """``people``: user ids who can; workspace admins (and, ``for_letter``, that letter's coordinators)
        are named by role."""
        names = "".join(f"<@{person}>, " for person in people)
        if not for_letter:
            return self._("Only coordinators can {task}: {names}workspace admins.", task=self.task(task), names=names)
        return self._(
            "Only coordinators can {task}: {names}workspace admins and this letter's coordinators.",
            task=self.task(task),
            names=names,
        )

    # -- a new letter -------------------------------------------------------------------------------

    def storage_down_short(self) -> str:
        return self._("The database is not accepting changes right now; nothing was saved. Please try again shortly.")

    def letter_created_title(self) -> str:
        return self._("Letter created")

    def posting_letter(self, letter_id: int, title: str, channels: int) -> str:
        return self._n(
            ":hourglass_flowing_sand: Posting *#{id} {title}* to {count} channel…",
            ":hourglass_flowing_sand: Posting *#{id} {title}* to {count} channels…",
            channels,
            id=letter_id,
            title=title,
        )

    def letter_posted_title(self) -> str:
        return self._("Letter posted")

    def report_heading(self, letter_id: int, title: str) -> str:
        return self._("*#{id} {title}*", id=letter_id, title=title)

    def posted_in(self, channels: str) -> str:
        return self._(":white_check_mark: Posted in {channels}", channels=channels)

    def joined(self, channels: str) -> str:
        return self._(":door: Joined {channels} to post there", channels=channels)

    def invite_needed(self, channel: str, letter_id: int) -> str:
        return self._(
            ":warning: Couldn't post in {channel}: type `/invite @signon` in that channel, then "
            "`/signon edit {id}` and pick it under *Also post to channels*.",
            channel=channel,
            id=letter_id,
        )

    def post_failed(self, channel: str, code: str) -> str:
        return self._(":x: Couldn't post in {channel} ({code}).", channel=channel, code=code)

    def post_retrying(self, channel: str, code: str) -> str:
        return self._(
            ":hourglass_flowing_sand: Slack didn't take the post in {channel} ({code}); I'll try again in a few "
            "minutes.",
            channel=channel,
            code=code,
        )

    def how_members_sign(self, letter_id: int) -> str:
        return self._("Members sign with the button on the post or `/signon {id}`.", id=letter_id)

    def channel_problem(self, problem: ChannelProblem) -> str:
        mention = f"<#{problem.channel_id}>"
        channel = f"#{problem.name}" if problem.name else mention
        texts = {
            ChannelTrouble.NEEDS_INVITE: lambda: self._(
                "{channel} is private and signon isn't in it: type /invite @signon there first", channel=channel
            ),
            ChannelTrouble.ARCHIVED: lambda: self._("{channel} is archived", channel=channel),
            ChannelTrouble.NOT_A_CHANNEL: lambda: self._("direct messages can't hold a letter; pick channels"),
            ChannelTrouble.UNCHECKED: lambda: self._(
                "{channel} could not be checked ({code})", channel=mention, code=problem.error
            ),
        }
        return texts[problem.trouble]()

    def channel_problems(self, problems: Sequence[ChannelProblem]) -> str:
        listed = "; ".join(self.channel_problem(p) for p in problems)
        return self._("{problems}. Or remove it from the list.", problems=listed)[:1900]

    # -- managing a letter --------------------------------------------------------------------------

    def no_letter_found(self, reference: str, subcommand: str) -> str:
        if reference:
            return self._(
                "I couldn't find a letter matching “{reference}”. `/signon list` shows the open ones; use "
                "`/signon {subcommand} 12`.",
                reference=reference,
                subcommand=subcommand,
            )
        return self._(
            "I couldn't find a letter for you here. `/signon list` shows the open ones; use `/signon {subcommand} 12`.",
            subcommand=subcommand,
        )

    def which_letter(self, listing: str) -> str:
        return self._("Which letter?\n{listing}", listing=listing)

    def letter_choice(self, subcommand: str, letter_id: int, title: str) -> str:
        return self._("`/signon {subcommand} {id}` — {title}", subcommand=subcommand, id=letter_id, title=title)

    def loading_title(self) -> str:
        return self._("Edit letter")

    def saved_letter(self, letter_id: int, title: str) -> str:
        return self._(":pencil2: Saved *#{id} {title}*.", id=letter_id, title=title)

    def new_version(self, version: int, reconfirm: int | None) -> str:
        if reconfirm is None:
            return self._("The text is now version {version}; earlier signatures carry over.", version=version)
        return self._n(
            "The text is now version {version}; {count} signer will be asked to confirm again.",
            "The text is now version {version}; {count} signers will be asked to confirm again.",
            reconfirm,
            version=version,
        )

    def translation_added(self, language: str) -> str:
        return self._(
            ":globe_with_meridians: Added the translation into {language}.", language=self.language_name(language)
        )

    def translation_updated(self, language: str) -> str:
        return self._(
            ":globe_with_meridians: Saved the translation into {language}.", language=self.language_name(language)
        )

    def translation_removed(self, language: str) -> str:
        return self._(
            ":globe_with_meridians: Removed the translation into {language}; its earlier versions stay in the "
            "letter's history.",
            language=self.language_name(language),
        )

    def deadline_moved(self) -> str:
        return self._("The deadline changed; reminders follow the new deadline.")

    def already_closed(self, letter_id: int) -> str:
        return self._("Letter #{id} is already closed. `/signon reopen {id}` opens it again.", id=letter_id)

    def closed_now(self, letter_id: int, title: str) -> str:
        return self._(
            ":lock: Closed *#{id} {title}*. The posts are being updated and the coordinators will get the final "
            "count and the export. `/signon reopen {id}` opens it again.",
            id=letter_id,
            title=title,
        )

    def already_open(self, letter_id: int) -> str:
        return self._("Letter #{id} is already open.", id=letter_id)

    def reopened_until_deadline(self, letter_id: int, title: str) -> str:
        return self._(":unlock: Reopened *#{id} {title}* until its deadline.", id=letter_id, title=title)

    def cannot_reopen(self) -> str:
        return self._("That letter could not be reopened.")

    def reopened_title(self) -> str:
        return self._("Letter reopened")

    def reopened(self, letter_id: int, title: str) -> str:
        return self._(":unlock: *#{id} {title}* is open again. The posts are being updated.", id=letter_id, title=title)

    def pick_future_deadline(self) -> str:
        return self._("Pick a future deadline.")

    def letter_already_open(self) -> str:
        return self._("This letter is already open.")

    # -- the review queue ---------------------------------------------------------------------------

    def new_name(self, name: str) -> str:
        return self._("New: {name}", name=name)

    def already_signed_name(self, name: str) -> str:
        return self._("Already signed: {name}", name=name)

    def merge_into_earlier(self) -> str:
        return self._("Merge into the earlier one")

    def different_organizations(self) -> str:
        return self._("Different organizations")

    def no_duplicates(self, letter_id: int, title: str) -> str:
        return self._("No possible duplicates to review on #{id} {title}.", id=letter_id, title=title)

    def duplicates_heading(self, letter_id: int, title: str, count: int) -> str:
        return self._n(
            "*Possible duplicate on #{id} {title}* ({count})",
            "*Possible duplicates on #{id} {title}* ({count})",
            count,
            id=letter_id,
            title=title,
        )

    def review_these_first(self, count: int) -> str:
        return self._n("…and {count} more; review these first.", "…and {count} more; review these first.", count)

    def duplicates_notification(self, count: int) -> str:
        return self._n("{count} possible duplicate to review", "{count} possible duplicates to review", count)

    def merged(self, source: str, target: str) -> str:
        return self._(":link: Merged “{source}” into “{target}”.", source=source, target=target)

    def cannot_merge_any_more(self) -> str:
        return self._("Those can no longer be merged (withdrawn or already merged).")

    def marked_different(self) -> str:
        return self._("Marked as different organizations.")

    def removed(self, org_name: str, title: str) -> str:
        return self._(":wastebasket: Removed {org_name} from “{title}”.", org_name=org_name, title=title)

    # -- App Home -----------------------------------------------------------------------------------

    def home_heading(self) -> str:
        return self._("Sign-on letters")

    def no_letters_open_home(self) -> str:
        return self._("No letters are open for sign-on right now.")

    def your_org_signed(self) -> str:
        return self._(":white_check_mark: Your organization signed")

    def not_signed_yet(self) -> str:
        return self._(":hourglass: Not signed yet")

    def home_member_letter(self, title: str, count: int, deadline: str, status: str) -> str:
        return self._(
            "*{title}*\n{organizations} · deadline {deadline}\n{status}",
            title=title,
            organizations=self.organizations(count),
            deadline=deadline,
            status=status,
        )

    def signed_as(self, org_name: str) -> str:
        return self._("Signed as {org_name}", org_name=org_name)

    def letters_you_coordinate(self) -> str:
        return self._("Letters you coordinate")

    def more_letters_not_shown(self) -> str:
        return self._("More letters are not shown; use `/signon list` and `/signon review`.")

    def home_coordinator_letter(
        self, letter_id: int, title: str, state: str, count: int, new_today: int, deadline: str
    ) -> str:
        return self._n(
            "*#{id} {title}* ({state})\n*{organizations}*, {count} new in the last 24 hours · deadline {deadline}",
            "*#{id} {title}* ({state})\n*{organizations}*, {count} new in the last 24 hours · deadline {deadline}",
            new_today,
            id=letter_id,
            title=title,
            state=state,
            organizations=self.organizations(count),
            deadline=deadline,
        )

    def close_letter(self) -> str:
        return self._("Close")

    def close_question(self, letter_id: int, title: str, count: int) -> str:
        return self._(
            "Close *#{id} {title}*? It has {organizations}; closing stops sign-ons and sends the coordinators the "
            "final list. `/signon reopen {id}` opens it again.",
            id=letter_id,
            title=title,
            organizations=self.organizations(count),
        )

    def close_confirm_title(self) -> str:
        return self._("Close letter?")

    def close_confirm_text(self, title: str) -> str:
        return self._("Stop accepting sign-ons for “{title}”?", title=title)

    def close_it(self) -> str:
        return self._("Close it")

    def remove_confirm_title(self) -> str:
        return self._("Remove signatory?")

    def remove_confirm_text(self, org_name: str, title: str) -> str:
        return self._("Take {org_name} off “{title}”?", org_name=org_name, title=title)

    def duplicates_to_review(self, count: int) -> str:
        return self._n(
            ":mag: {count} possible duplicate to review", ":mag: {count} possible duplicates to review", count
        )
