"""The HTTP edge, end to end against the real app process as the Procfile serves it: what an attacker on the
open internet can send before any signature is known.

Unsigned requests never reach a parser that can fail (401); signed but malformed bodies are 400, never 500;
bodies are bounded in size (413, however they are framed) without the server reading or keeping them; and
clients that send slowly or not at all are cut off within seconds while real sign-ons go on being
acknowledged inside Slack's 3 s.
"""

from __future__ import annotations

import json
import os
import select
import socket
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import Coalition, RunningApp
from tests.e2e.steps import create_letter, post_of, signatories, signon_values, wait_for_modal
from tests.fakeslack import DriverResponse, signature
from tests.fuzz.crafted import command_body
from tests.harness import SIGNING_SECRET

NESTED = b"[" * 1000 + b"]" * 1000
MIB = 1024 * 1024


def _nested_bodies() -> list[tuple[str, bytes, str]]:
    return [
        ("json", NESTED, "application/json"),
        ("form payload", b"payload=" + quote(NESTED.decode()).encode(), "application/x-www-form-urlencoded"),
        ("form payload, not escaped", b"payload=" + NESTED, "application/x-www-form-urlencoded"),
    ]


def post(app: RunningApp, body: bytes, content_type: str, headers: dict[str, str]) -> DriverResponse:
    """POST exactly these headers (no signature unless given)."""
    return app.driver._http_post(app.process.url, body, content_type, headers)


def assert_clean_log(app: RunningApp) -> None:
    logs = app.process.logs()
    assert "Traceback" not in logs and "RecursionError" not in logs, logs[-3000:]
    assert "Internal Server Error" not in logs and "Exception in ASGI application" not in logs, logs[-3000:]
    assert '"POST /slack/events HTTP/1.1"' not in logs, "access-log lines in the app's log"


def process_group_rss_kib(pgid: int) -> int:
    """Resident memory of every process in the app's process group (gunicorn's master and its workers)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            # The fields after the command name (which may hold spaces) start with state, ppid, pgrp.
            if int(stat.rsplit(")", 1)[1].split()[2]) != pgid:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue  # the process ended meanwhile
    return total


# ---------------------------------------------------------------------------------------------------
# Parsers are reached only by signed bodies, and cannot fail
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("what", "body", "content_type"), _nested_bodies(), ids=lambda v: str(v)[:30])
def test_deeply_nested_unsigned_bodies_get_401(app: RunningApp, what: str, body: bytes, content_type: str) -> None:
    now = str(int(time.time()))
    for headers in (
        {},
        {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": signature("not-the-secret", now, body)},
    ):
        response = post(app, body, content_type, headers)
        assert response.status == 401, (what, response.status, response.body[:300])
        assert response.json == {"error": "invalid request"}
    assert_clean_log(app)


@pytest.mark.parametrize(("what", "body", "content_type"), _nested_bodies(), ids=lambda v: str(v)[:30])
def test_deeply_nested_signed_bodies_get_400(app: RunningApp, what: str, body: bytes, content_type: str) -> None:
    response = app.driver.send_raw(body, content_type)
    assert response.status == 400, (what, response.status, response.body[:300])
    assert_clean_log(app)


def test_signed_bodies_nested_past_the_limit_get_400(app: RunningApp, coalition: Coalition) -> None:
    """Nested well within Python's recursion limit, yet deeper than anything Slack sends, inside an otherwise
    well-formed envelope."""
    deep: object = "x"
    for _ in range(100):
        deep = {"d": deep}
    payload = {
        "type": "block_actions",
        "user": {"id": coalition.members[0]},
        "team": {"id": "T0HOME"},
        "trigger_id": "1.2.3",
        "actions": [{"action_id": "sign_on", "value": "1"}],
        "state": {"values": deep},
    }
    response = app.driver.send_raw("payload=" + quote(json.dumps(payload)))
    assert response.status == 400, (response.status, response.body[:300])
    assert_clean_log(app)


def test_signed_body_that_is_not_utf8_gets_400(app: RunningApp) -> None:
    for body, content_type in (
        (b"command=%2Fsignon&text=\xff\xfe&user_id=U1&trigger_id=1.2.3", "application/x-www-form-urlencoded"),
        (b'{"type": "event_callback", "x": "\xc3\x28"}', "application/json"),
    ):
        response = app.driver.send_raw(body, content_type)  # signed over the raw bytes, as Slack signs
        assert response.status == 400, (body, response.status, response.body[:300])
        unsigned = post(app, body, content_type, {})
        assert unsigned.status == 401, (body, unsigned.status)
    assert_clean_log(app)


def test_timestamps_that_are_not_fresh_unix_seconds_get_401(app: RunningApp, coalition: Coalition) -> None:
    body = command_body(app.fake, coalition.members[0], "help", coalition.public).encode()
    now = int(time.time())
    # Superscript digits are digits to str.isdigit() but not to int(); 5,000 digits are more than int() reads.
    for timestamp in ("yesterday", "", f"{now}.5", "1e9", "\u00b9\u00b2\u00b3", "-1", "9" * 20, "9" * 5000):
        headers = {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature(SIGNING_SECRET, now, body)}
        response = post(app, body, "application/x-www-form-urlencoded", headers)
        assert response.status == 401, (timestamp[:30], response.status, response.body[:300])
    # A genuine signature, replayed more than 5 minutes later (or earlier); 330 s leaves the server's clock 30 s
    # to move on before it checks, on a loaded machine.
    for age in (330, 3600):
        for then in (now - age, now + age):
            assert app.driver.send_raw(body, timestamp=then).status == 401, then
    # A signature header that is not ASCII (Python's constant-time compare refuses non-ASCII text).
    response = app.driver.send_raw(body, signature="v0=\u00ff" + "0" * 63)
    assert response.status == 401, (response.status, response.body[:300])
    assert app.driver.send_raw(body).status == 200  # the same request, signed now
    assert_clean_log(app)


# ---------------------------------------------------------------------------------------------------
# Body size
# ---------------------------------------------------------------------------------------------------


def send_large(port: int, head: bytes, body_chunks: list[bytes], timeout: float = 10.0) -> tuple[bytes, float]:
    """Send ``head`` then the body piece by piece, stopping as soon as the server answers; return (answer, s).

    The server may answer before the body is sent and then close the connection; a reset while sending is
    what a client gets from a server that refused to read on.
    """
    started = time.monotonic()
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head)
        pending = list(body_chunks)
        while time.monotonic() - started < timeout:
            readable, writable, _ = select.select([sock], [sock] if pending else [], [], 0.5)
            if readable:
                try:
                    data = sock.recv(65536)
                except ConnectionResetError:
                    break
                if not data:
                    break
                answer += data
                pending = []  # the server has answered: a client stops sending
                continue
            if writable and pending:
                try:
                    sock.sendall(pending.pop(0))
                except (BrokenPipeError, ConnectionResetError):
                    pending = []
    return answer, time.monotonic() - started


def _signed_head(body_length: int | None, body_for_signature: bytes = b"") -> bytes:
    now = str(int(time.time()))
    framing = f"Content-Length: {body_length}" if body_length is not None else "Transfer-Encoding: chunked"
    return (
        "POST /slack/events HTTP/1.1\r\nHost: signon\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"X-Slack-Request-Timestamp: {now}\r\nX-Slack-Signature: {signature(SIGNING_SECRET, now, body_for_signature)}"
        f"\r\n{framing}\r\n\r\n"
    ).encode()


def _chunked(data: bytes, size: int = 64 * 1024) -> list[bytes]:
    pieces = [data[i : i + size] for i in range(0, len(data), size)]
    return [f"{len(piece):x}\r\n".encode() + piece + b"\r\n" for piece in pieces] + [b"0\r\n\r\n"]


def test_oversized_bodies_get_413_without_the_server_keeping_them(app: RunningApp) -> None:
    assert app.process.process is not None
    pgid = app.process.process.pid
    body = b"text=" + b"a" * (10 * MIB)
    pieces = [body[i : i + 64 * 1024] for i in range(0, len(body), 64 * 1024)]
    time.sleep(1.0)  # let start-up allocations settle
    before = process_group_rss_kib(pgid)
    for attempt in range(3):
        for what, head, chunks in (
            ("declared length, unsigned", _signed_head(len(body)).replace(b"X-Slack", b"X-Not-Slack"), pieces),
            ("declared length, signed", _signed_head(len(body), body), pieces),
            ("chunked, signed", _signed_head(None, body), _chunked(body)),
        ):
            answer, took = send_large(app.process.port, head, chunks)
            assert answer.startswith(b"HTTP/1.1 413 "), (what, attempt, answer[:200])
            assert took < 3.0, (what, took)
    grown = process_group_rss_kib(pgid) - before
    assert grown < 6 * 1024, f"the app's processes grew by {grown / 1024:.1f} MB answering 413s"
    # Still serving, and the connection the refusals closed did not take anything else with it.
    assert app.driver.send_raw(b"command=%2Fsignon&text=help").status in (200, 400)
    assert_clean_log(app)


def test_a_small_chunked_request_is_served(app: RunningApp, coalition: Coalition) -> None:
    body = command_body(app.fake, coalition.members[0], "help", coalition.public).encode()
    answer, _ = send_large(app.process.port, _signed_head(None, body), _chunked(body, size=100))
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:300]
    assert b"How to use /signon" in answer


def test_other_paths_and_methods_are_plain_4xx(app: RunningApp) -> None:
    for request, status in (
        (b"GET /slack/events HTTP/1.1\r\nHost: x\r\n\r\n", b"405"),
        (b"POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}", b"404"),
        (b"HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n", b"200"),
        (b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", b"400"),
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(64), b"400"),  # a TLS hello on plain HTTP
    ):
        answer, _ = send_large(app.process.port, request, [], timeout=5)
        assert answer.split(b" ", 2)[1:2] == [status], (request[:40], answer[:200])
    assert_clean_log(app)


def test_many_refusals_at_once_leave_the_app_serving(app: RunningApp, coalition: Coalition) -> None:
    """Unsigned and oversized requests from many clients at once: all refused, none a 5xx."""
    statuses: list[int] = []
    lock = threading.Lock()

    def attack() -> None:
        for _ in range(10):
            response = post(app, NESTED, "application/json", {})
            with lock:
                statuses.append(response.status)

    threads = [threading.Thread(target=attack) for _ in range(16)]
    for thread in threads:
        thread.start()
    genuine = app.driver.slash_command(coalition.members[0], "/signon", "help", channel_id=coalition.public)
    for thread in threads:
        thread.join()
    assert set(statuses) == {401}, sorted(set(statuses))
    assert genuine.ok and genuine.elapsed < 3
    assert_clean_log(app)


# ---------------------------------------------------------------------------------------------------
# Slow and idle clients
# ---------------------------------------------------------------------------------------------------

#: How soon the server must drop a connection that sends no complete headers, or no complete body (the
#: server's bound is 5 s for each; the rest is slack for a busy 2-core machine).
DROPPED_WITHIN = 7.0


class SlowClients:
    """Connections that stall, kept up (re-opened as the server drops them) for as long as it runs.

    Kinds: ``body`` sends complete headers announcing a 100,000-byte body, then nothing; ``line`` sends half
    a request line; ``headers`` sends half the headers; ``drip`` sends a body one byte every 0.5 s.
    """

    def __init__(self, port: int, counts: dict[str, int]) -> None:
        self.port = port
        self.counts = counts
        self.open: dict[socket.socket, tuple[str, float]] = {}
        self.next_drip: dict[socket.socket, float] = {}
        self.dropped: list[tuple[str, float, bytes]] = []  # (kind, seconds it was open, what the server said)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _connect(self, kind: str) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        head = b"POST /slack/events HTTP/1.1\r\nHost: signon\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        sock.sendall(
            {
                "body": head + b"Content-Length: 100000\r\n\r\n",
                "line": b"POST /slack/ev",
                "headers": head[:60],
                "drip": head + b"Content-Length: 100000\r\n\r\n",
            }[kind]
        )
        sock.setblocking(False)
        self.open[sock] = (kind, time.monotonic())
        if kind == "drip":
            self.next_drip[sock] = time.monotonic() + 0.5

    def _dropped(self, sock: socket.socket, said: bytes) -> None:
        kind, opened = self.open.pop(sock)
        self.next_drip.pop(sock, None)
        sock.close()
        self.dropped.append((kind, time.monotonic() - opened, said))
        if not self.stop.is_set():
            self._connect(kind)

    def _run(self) -> None:
        for kind, count in self.counts.items():
            for _ in range(count):
                self._connect(kind)
        while not self.stop.is_set():
            readable, _, _ = select.select(list(self.open), [], [], 0.1)
            for sock in readable:
                try:
                    said = sock.recv(4096)
                except (ConnectionResetError, BlockingIOError):
                    said = b""
                self._dropped(sock, said)
            now = time.monotonic()
            for sock, due in list(self.next_drip.items()):
                if now >= due and sock in self.open:
                    try:
                        sock.send(b"a")
                        self.next_drip[sock] = now + 0.5
                    except (BrokenPipeError, ConnectionResetError, BlockingIOError):
                        self._dropped(sock, b"")

    def __enter__(self) -> SlowClients:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(5)
        for sock in self.open:
            sock.close()


def test_slow_clients_neither_stall_sign_ons_nor_keep_their_connections(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    counts = {"body": 64, "line": 8, "headers": 8, "drip": 2}
    with SlowClients(app.process.port, counts) as slow:
        time.sleep(1.0)  # every slow connection is open and stalled before the first sign-on
        started = time.monotonic()
        acknowledged: list[float] = []
        for i in range(12):  # about 10 s of sign-ons, so they overlap fresh slow connections too
            user = app.fake.add_user(name=f"rush{i}", real_name=f"Rush {i}")["id"]
            app.fake.add_members(coalition.public, user)
            press = app.driver.click(user, "sign_on", message=post_of(app, letter_id, coalition.public))
            assert press.ok and press.elapsed < 3, (i, press.status, press.elapsed)
            wait_for_modal(app.fake, user, "signon_submit")
            response = app.driver.submit_view(user, values=signon_values(f"Rush Organization {i}"))
            assert response.ok and response.elapsed < 3, (i, response.status, response.elapsed)
            acknowledged.append(response.elapsed)
            time.sleep(max(0.0, (i + 1) * 0.8 - (time.monotonic() - started)))
        still_open = [(kind, time.monotonic() - opened) for kind, opened in slow.open.values()]
    assert len(signatories(app.database_url, letter_id)) == 12
    # Every kind of slow connection was dropped by the server, each within the bound; none outlived it.
    for kind in counts:
        ages = [seconds for dropped_kind, seconds, _ in slow.dropped if dropped_kind == kind]
        assert len(ages) >= counts[kind], (kind, len(ages), slow.dropped[:5])
        assert max(ages) <= DROPPED_WITHIN, (kind, max(ages))
    assert all(age <= DROPPED_WITHIN for _, age in still_open), sorted(still_open, key=lambda item: -item[1])[:5]
    for kind, _, said in slow.dropped:
        assert said == b"" or said.startswith(b"HTTP/1.1 408 "), (kind, said[:200])
    assert_clean_log(app)
