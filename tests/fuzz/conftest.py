"""One real app process per fuzz module, and hypothesis settings that keep CI deterministic.

Each module gets its own fake Slack, database and ``python -m bot web`` (module-scoped: starting the app
per example would take minutes). Examples are derandomized: the same inputs run on every CI run, so a
failure is reproducible and nothing flakes. To explore further locally::

    SIGNON_FUZZ_EXAMPLES=2000 SIGNON_FUZZ_RANDOM=1 python -m pytest -p no:cacheprovider tests/fuzz -m fuzz

``SIGNON_FUZZ_EXAMPLES`` scales every property test's example count; ``SIGNON_FUZZ_RANDOM=1`` draws new
random inputs each run (prints the seed to reproduce a failure with ``--hypothesis-seed``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.conftest import (
    Coalition,
    RunningApp,
    build_coalition,
    fresh_database,
    manifest_bot_scopes,
    start_app,
)
from tests.fakeslack import FakeSlack
from tests.harness import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET

EXAMPLES = int(os.environ.get("SIGNON_FUZZ_EXAMPLES", "0") or 0)
RANDOM = os.environ.get("SIGNON_FUZZ_RANDOM", "") == "1"


def fuzz_settings(ci_examples: int) -> settings:
    """``ci_examples`` by default (sized to keep the whole fuzz suite near a minute), more when asked."""
    return settings(
        max_examples=EXAMPLES or ci_examples,
        derandomize=not RANDOM,
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fuzz: property-based fuzzing against a running app (tests/fuzz)")


@dataclass
class FuzzTarget:
    app: RunningApp
    coalition: Coalition
    letter_id: int

    @property
    def fake(self) -> FakeSlack:
        return self.app.fake


@pytest.fixture(scope="module")
def target() -> Iterator[FuzzTarget]:
    """A running app with a coalition and one open letter posted in #coalition."""
    from tests.e2e.steps import create_letter

    fake = FakeSlack(
        signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN, app_token=APP_TOKEN, bot_scopes=manifest_bot_scopes()
    )
    fake.start()
    try:
        coalition = build_coalition(fake)
        with (
            tempfile.TemporaryDirectory(prefix="signon-fuzz-") as tmp,
            fresh_database(Path(tmp), "signon_f") as database_url,
        ):
            running = start_app(fake, database_url, coalition)
            try:
                letter_id = create_letter(running, coalition, title="Fuzzing Letter")
                yield FuzzTarget(running, coalition, letter_id)
            finally:
                running.process.stop()
    finally:
        fake.stop()
