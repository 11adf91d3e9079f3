"""Words of a receipt that is kept current (withdrawn, removed, merged), of the notice a signer gets when a
coordinator changes their sign-on, and of an old button's truthful answer."""

from __future__ import annotations

from bot.messages.common import CommonWords


class ReceiptWords(CommonWords):
    # -- a receipt whose sign-on is no longer on the letter -----------------------------------------

    def receipt_withdrawn_heading(self) -> str:
        return self._("Withdrawn")

    def receipt_removed_heading(self) -> str:
        return self._("Removed by a coordinator")

    def receipt_merged_heading(self) -> str:
        return self._("Merged into another organization")

    def receipt_gone_heading(self, heading: str, title: str) -> str:
        return self._(":no_entry_sign: *{heading}:* {title}", heading=heading, title=title)

    def receipt_state_withdrawn(self, when: str) -> str:
        return self._(
            "Withdrawn on {when}: this organization is no longer on the letter. Edit and Withdraw no longer apply; "
            "you can sign again with /signon while the letter is open.",
            when=when,
        )

    def receipt_state_removed(self, when: str) -> str:
        return self._(
            "A coordinator removed this organization from the letter on {when}. Edit and Withdraw no longer apply; "
            "if this is a mistake, ask the letter's coordinators.",
            when=when,
        )

    def receipt_state_merged(self, when: str) -> str:
        return self._(
            "Merged on {when} into the organization below, which is listed once on the letter; you are recorded as "
            "one of its contacts. Edit and Withdraw no longer apply to this sign-on.",
            when=when,
        )

    # -- the notice a signer gets when a coordinator changed their sign-on --------------------------

    def notice_merged(self, coordinator: str, title: str) -> str:
        return self._(
            ":link: {coordinator} merged your organization's sign-on on “{title}” into another organization's, "
            "which is listed once, under its name. You are recorded as one of its contacts.",
            coordinator=coordinator,
            title=title,
        )

    def notice_merged_names(self, org_name: str, into: str) -> str:
        return self._("{org_name} → {into}", org_name=org_name, into=into)

    def notice_removed(self, coordinator: str, title: str) -> str:
        return self._(
            ":wastebasket: {coordinator} removed your organization's sign-on from “{title}”: it is no longer on "
            "the letter. If this is a mistake, ask them.",
            coordinator=coordinator,
            title=title,
        )

    # -- an old button's answer ---------------------------------------------------------------------

    def already_withdrawn(self, org_name: str, title: str) -> str:
        return self._(
            "{org_name} already withdrew from “{title}”: nothing was changed.", org_name=org_name, title=title
        )

    def already_removed(self, org_name: str, title: str) -> str:
        return self._(
            "A coordinator removed {org_name} from “{title}”: nothing was changed. If this is a mistake, ask the "
            "letter's coordinators.",
            org_name=org_name,
            title=title,
        )

    def already_merged(self, org_name: str, into: str) -> str:
        return self._(
            ":link: Merged: {org_name} is now part of {into}, which is listed once on the letter; nothing was "
            "changed. To change what is listed, ask the letter's coordinators.",
            org_name=org_name,
            into=into,
        )
