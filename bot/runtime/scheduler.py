"""When staffroom acts on its own: APScheduler only decides *when* to call `tick`
(bot.runtime.tick decides what is due).

One tick at a time in a process: the two jobs (every few minutes, and at the start
of working hours) share a lock, and a tick that finds the previous one still
running (a long delivery) leaves the work to it. Any number of processes may tick.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from bot.admin.purge import SCHEDULED_AT as PURGE_AT
from bot.admin.purge import scheduled_purge
from bot.outbox.outcomes import describe, where
from bot.outbox.sender import Policy
from bot.runtime.config import Settings
from bot.runtime.deps import Deps
from bot.runtime.metrics import timed_tick
from bot.runtime.tick import tick

log = logging.getLogger(__name__)

TICK_MINUTES = 2


def delivery_policy(settings: Settings) -> Policy:
    return Policy(retry_for=timedelta(hours=settings.staffroom_retry_hours))


def ticker(deps: Deps, client: WebClient) -> tuple[threading.Lock, Callable[[], None]]:
    """The job both triggers run, and the lock that keeps it to one at a time."""
    running = threading.Lock()
    policy = delivery_policy(deps.settings)

    def run_tick() -> None:
        if not running.acquire(blocking=False):
            log.info("tick skipped: the previous tick is still delivering")
            return
        try:
            report = timed_tick(tick)(
                db=deps.db,
                framework=deps.framework,
                calendar=deps.calendar,
                client=client,
                now=deps.clock(),
                policy=policy,
            )
        except Exception as exc:  # the next tick tries again; the outbox keeps what is owed
            log.error("tick failed: %s (at %s)", describe(exc), where(exc))
            return
        finally:
            running.release()
        if report.queued or report.sent or report.retrying or report.failed or report.dropped:
            log.info(
                "tick: queued %d, sent %d, held %d, retrying %d, failed %d, dropped %d",
                report.queued,
                report.sent,
                report.held,
                report.retrying,
                report.failed,
                report.dropped,
            )

    return running, run_tick


def start_scheduler(deps: Deps, client: WebClient) -> BackgroundScheduler:
    """Tick at once, then every few minutes, and at the start of working hours on weekdays."""
    zone = deps.framework.zone
    scheduler = BackgroundScheduler(timezone=zone)
    _lock, run_tick = ticker(deps, client)
    options = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 60}
    scheduler.add_job(
        run_tick,
        IntervalTrigger(minutes=TICK_MINUTES, timezone=zone),
        id="tick",
        next_run_time=datetime.now(zone),
        **options,
    )
    start = deps.framework.working_hours.start
    scheduler.add_job(
        run_tick,
        CronTrigger(day_of_week="mon-fri", hour=start.hour, minute=start.minute, timezone=zone),
        id="working-hours",
        **options,
    )
    scheduler.add_job(  # retention: daily, at a quiet hour
        lambda: scheduled_purge(
            db=deps.db, framework=deps.framework, calendar=deps.calendar, now=deps.clock()
        ),
        CronTrigger(hour=PURGE_AT.hour, minute=PURGE_AT.minute, timezone=zone),
        id="purge",
        **options,
    )
    scheduler.start()
    return scheduler
