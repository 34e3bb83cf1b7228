"""When staffroom acts on its own: APScheduler only decides *when* to call `tick`
(bot.runtime.tick decides what is due)."""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from bot.runtime.deps import Deps
from bot.runtime.metrics import timed_tick
from bot.runtime.tick import tick

log = logging.getLogger(__name__)

TICK_MINUTES = 2


def start_scheduler(deps: Deps, client: WebClient) -> BackgroundScheduler:
    """Tick every few minutes, and at the start of working hours on weekdays."""
    zone = deps.framework.zone
    scheduler = BackgroundScheduler(timezone=zone)

    def run_tick() -> None:
        report = timed_tick(tick)(
            db=deps.db,
            framework=deps.framework,
            calendar=deps.calendar,
            client=client,
            now=deps.clock(),
        )
        if report.queued or report.sent or report.retrying or report.failed:
            log.info(
                "tick: queued %d, sent %d, held %d, retrying %d, failed %d",
                report.queued,
                report.sent,
                report.held,
                report.retrying,
                report.failed,
            )

    options = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 60}
    scheduler.add_job(
        run_tick, IntervalTrigger(minutes=TICK_MINUTES, timezone=zone), id="tick", **options
    )
    start = deps.framework.working_hours.start
    scheduler.add_job(
        run_tick,
        CronTrigger(day_of_week="mon-fri", hour=start.hour, minute=start.minute, timezone=zone),
        id="working-hours",
        **options,
    )
    scheduler.start()
    return scheduler
