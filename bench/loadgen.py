"""Closed-loop HTTP load generator used by the benchmarks (run by them as a separate process).

``python -m bench.loadgen IN.json OUT.json``. IN holds the app URL, the signing secret, the number of
clients and the request bodies (form-encoded interaction payloads). Every body is signed once, right
before the start, as Slack signs it; then ``clients`` threads, each with its own keep-alive
``http.client`` connection (opened before the start), take the next body as soon as their previous
request was acknowledged. OUT holds each request's latency (send to full response read), the status
codes, what the acknowledgements asked for (``response_action``), and the client's own CPU time.

Standard library only, so the client costs the same against every app.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import resource
import sys
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def outcome(status: int, content_type: str, data: bytes) -> str:
    if status != 200:
        return f"http_{status}"
    if not data.strip():
        return "empty ack"
    if "json" not in content_type:
        return "text ack"
    try:
        body = json.loads(data)
    except ValueError:
        return "invalid json"
    if not isinstance(body, dict) or not body:
        return "empty ack"
    action = body.get("response_action")
    if action == "update":
        title = ((body.get("view") or {}).get("title") or {}).get("text", "")
        return f"update: {title}"
    return f"{action}: {json.dumps(body.get('errors'))[:80]}" if action == "errors" else str(action)


def main(in_path: str, out_path: str) -> None:
    with open(in_path, encoding="utf-8") as source:
        job = json.load(source)
    url = urlsplit(job["url"])
    host, port, path = url.hostname or "127.0.0.1", url.port or 80, url.path or "/"
    clients = int(job["clients"])
    timestamp = str(int(time.time()))
    requests = []
    for text in job["bodies"]:
        body = text.encode("utf-8")
        requests.append(
            (
                body,
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "User-Agent": USER_AGENT,
                    "Accept": "application/json,*/*",
                    "X-Slack-Request-Timestamp": timestamp,
                    "X-Slack-Signature": sign(job["secret"], timestamp, body),
                },
            )
        )
    total = len(requests)
    latencies: list[float] = [0.0] * total
    statuses: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    errors: list[str] = []
    reconnects = 0
    lock = threading.Lock()
    counter = itertools.count()
    start_barrier = threading.Barrier(clients + 1)
    first_start: list[float] = []
    last_end: list[float] = []

    def client() -> None:
        nonlocal reconnects
        conn = http.client.HTTPConnection(host, port, timeout=60)
        conn.connect()
        local_status: Counter[str] = Counter()
        local_outcome: Counter[str] = Counter()
        start_barrier.wait()
        while (index := next(counter)) < total:
            body, headers = requests[index]
            began = time.perf_counter()
            attempts = 0
            while True:
                try:
                    conn.request("POST", path, body=body, headers=headers)
                    response = conn.getresponse()
                    data = response.read()
                    break
                except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as error:
                    # The server closed an idle keep-alive connection before reading the request: nothing
                    # was processed, so sending it again on a new connection is what any client does.
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=60)
                    attempts += 1
                    with lock:
                        reconnects += 1
                    if attempts > 3:
                        with lock:
                            errors.append(f"{type(error).__name__}: {error}")
                        data, response = b"", None
                        break
            ended = time.perf_counter()
            latencies[index] = ended - began
            if response is None:
                local_status["connection error"] += 1
                continue
            local_status[str(response.status)] += 1
            local_outcome[outcome(response.status, response.getheader("Content-Type", ""), data)] += 1
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
        conn.close()
        with lock:
            statuses.update(local_status)
            outcomes.update(local_outcome)
            last_end.append(time.perf_counter())

    threads = [threading.Thread(target=client, name=f"client-{i}") for i in range(clients)]
    for thread in threads:
        thread.start()
    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    start_barrier.wait()
    first_start.append(time.perf_counter())
    for thread in threads:
        thread.join()
    usage_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (usage_after.ru_utime - usage_before.ru_utime) + (usage_after.ru_stime - usage_before.ru_stime)
    result = {
        "latencies": latencies,
        "statuses": dict(statuses),
        "outcomes": dict(outcomes),
        "started": first_start[0],
        "finished": max(last_end),
        "reconnects": reconnects,
        "client_cpu_seconds": cpu,
        "errors": errors[:20],
    }
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(result, out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
