"""One tick: what staffroom does on its own at a moment.

`tick(now)` decides *what* is due from the database and the calendar, queues it
in the outbox (each nudge under its natural key, so twice is never two), and in
working hours delivers whatever is due. `staffroom tick --at T` and the scheduler
inside `staffroom serve` run the same code, and any number of processes may tick
at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from sqlmodel import Session

from bot.core.calendar import SchoolCalendar
from bot.core.errors import StaffroomError
from bot.core.framework import Framework
from bot.nudges.due import due_at
from bot.outbox.queue import enqueue
from bot.outbox.sender import deliver
from bot.summary.weekly import weekly_deliveries
from storage.db import Database
from storage.outbox import held_count, outbox_size


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
