"""APScheduler wiring: a few interval jobs whose work lives in the database, not in the scheduler.

Nothing important is held by APScheduler (a MemoryJobStore, rebuilt at every start), so a restart, a
misfire or a second process changes nothing: each tick re-reads what is due and claims it row by row.
APScheduler's own warning against sharing a job store between processes therefore never applies.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.exc import DBAPIError

from bot.jobs import background_jobs
from bot.runtime import Runtime
from db.engine import StorageUnavailable, connection_lost

log = logging.getLogger(__name__)


class _SkippedTickFilter(logging.Filter):
    """A job still working at its next tick (receipts are paced to Slack's limits) is normal here: the running
    instance carries on, and APScheduler's warning for each skipped tick would only be noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in record.getMessage()


def _guarded(name: str, work: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        try:
            work()
        except StorageUnavailable:
            log.error("job %s: the database is not accepting writes; will retry", name)
        except DBAPIError as error:
            if not connection_lost(error):
                log.exception("job %s failed; it runs again at the next tick", name)
                return
            # A restarted or failed-over database server: nothing was committed, and the next tick reconnects.
            log.warning("job %s: the database connection dropped; it runs again at the next tick", name)
        except Exception:
            log.exception("job %s failed; it runs again at the next tick", name)

    run.__name__ = f"job_{name}"
    return run


def start_scheduler(runtime: Runtime) -> BackgroundScheduler:
    apscheduler_log = logging.getLogger("apscheduler.scheduler")
    if not any(isinstance(existing, _SkippedTickFilter) for existing in apscheduler_log.filters):
        apscheduler_log.addFilter(_SkippedTickFilter())
    scheduler = BackgroundScheduler(
        timezone="UTC",
        executors={"default": ThreadPoolExecutor(max_workers=5)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30},
    )
    for name, (work, seconds) in background_jobs(runtime).items():
        scheduler.add_job(
            _guarded(name, work),
            "interval",
            seconds=seconds,
            id=name,
            replace_existing=True,
            next_run_time=datetime.now(UTC),
        )
    scheduler.start()
    log.info("scheduler started (poll every %.1f s)", runtime.settings.poll_seconds)
    return scheduler
