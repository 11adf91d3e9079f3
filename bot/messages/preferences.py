"""Words of choosing the language signon speaks: ``/signon language`` and the selector on App Home."""

from __future__ import annotations

from collections.abc import Sequence

from bot.messages.common import CommonWords


class PreferenceWords(CommonWords):
    def language_heading(self) -> str:
        return self._(":globe_with_meridians: *Language*")

    def language_explained(self) -> str:
        return self._("The language signon uses with you. Automatic follows your Slack language.")

    def language_automatic(self) -> str:
        return self._("Automatic (your Slack language)")

    def language_chosen(self) -> str:
        """Said in the language just chosen, so the person sees at once that it worked."""
        return self._(
            ":white_check_mark: From now on signon speaks to you in {language}. `/signon language auto` goes back "
            "to your Slack language.",
            language=self.language_name(self.language),
        )

    def language_follows_slack(self) -> str:
        return self._(
            ":white_check_mark: signon follows your Slack language again: {language}.",
            language=self.language_name(self.language),
        )

    def language_current(self, *, chosen: bool, codes: Sequence[str]) -> str:
        """``/signon language`` with nothing after it: what applies now, and how to change it."""
        choices = ", ".join(f"`/signon language {code}`" for code in codes)
        if chosen:
            current = self._(
                "signon speaks to you in {language}, as you chose.", language=self.language_name(self.language)
            )
        else:
            current = self._(
                "signon speaks to you in {language}, your Slack language.", language=self.language_name(self.language)
            )
        return self._(
            "{current}\nTo change it: {choices} or `/signon language auto` (your Slack language), or the selector "
            "on the app's Home tab.",
            current=current,
            choices=choices,
        )

    def language_unknown(self, word: str, codes: Sequence[str]) -> str:
        listed = ", ".join(f"`{code}` ({self.own_language_name(code)})" for code in codes)
        return self._(
            "signon doesn't speak “{word}”. It speaks {languages}; `auto` follows your Slack language.",
            word=word,
            languages=listed,
        )

    def usage_language(self) -> str:
        return self._("`/signon language es|en|auto` — the language signon speaks to you (auto: your Slack language)")
