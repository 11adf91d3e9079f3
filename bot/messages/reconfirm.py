"""Words of re-confirmation after a substantive change: what happens if a signer does nothing, how many have not
confirmed the current version, and the coordinators' reminder to them."""

from __future__ import annotations

from bot.messages.common import CommonWords


class ReconfirmWords(CommonWords):
    def reconfirm_if_nothing(self, signed: int, version: int, deadline: str) -> str:
        return self._(
            "If you do nothing, your organization stays on the letter as having signed version {signed}. Sign-ons "
            "close {deadline}: until then, keep your signature to confirm version {version}, or withdraw it.",
            signed=signed,
            version=version,
            deadline=deadline,
        )

    def reconfirm_reminder(self) -> str:
        return self._(":bell: *Reminder:* the coordinators ask you to confirm your signature on the new version.")

    def reconfirm_reminder_notification(self, title: str) -> str:
        return self._("Reminder: {title} changed; please confirm your signature", title=title)

    def not_confirmed(self, count: int, version: int) -> str:
        return self._n(
            ":hourglass: {count} signer has not confirmed version {version} yet.",
            ":hourglass: {count} signers have not confirmed version {version} yet.",
            count,
            version=version,
        )

    def remind_them(self) -> str:
        return self._("Remind them")

    def remind_confirm_title(self) -> str:
        return self._("Send a reminder?")

    def remind_confirm_text(self, count: int, version: int) -> str:
        return self._n(
            "{count} signer who has not confirmed version {version} gets one reminder DM.",
            "{count} signers who have not confirmed version {version} each get one reminder DM.",
            count,
            version=version,
        )

    def send_reminder(self) -> str:
        return self._("Send reminder")

    def reminding(self, count: int, version: int) -> str:
        return self._n(
            ":bell: Reminding {count} signer to confirm version {version}: one DM, once.",
            ":bell: Reminding {count} signers to confirm version {version}: one DM each, once.",
            count,
            version=version,
        )

    def nobody_to_remind(self, version: int) -> str:
        return self._("Every signer has confirmed version {version}: there is nobody to remind.", version=version)

    def closed_nobody_to_remind(self, letter_id: int) -> str:
        return self._(
            "Letter #{id} is closed, so signers can no longer confirm it: nobody was reminded. `/signon reopen {id}` "
            "opens it again.",
            id=letter_id,
        )

    def already_reminded(self) -> str:
        return self._("That reminder already went out; nothing was sent twice.")

    def usage_remind(self) -> str:
        return self._("`/signon remind [letter]` — remind the signers who have not confirmed the current version")
