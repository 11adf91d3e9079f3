"""Words of ``/signon help``: one usage line per subcommand of the command table."""

from __future__ import annotations

from bot.messages.common import CommonWords


class HelpWords(CommonWords):
    def member_usage_heading(self) -> str:
        return self._("*Sign on to a coalition letter*")

    def coordinator_usage_heading(self) -> str:
        return self._("*Coordinators*")

    def help_footer(self) -> str:
        return self._("You can also use the *Sign on* button on a letter, or the app's Home tab.")

    def help_notification(self) -> str:
        return self._("How to use /signon")

    def unknown_subcommand(self, word: str) -> str:
        return self._("I don't know `{word}`. Here is what `/signon` can do:", word=word)

    def usage_sign(self) -> str:
        return self._(
            "`/signon` — sign the open letter posted in this channel (or pick one)\n"
            "• `/signon 12` or `/signon &lt;words of the title&gt;` — sign a particular letter"
        )

    def usage_list(self) -> str:
        return self._("`/signon list` — open letters, their deadlines and counts")

    def usage_status(self) -> str:
        return self._("`/signon status` — what your organization has signed")

    def usage_withdraw(self) -> str:
        return self._("`/signon withdraw [letter]` — take your organization's signature off a letter")

    def usage_help(self) -> str:
        return self._("`/signon help` — this list")

    def usage_new(self) -> str:
        return self._("`/signon new` — draft a letter and post it to channels")

    def usage_edit(self) -> str:
        return self._("`/signon edit [letter]` — change the text, deadline, channels, lead organizations or reminders")

    def usage_close(self) -> str:
        return self._("`/signon close [letter]` — stop accepting sign-ons")

    def usage_reopen(self) -> str:
        return self._("`/signon reopen [letter]` — accept sign-ons again, with a new deadline if it passed")

    def usage_review(self) -> str:
        return self._("`/signon review [letter]` — possible duplicate organizations to merge or keep apart")

    def usage_export(self) -> str:
        return self._(
            "`/signon export [letter] [text|csv|all|pdf|docx] [en|es]` — the signatory list as the letter prints it, "
            "plus a CSV (headings in English or Spanish; names as signed) and the letter as a DOCX and a PDF; "
            "`pdf` or `docx`: only that document\n"
            "• `/signon export [letter] changes` — what changed since the last export"
        )
