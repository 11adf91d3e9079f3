"""Words of merging two organizations' sign-ons, asked first everywhere, and of undoing a merge."""

from __future__ import annotations

from bot.messages.common import CommonWords


class MergeWords(CommonWords):
    def merge_confirm_title(self) -> str:
        return self._("Merge these organizations?")

    def merge_confirm_text(self, source: str, target: str) -> str:
        return self._(
            "“{source}” will be listed as “{target}”, once; its signer becomes one of its contacts. You can undo it "
            "from /signon review.",
            source=source,
            target=target,
        )

    def merge_yours_confirm_text(self, target: str) -> str:
        return self._(
            "Your sign-on becomes part of “{target}”, listed once, and you one of its contacts. Only a coordinator "
            "can undo it.",
            target=target,
        )

    def merge_it(self) -> str:
        return self._("Merge")

    def recently_merged(self) -> str:
        return self._("*Merged recently* (undoing a merge lists the organization on its own again, as it was)")

    def undo_merge(self) -> str:
        return self._("Undo merge")

    def undo_confirm_title(self) -> str:
        return self._("Undo this merge?")

    def undo_confirm_text(self, source: str, target: str) -> str:
        return self._(
            "“{source}” will be listed on its own again, as it was before it was merged into “{target}”.",
            source=source,
            target=target,
        )

    def unmerged(self, source: str) -> str:
        return self._(
            ":leftwards_arrow_with_hook: Restored {source} as it was: it is listed on its own again.", source=source
        )

    def cannot_unmerge(self) -> str:
        return self._(
            "That merge can no longer be undone: the organization was restored already, or the one it was merged "
            "into is no longer on the letter."
        )

    def notice_restored(self, coordinator: str, title: str) -> str:
        return self._(
            ":leftwards_arrow_with_hook: {coordinator} undid the merge of your organization's sign-on on “{title}”: "
            "it is listed on its own again, as you signed it, and your receipt has Edit and Withdraw again.",
            coordinator=coordinator,
            title=title,
        )
