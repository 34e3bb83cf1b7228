"""When staffroom acts on its own: APScheduler only decides *when* to call `tick`.

`tick(now)` decides *what* is due from the database, so `staffroom tick --at T`
and the scheduler inside `staffroom serve` run the same code, and any number
of processes may tick at once (the outbox makes every message exactly-once).
Today a tick delivers the outbox: messages that could not be sent at once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from bot.delivery import DeliveryReport, deliver
from bot.deps import Deps
from bot.errors import StaffroomError
from bot.framework import Framework
from storage.db import Database

log = logging.getLogger(__name__)

TICK_MINUTES = 2


def tick(*, db: Database, client: WebClient, now: datetime) -> DeliveryReport:
    return deliver(db=db, client=client, now=now)


def parse_moment(text: str, framework: Framework) -> datetime:
    """An ISO 8601 moment; a naive one is read in the trust's time zone."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise StaffroomError(f"--at {text!r} is not an ISO 8601 date-time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=framework.zone)


def start_scheduler(deps: Deps, client: WebClient) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=deps.framework.zone)

    def run_tick() -> None:
        report = tick(db=deps.db, client=client, now=deps.clock())
        if report.sent or report.retrying or report.failed:
            log.info(
                "tick: sent %d, retrying %d, failed %d", report.sent, report.retrying, report.failed
            )

    scheduler.add_job(
        run_tick,
        IntervalTrigger(minutes=TICK_MINUTES, timezone=deps.framework.zone),
        id="tick",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=60,
    )
    scheduler.start()
    return scheduler
