"""The background jobs, one line each: what runs every few seconds in every process.

Each job derives its work from the database and claims every piece before any side effect (the pattern is in
bot/delivery/claim.py), so any number of processes can run them and every message goes out once.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.delivery import digests, exports, letters, posts, receipts, refreshes, reminders, thanks, web_emails
from bot.flows import home
from bot.runtime import Runtime


def background_jobs(runtime: Runtime) -> dict[str, tuple[Callable[[], None], float]]:
    """Each job by name, with how often it runs (seconds)."""
    poll = runtime.settings.poll_seconds
    # Check for due digests often enough that one is never more than a quarter interval late.
    digest_check = max(poll, min(30.0, runtime.settings.digest_interval.total_seconds() / 4))
    return {
        "letters": (lambda: letters.deliver_letter_changes(runtime), poll),
        "posts": (lambda: posts.refresh_every_post(runtime), max(1.0, poll / 2)),
        "reminders": (lambda: reminders.deliver_reminders(runtime), poll),
        "receipts": (lambda: receipts.deliver_receipts(runtime), poll),
        "receipt_refreshes": (lambda: refreshes.keep_receipts_true(runtime), poll),
        "exports": (lambda: exports.deliver_exports(runtime), poll),
        # As the thanks go out, the coordinators' Home tabs count along.
        "thanks": (
            lambda: thanks.deliver_signer_messages(runtime, lambda ids: home.republish_for_letters(runtime, ids)),
            poll,
        ),
        "web_emails": (lambda: web_emails.deliver_web_emails(runtime), poll),
        "signon_digests": (lambda: digests.deliver_signon_digests(runtime), digest_check),
    }
