"""Delivery thanks: a letter of N signatories is delivered and every signer is thanked with the PDF.

    python -m bench.delivery                # 193 signers (the seed letter's size), Slack's limits as modeled
    python -m bench.delivery --signers 500
    python -m bench.delivery --rate 5       # SIGNON_THANKS_RATE=5 per process (default: the setting's 1.5)

The app runs as the Procfile runs it (``python -m bot web``, 2 workers, each running the background jobs) against
the fake Slack with its rate-limit tiers on (files.getUploadURLExternal and files.completeUploadExternal are
Tier 4, about 100 a minute). Setup (not timed): the signatories are inserted in bulk, each with its own Slack
member. Timed: from the coordinator's delivery submission to the last thanks recorded as sent. Reported: the
time, thanks per minute, the 429s the app got, and a check that every signer has exactly one thanks DM and one PDF.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time

from slack_sdk import WebClient
from sqlalchemy import func, select

from bench import common
from bench.common import note
from tests.e2e.steps import create_letter, db_session, wait_for_modal


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signers", type=int, default=193)
    parser.add_argument("--rate", type=float, default=None, help="SIGNON_THANKS_RATE")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument(
        "--no-receipts",
        action="store_true",
        help="as if nobody had a receipt DM yet (every thanks opens its DM with conversations.open, Tier 3)",
    )
    args = parser.parse_args()

    from bot import ids
    from db.models import Signatory, SignerMessage
    from tests.harness import BOT_TOKEN

    common.print_machine()
    with common.workspace(rate_limits=True) as ws:
        fake = ws.fake
        env = {"SIGNON_THANKS_RATE": f"{args.rate:g}"} if args.rate else {}
        app = ws.start_app(env)
        letter_id = create_letter(app, ws.coalition, leads="Detention Watch Network")
        people = common.add_users(fake, args.signers, "signer")
        common.bulk_insert_signatories(ws.database_url, letter_id, common.org_names(args.signers), signers=people)
        if not args.no_receipts:
            # Signers who signed in Slack got a receipt in their DM with the bot, which the thanks reuse.
            client = WebClient(token=BOT_TOKEN, base_url=fake.api_url)
            with db_session(ws.database_url) as session:
                for signatory in session.execute(select(Signatory).where(Signatory.letter_id == letter_id)).scalars():
                    dm = client.conversations_open(users=signatory.signer_user_id)["channel"]["id"]
                    signatory.receipt_channel, signatory.receipt_status = dm, "sent"
                    time.sleep(1.3)  # conversations.open is Tier 3 in the fake too (setup, not timed)
                session.commit()
        coordinator = ws.coalition.coordinator
        app.driver.slash_command(coordinator, "/signon", f"delivered {letter_id}", channel_id=ws.coalition.public)
        wait_for_modal(fake, coordinator, ids.DELIVERY_MODAL)
        fake.reset_calls()
        started = time.monotonic()
        values = {
            ids.DELIVERED_TO_BLOCK: {ids.DELIVERED_TO_INPUT: "The President and the Secretary of Homeland Security"},
            ids.DELIVERY_METHOD_BLOCK: {ids.DELIVERY_METHOD_INPUT: "email"},
        }
        response = app.driver.submit_view(coordinator, values=values)
        assert response.ok and not response.errors, response.errors
        acked = time.monotonic() - started

        def sent() -> int:
            with db_session(ws.database_url) as session:
                return int(
                    session.execute(
                        select(func.count(SignerMessage.id)).where(SignerMessage.status.in_(("sent", "failed")))
                    ).scalar_one()
                )

        deadline = started + args.timeout
        while sent() < args.signers and time.monotonic() < deadline:
            time.sleep(0.5)
        elapsed = time.monotonic() - started
        done = sent()
        calls = fake.calls()
        limited = collections.Counter(c.method for c in calls if c.status == 429)
        thanks = [m for who in people for m in fake.dm_messages(who) if "Thank you for signing" in str(m.get("blocks"))]
        per_person = collections.Counter(m["channel"] for m in thanks)
        pdfs = collections.Counter(
            ch
            for f in fake.files()
            if f.get("completed") and f["filename"].endswith("-delivered.pdf")
            for ch in f["channels"]
        )
        note(f"signers: {args.signers}; delivery acknowledged in {acked * 1000:.0f} ms")
        note(f"thanks sent: {done} in {elapsed:.1f} s ({done / elapsed * 60:.0f} a minute)")
        note(f"429s received: {sum(limited.values())} {dict(limited) or ''}")
        note(
            f"thanks DMs per person: max {max(per_person.values(), default=0)}, people thanked {len(per_person)}; "
            f"PDFs per DM: max {max(pdfs.values(), default=0)}, DMs with a PDF {len(pdfs)}"
        )
        ok = done == args.signers and len(per_person) == args.signers and set(per_person.values()) == {1}
        ok = ok and set(pdfs.values()) == {1} and len(pdfs) == args.signers
        note("every signer thanked exactly once, with one PDF" if ok else "NOT every signer thanked exactly once")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
