"""Reminder fan-out: one reminder run for a letter posted in a channel of 5,000 members, rate limits on.

    python -m bench.reminder_fanout              # 5,000 members, Slack's limits as the fake models them
    python -m bench.reminder_fanout --quick      # 1,000 members
    python -m bench.reminder_fanout --scale 10   # every limit 10x more permissive (shorter run)

The app runs as the Procfile runs it (``python -m bot web``: 2 workers, each running the background
jobs, polling every 2 s), except that quiet hours are off (``SIGNON_QUIET_HOURS=off``), so that nobody's
reminder is moved to the next morning by the time of day the benchmark happens to run. The fake Slack
enforces its rate-limit tiers (``FakeSlack(rate_limits=True)``, scale printed).

Setup (not timed): a coordinator posts a letter with one reminder (24h before the deadline) to a channel
of 5,000 members. Timed: the run is made due (``reminder_runs.due_at = now``, as
tests/e2e/test_reminders.py does) and the ``reminder_deliveries`` table is watched until every delivery
is final. Reported: time to plan (delivery rows written), to the first and the last DM, the rate-limit
floor of this workload under the fake's limits (computed from tests/fakeslack/ratelimit.py: the
conversations.members and users.list pages the app must fetch, and chat.postMessage's limits) and the
ratio, the 429s the app received, and a check that nobody got two DMs.
"""

from __future__ import annotations

import argparse
import collections
import math
import sys
import time
from datetime import UTC, datetime

from sqlalchemy import func, select, update

from bench import common
from bench.common import RssSampler, mb, note, table
from bench.signon_burst import start_profiler, stop_profiler, summarize_profile
from tests.e2e.steps import create_letter, db_session, local_deadline
from tests.fakeslack import ratelimit

# What the app asks for per page (bot/services/reminders.channel_members, bot/services/users.refresh_profiles).
MEMBERS_PAGE = 1000
USERS_PAGE = 200
SEND_WORKERS_PER_PROCESS = 4  # bot/delivery/reminders.SEND_WORKERS


def calls_floor(method: str, calls: int, scale: float) -> float:
    """Seconds the fake's token bucket for ``method`` needs to let ``calls`` calls through, starting full."""
    tier = ratelimit.METHOD_TIERS.get(method, 3)
    per_minute = ratelimit.TIER_PER_MINUTE[tier] if isinstance(tier, int) else float(tier)
    capacity = max(1.0, max(1.0, per_minute) * scale)
    rate = per_minute * scale / 60.0
    return max(0.0, calls - capacity) / rate


def floor_report(members: int, team_users: int, dms: int, scale: float) -> tuple[float, list[list[str]]]:
    member_pages = max(1, math.ceil(members / MEMBERS_PAGE))
    user_pages = max(1, math.ceil(team_users / USERS_PAGE))
    members_s = calls_floor("conversations.members", member_pages, scale)
    users_s = calls_floor("users.list", user_pages, scale)
    # chat.postMessage: one bucket per channel (1/s, burst 3); every DM goes to a different person's DM
    # channel, so none of them waits. The fake models no workspace-wide chat.postMessage limit.
    per_channel = ratelimit.POST_MESSAGE_PER_CHANNEL_PER_MINUTE * scale / 60
    burst = max(1.0, ratelimit.POST_MESSAGE_PER_CHANNEL_BURST * scale)
    post_s = max(0.0, 1 - burst) / per_channel
    rows = [
        [
            "conversations.members",
            f"{member_pages} page(s) of {MEMBERS_PAGE}",
            f"Tier 4: {100 * scale:g}/min, burst {max(1.0, 100 * scale):g}",
            f"{members_s:.1f} s",
        ],
        [
            "users.list",
            f"{user_pages} pages of {USERS_PAGE} ({team_users:,} users)",
            f"Tier 2: {20 * scale:g}/min, burst {max(1.0, 20 * scale):g}",
            f"{users_s:.1f} s",
        ],
        [
            "chat.postMessage",
            f"{dms:,} DMs, 1 per DM channel",
            f"{ratelimit.POST_MESSAGE_PER_CHANNEL_PER_MINUTE * scale:g}/min per channel, burst {burst:g}; "
            "no workspace-wide limit in the fake",
            f"{post_s:.1f} s",
        ],
    ]
    # Planning lists the members, then the profiles (users.list), then the DMs can go out.
    return members_s + users_s + post_s, rows


def delivery_counts(database_url: str, letter_id: int) -> collections.Counter[str]:
    from db.models import ReminderDelivery

    with db_session(database_url) as session:
        return collections.Counter(
            dict(
                session.execute(
                    select(ReminderDelivery.status, func.count())
                    .where(ReminderDelivery.letter_id == letter_id)
                    .group_by(ReminderDelivery.status)
                ).all()
            )
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="1,000 members instead of 5,000")
    parser.add_argument("--members", type=int, default=None)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="FakeSlack.rate_limit_scale (default 1: the real tiers)"
    )
    parser.add_argument(
        "--signed", type=int, default=0, help="this many members have already signed (each reminder checks them)"
    )
    parser.add_argument("--timeout", type=float, default=420.0)
    parser.add_argument("--profile", action="store_true", help="sample the app's CPU with py-spy meanwhile")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--no-wait", action="store_true", help="do not wait for other processes to go quiet")
    args = parser.parse_args()
    count = args.members or (1000 if args.quick else 5000)

    from db.models import ReminderRun

    common.print_machine()
    with common.workspace(rate_limits=True, rate_limit_scale=args.scale, keep=args.keep) as ws:
        fake = ws.fake
        app = ws.start_app({"SIGNON_QUIET_HOURS": "off"})
        channel = ws.coalition.public
        existing = len(fake.channel_members(channel))
        crowd = common.add_users(fake, count - existing, "member", channel)
        letter_id = create_letter(app, ws.coalition, reminders="24h", deadline=local_deadline(days=5))
        if args.signed:
            signers = crowd[: args.signed]
            common.bulk_insert_signatories(ws.database_url, letter_id, common.org_names(len(signers)), signers=signers)
        members = fake.channel_members(channel)
        signed = set(crowd[: args.signed])
        expected = set()
        for user_id in members:
            if user_id in signed:
                continue
            user = fake.user(user_id)
            if user_id != fake.bot_user_id and not user.get("is_bot") and not user.get("deleted"):
                expected.add(user_id)
        team_users = sum(
            1
            for u in fake.state.users.values()
            if (u.team_id == fake.team_id or u.id == "USLACKBOT") and not u.is_stranger
        )
        common.heading(
            f"Reminder fan-out: {len(members):,} channel members, {args.signed:,} of them signed, rate limits on "
            f"(rate_limit_scale {args.scale:g})"
        )
        note(
            f"app: python -m bot web, {common.procfile_defaults()['WEB_CONCURRENCY']} workers, jobs every "
            f"{common.procfile_defaults()['SIGNON_POLL_SECONDS']} s, SIGNON_QUIET_HOURS=off"
        )
        if not args.no_wait:
            note(common.wait_for_quiet_machine(max_wait=120))
        fake.reset_calls()
        assert app.process.process is not None
        profiler = start_profiler(app.process.process.pid, ws.directory) if args.profile else None
        timeline: dict[str, float] = {}
        counts: collections.Counter[str] = collections.Counter()
        with common.CpuAccount(app.process.process.pid) as account, RssSampler(app.process.process.pid) as sampler:
            started = time.monotonic()
            with db_session(ws.database_url) as session:
                session.execute(
                    update(ReminderRun)
                    .where(ReminderRun.letter_id == letter_id, ReminderRun.offset_seconds == 86400)
                    .values(due_at=datetime.now(UTC))
                )
                session.commit()
            deadline = started + args.timeout
            planned = None
            while time.monotonic() < deadline:
                now = time.monotonic() - started
                if planned is None:
                    with db_session(ws.database_url) as session:
                        run = session.execute(
                            select(ReminderRun.status, ReminderRun.planned_count).where(
                                ReminderRun.letter_id == letter_id, ReminderRun.offset_seconds == 86400
                            )
                        ).one()
                    if run.planned_count is not None and run.status in ("sending", "done"):
                        planned = run.planned_count
                        timeline["planned"] = now
                counts = delivery_counts(ws.database_url, letter_id)
                if "first_dm" not in timeline and counts.get("sent"):
                    timeline["first_dm"] = now
                final = sum(v for k, v in counts.items() if k not in ("pending", "claimed"))
                if planned is not None and final >= planned:
                    timeline["all_final"] = now
                    break
                time.sleep(0.1)
        profile = stop_profiler(profiler) if profiler is not None else None
        if "all_final" not in timeline:
            note(f"TIMED OUT after {args.timeout:.0f} s: deliveries {dict(counts)}")

        calls = fake.calls()
        reminders = [
            c for c in calls if c.method == "chat.postMessage" and "Reminder:" in str(c.params.get("text", ""))
        ]
        accepted = collections.Counter(c.params.get("channel") for c in reminders if c.status == 200)
        limited = collections.Counter(c.method for c in calls if c.status == 429)
        by_method = collections.Counter(c.method for c in calls)
        last_dm = max((c.time for c in reminders if c.status == 200), default=None)
        del last_dm
        elapsed = timeline.get("all_final", float("nan"))
        floor, floor_rows = floor_report(len(members), team_users, planned or len(expected), args.scale)

        common.heading("Time from due to every delivery final")
        rows = [
            ["delivery rows planned", f"{timeline.get('planned', float('nan')):.1f} s"],
            ["first DM sent", f"{timeline.get('first_dm', float('nan')):.1f} s"],
            ["every delivery final", f"{elapsed:.1f} s"],
            [
                "DMs per second (planned -> final)",
                f"{len(accepted) / max(1e-9, elapsed - timeline.get('planned', 0)):.0f}/s",
            ],
            ["rate-limit floor (fake's limits)", f"{floor:.1f} s"],
            ["measured / floor", f"{elapsed / floor:.1f}x" if floor > 0 else "floor is 0 s"],
            ["peak RSS, master + workers", mb(sampler.peak_total_kib)],
            ["app CPU", f"{account.app:.1f} s"],
        ]
        print(table(rows, ["", "value"]))
        note(
            "the floor counts only the waits the fake's token buckets impose, starting full; the job's poll "
            f"interval ({common.procfile_defaults()['SIGNON_POLL_SECONDS']} s) and the app's own work come on top"
        )
        common.heading("Rate-limit floor, method by method")
        print(table(floor_rows, ["method", "calls", "limit (scaled)", "floor"]))
        common.heading("Correctness")
        twice = [user for user, n in accepted.items() if n > 1]
        note(f"deliveries: {dict(counts)}")
        reminded_signers = set(accepted) & signed
        note(
            f"reminded {len(accepted):,} people ({counts.get('sent', 0):,} deliveries marked sent); "
            f"{'nobody got two DMs' if not twice else f'{len(twice)} people got more than one DM: {twice[:5]}'}; "
            f"{len(reminded_signers)} signer(s) reminded"
        )
        if not args.signed:
            note(
                f"expected {len(expected):,} (members minus the bot, bots and deactivated people): "
                f"missing {len(expected - set(accepted))}, unexpected {len(set(accepted) - expected)}"
            )
        note(f"429s received: {sum(limited.values())} {dict(limited) or ''}")
        note(f"Web API calls during the run: {dict(by_method)}")
        note(account.describe())
        note(common.app_log_problems(app))
        note(f"fake Slack violations: {len(fake.violations)}")
        if profile is not None and profile.exists():
            common.heading("Where the app's CPU goes during the fan-out (py-spy --gil, as in bench.signon_burst)")
            summarize_profile(profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
