"""Start the real app as Slack would meet it: ``python -m bot`` in a subprocess, as the Procfile runs it.

Used by the end-to-end tests and the benchmarks. The app talks to the fake Slack through SLACK_API_URL
and to its database through DATABASE_URL; tests talk to it only over HTTP (or Socket Mode).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "8f742231b10e8888abcd99bbbccc85a5"
BOT_TOKEN = "xoxb-1111-2222-signontest"
APP_TOKEN = "xapp-1-A111-3333-signontest"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class AppProcess:
    """One ``python -m bot`` process. ``mode`` is "web" (gunicorn) or "socket"."""

    api_url: str
    database_url: str
    mode: str = "web"
    env: Mapping[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    #: Largest file the process may write (RLIMIT_FSIZE), to make the disk "full" for it.
    max_file_bytes: int | None = None
    log_path: Path = field(default_factory=lambda: Path(tempfile.mkstemp(prefix="signon-app-", suffix=".log")[1]))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    @property
    def health_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/healthz"

    def environment(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("SLACK_", "SIGNON_", "DATABASE_URL", "WEB_", "PORT"))
        }
        env.update(
            {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": self.api_url,
                "DATABASE_URL": self.database_url,
                "PORT": str(self.port),
                "WEB_CONCURRENCY": "1",
                "WEB_THREADS": "16",
                "SIGNON_POLL_SECONDS": "0.5",
                "SIGNON_QUIET_HOURS": "off",
                "LOG_LEVEL": "INFO",
                "PYTHONUNBUFFERED": "1",
            }
        )
        if self.mode == "socket":
            env["SLACK_APP_TOKEN"] = APP_TOKEN
        env.update(self.env)
        return env

    def start(self, *, wait: bool = True, timeout: float = 30.0) -> AppProcess:
        log = open(self.log_path, "ab")  # noqa: SIM115 (kept open for the child's lifetime)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", self.mode],
            cwd=REPO,
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=self._limit_files if self.max_file_bytes else None,
        )
        log.close()
        if wait:
            self.wait_ready(timeout)
        return self

    def _limit_files(self) -> None:
        import resource

        assert self.max_file_bytes is not None
        resource.setrlimit(resource.RLIMIT_FSIZE, (self.max_file_bytes, self.max_file_bytes))

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the app exited with {self.process.returncode}:\n{self.logs()}")
            if self.mode == "socket":
                if "Socket Mode connected" in self.logs():
                    return
            else:
                try:
                    with urllib.request.urlopen(self.health_url, timeout=1) as response:
                        if response.status == 200 and json.load(response).get("ok"):
                            return
                except OSError:
                    pass
            time.sleep(0.1)
        raise RuntimeError(f"the app did not become ready in {timeout} s:\n{self.logs()}")

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown hooks, no flushing, like a power cut to the process."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.kill()


def run_cli(args: list[str], env: Mapping[str, str], timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot <args>`` to completion (configuration errors, export, backup)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SIGNON_", "DATABASE_URL"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=REPO, env=clean, capture_output=True, text=True, timeout=timeout
    )
