"""When staffroom acts on its own: APScheduler only decides *when* to call `tick`.

`tick(now)` decides *what* is due from the database and the calendar, queues it
in the outbox (each nudge under its natural key, so twice is never two), and in
working hours delivers whatever is due. `staffroom tick --at T` and the scheduler
inside `staffroom serve` run the same code, and any number of processes may tick
at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient
from sqlmodel import Session

from bot.calendar import SchoolCalendar
from bot.delivery import deliver, enqueue
from bot.deps import Deps
from bot.errors import StaffroomError
from bot.framework import Framework
from bot.nudges import due_at
from bot.summary import weekly_deliveries
from storage.db import Database
from storage.outbox import held_count, outbox_size

log = logging.getLogger(__name__)

TICK_MINUTES = 2


@dataclass(frozen=True)
class TickReport:
    queued: int  # nudges due now that had not been queued before
    sent: int
    held: int  # waiting for working hours or a retry
    retrying: int
    failed: int
    skipped: int  # people Slack has not resolved (imported without a Slack account)
    errors: list[str]


def tick(
    *,
    db: Database,
    framework: Framework,
    calendar: SchoolCalendar,
    client: WebClient,
    now: datetime,
) -> TickReport:
    due = due_at(db=db, framework=framework, calendar=calendar, now=now)
    summaries = weekly_deliveries(db=db, framework=framework, calendar=calendar, now=now)
    send_from = calendar.next_working_moment(now)
    with db.session() as session:
        before = _queued(session)
        enqueue(
            session=session,
            deliveries=[n.delivery for n in due.nudges] + summaries,
            now=now,
            not_before=send_from,
        )
        queued = _queued(session) - before
    if calendar.in_working_hours(now):
        report = deliver(db=db, client=client, now=now)
        sent, retrying, failed, errors = report.sent, report.retrying, report.failed, report.errors
    else:
        sent = retrying = failed = 0
        errors = []
    with db.read_session() as session:
        held = held_count(session=session, now=now)
    return TickReport(queued, sent, held, retrying, failed, due.skipped_without_slack, errors)


def _queued(session: Session) -> int:
    return outbox_size(session=session)


def parse_moment(text: str, framework: Framework) -> datetime:
    """An ISO 8601 moment; a naive one is read in the trust's time zone."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise StaffroomError(f"--at {text!r} is not an ISO 8601 date-time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=framework.zone)


def start_scheduler(deps: Deps, client: WebClient) -> BackgroundScheduler:
    """Tick every few minutes, and at the start of working hours on weekdays."""
    zone = deps.framework.zone
    scheduler = BackgroundScheduler(timezone=zone)

    def run_tick() -> None:
        report = tick(
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
