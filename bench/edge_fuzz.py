"""Hostile requests at the edge: thousands of generated requests against the app as the Procfile serves it.

    python -m bench.edge_fuzz                      # 12,000 requests, SQLite
    python -m bench.edge_fuzz --requests 2000      # quicker
    python -m bench.edge_fuzz --seed 7             # other requests
    python -m bench.edge_fuzz --database-url postgresql://postgres@127.0.0.1:5432/postgres

Kinds, in a fixed random order (seed 13 unless ``--seed``): unsigned bodies (random bytes, JSON, forms, forged or stale
signatures); signed but malformed bodies (not UTF-8, not JSON, 1,000 nested brackets in JSON and in
``payload=``); oversized bodies (2 MB, signed and not); signed envelopes of the right shape with wrong types,
NUL characters, over-long and out-of-range ids (2**31, 2**63), null events and users, in every interaction kind
Slack sends (block_actions, view_submission, view_closed, shortcut, message_action, block_suggestion, events,
slash commands). Every request is a real signed (or deliberately unsigned) HTTP request.

Printed: requests per kind and per answer class, the rate, and the two figures that must be zero — answers of
500 or more, and tracebacks in the app's log. Exits 1 when either is not zero.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode

from bench import common
from bench.common import note, table
from tests.conftest import fresh_database
from tests.e2e.steps import create_letter
from tests.fakeslack import SlackDriver
from tests.fuzz.crafted import block_action, command_body, interaction, signon_state, view_submission

NASTY_STRINGS = [
    "",
    "\x00",
    "U" * 5000,
    "U123\x00ABC",
    "<!channel>",
    "../../etc/passwd",
    "' OR 1=1 --",
    "𝟙𝟚𝟛",
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
]
NASTY_VALUES: list[Any] = [None, 5, -1, 2**31, 2**63, 10**30, 1.5, True, [], {}, ["U1"], {"id": 5}, *NASTY_STRINGS]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


class Generator:
    """Request bodies (bytes, content type, signed?) of every kind, from one seeded random source."""

    def __init__(self, driver: SlackDriver, target: dict[str, Any], seed: int) -> None:
        self.driver = driver
        self.fake = driver.fake
        self.target = target
        self.random = random.Random(seed)

    def nasty(self) -> Any:
        return self.random.choice(NASTY_VALUES)

    def mutate(self, node: Any, depth: int = 0) -> Any:
        """Replace some values of a well-formed payload, anywhere in it, by wrong types or hostile strings."""
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                roll = self.random.random()
                if roll < 0.08:
                    continue
                out[key] = self.nasty() if roll < 0.25 else self.mutate(value, depth + 1)
            return out
        if isinstance(node, list):
            return [self.mutate(item, depth + 1) for item in node if self.random.random() > 0.1]
        return node

    def interaction(self) -> dict[str, Any]:
        users = self.target["users"]
        user = self.random.choice(users)
        letter = self.random.choice([self.target["letter_id"], 2**31, 2**63, 0, -5, "x", None])
        kind = self.random.choice(["button", "submit", "closed", "shortcut", "message_action", "suggestion"])
        if kind == "button":
            action_id = self.random.choice(self.target["action_ids"] + ["", "x" * 300])
            value = self.random.choice([str(letter), f"{letter}:{letter}", f"{letter}:U1", self.nasty()])
            return block_action(self.fake, user, action_id, value, message=(self.target["channel"], "1.000001"))
        if kind == "submit":
            callback = self.random.choice(self.target["callback_ids"])
            metadata = self.random.choice(
                [json.dumps({"l": letter, "sig": letter}), json.dumps({"letter_id": letter}), nested(50), "x"]
            )
            return view_submission(self.fake, user, callback, signon_state(), metadata)
        body = interaction(self.fake, {"closed": "view_closed", "suggestion": "block_suggestion"}.get(kind, kind), user)
        return body

    def event(self) -> dict[str, Any]:
        event: Any = self.random.choice(
            [
                None,
                "x",
                5,
                {"type": "app_home_opened", "user": self.nasty(), "tab": self.nasty()},
                {"type": self.nasty()},
                {"type": "member_joined_channel", "user": self.nasty(), "channel": self.nasty()},
            ]
        )
        return {
            "type": "event_callback",
            "team_id": self.random.choice([self.fake.team_id, self.nasty()]),
            "api_app_id": self.fake.app_id,
            "event": event,
            "event_id": self.random.choice(["Ev1", self.nasty()]),
            "event_time": self.random.choice([1, self.nasty()]),
            "authorizations": self.random.choice([None, "x", [5], [{"team_id": self.nasty()}]]),
        }

    def one(self) -> tuple[str, bytes, str, bool]:
        """(kind, body, content type, signed)."""
        roll = self.random.random()
        form = "application/x-www-form-urlencoded"
        if roll < 0.15:
            body = self.random.choice(
                [self.random.randbytes(self.random.randint(0, 400)), b"{}", nested(1000).encode(), b"payload=%7B%7D"]
            )
            return "unsigned", body, self.random.choice([form, "application/json", "text/plain"]), False
        if roll < 0.25:
            choice = self.random.choice(
                [
                    b"\xff\xfe garbage",
                    nested(1000).encode(),
                    ("payload=" + nested(1000)).encode(),
                    b'{"type": ',
                    b"[1, 2]",
                    b"payload=%FF",
                ]
            )
            return "signed malformed", choice, self.random.choice([form, "application/json"]), True
        if roll < 0.253:
            return "oversized", b"payload=" + b"x" * 2_000_000, form, self.random.random() < 0.5
        if roll < 0.45:
            return "events", json.dumps(self.event()).encode(), "application/json", True
        if roll < 0.6:
            text = self.random.choice(["help", "", "list", "status", "withdraw", "export 1", "new", str(2**63)])
            body = command_body(self.fake, self.random.choice(self.target["users"]), text, self.target["channel"])
            if self.random.random() < 0.5:
                body = urlencode(self.mutate(dict(pair.split("=", 1) for pair in body.split("&") if "=" in pair)))
            return "slash commands", body.encode(), form, True
        payload = self.mutate(self.interaction())
        return "interactions", urlencode({"payload": json.dumps(payload)}).encode(), form, True

    def stream(self, count: int) -> Iterator[tuple[str, bytes, str, bool]]:
        for _ in range(count):
            yield self.one()


def send(driver: SlackDriver, request: tuple[str, bytes, str, bool]) -> tuple[str, int]:
    kind, body, content_type, signed = request
    signature = None if signed else "v0=" + "0" * 64
    try:
        response = driver.send_raw(body, content_type=content_type, signature=signature)
    except OSError:  # the server closed an oversized request early: no status to count
        return kind, 413
    return kind, response.status


def run(requests: int, database_url: str | None, clients: int, seed: int = 13) -> int:
    with common.workspace() as ws, fresh_database(ws.directory, prefix="signon_fuzz") as url:
        if database_url:
            ws.database_url = url
        app = ws.start_app({"WEB_CONCURRENCY": "1"})
        letter_id = create_letter(app, ws.coalition)
        from bot import ids

        target = {
            "users": [*ws.coalition.members, ws.coalition.coordinator, ws.coalition.external],
            "letter_id": letter_id,
            "channel": ws.coalition.public,
            "action_ids": [v for k, v in vars(ids).items() if k.isupper() and isinstance(v, str) and "_" in v],
            "callback_ids": [ids.SIGNON_MODAL, ids.SIGNON_EDIT_MODAL, ids.LETTER_EDIT_MODAL, ids.WITHDRAW_MODAL, "x"],
        }
        generator = Generator(app.driver, target, seed=seed)
        answers: Counter[tuple[str, str]] = Counter()
        started = time.monotonic()
        work: Callable[[tuple[str, bytes, str, bool]], tuple[str, int]] = lambda r: send(app.driver, r)  # noqa: E731
        with ThreadPoolExecutor(clients) as pool:
            for kind, status in pool.map(work, generator.stream(requests)):
                answers[(kind, f"{status // 100}xx")] += 1
        elapsed = time.monotonic() - started
        logs = app.process.logs()
    kinds = sorted({kind for kind, _ in answers})
    classes = sorted({cls for _, cls in answers})
    rows = [[kind, *[answers[(kind, cls)] for cls in classes]] for kind in kinds]
    print(table(rows, ["kind", *classes]))
    server_errors = sum(count for (kind, cls), count in answers.items() if cls == "5xx")
    tracebacks = logs.count("Traceback")
    total = sum(answers.values())
    database = "PostgreSQL" if database_url else "SQLite"
    print(f"\n{total:,} requests in {elapsed:.1f} s ({total / elapsed:.0f}/s); database {database}")
    print(f"answers of 500 or more: {server_errors}; tracebacks in the app's log: {tracebacks}")
    note("oversized bodies are refused with 413 before they are read; unsigned ones with 401")
    for summary, count in _tracebacks(logs).most_common(10):
        print(f"  {count} x {summary}")
    return 1 if server_errors or tracebacks else 0


def _tracebacks(logs: str) -> Counter[str]:
    """Each traceback in the log by its innermost frame and its exception line."""
    found: Counter[str] = Counter()
    for block in logs.split("Traceback (most recent call last):")[1:]:
        lines = [line for line in block.splitlines() if line.strip()]
        frames = [line.strip() for line in lines if line.strip().startswith("File ")]
        error = next((line for line in lines if not line.startswith((" ", "\t")) and ":" in line), "?")
        found[f"{frames[-1] if frames else '?'}: {error[:200]}"] += 1
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=12_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seed", type=int, default=13, help="another seed, other requests")
    parser.add_argument("--database-url", help="a PostgreSQL admin URL (a fresh database is made and dropped)")
    args = parser.parse_args()
    if args.database_url:
        import os

        os.environ["TEST_DATABASE_URL"] = args.database_url
        import tests.conftest as harness

        harness.TEST_DATABASE_URL = args.database_url
    common.print_machine()
    sys.exit(run(args.requests, args.database_url, args.clients, args.seed))


if __name__ == "__main__":
    main()
