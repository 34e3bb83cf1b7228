"""One tick: what staffroom does on its own at a moment.

`tick(now)` decides *what* is due from the database and the calendar, queues it
in the outbox (each nudge under its natural key, so twice is never two), and
delivers whatever is due. Reminders wait in the outbox for working hours, and are
checked again when they go. `staffroom tick --at T` and the scheduler inside
`staffroom serve` run the same code, and any number of processes may tick at once.

Each kind of nudge, and each channel's weekly summary, is queued on its own: one
that fails is logged and reported, and the others go.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk import WebClient

from bot.core.calendar import SchoolCalendar
from bot.core.errors import StaffroomError
from bot.core.framework import Framework
from bot.nudges.due import KINDS
from bot.nudges.moment import Due, DueContext
from bot.nudges.still_due import StillDue
from bot.nudges.weekly import weekly_delivery, weekly_due
from bot.outbox.outcomes import describe, where
from bot.outbox.queue import Delivery, enqueue_new
from bot.outbox.sender import Policy, deliver
from storage.db import Database
from storage.outbox import held_count

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TickReport:
    queued: int  # nudges due now that had not been queued before
    sent: int
    held: int  # waiting for working hours or a retry
    retrying: int
    failed: int
    dropped: int  # held reminders no longer due when their moment came
    skipped: int  # people Slack has not resolved (imported without a Slack account)
    errors: list[str] = field(default_factory=list)
    sent_keys: list[str] = field(default_factory=list)  # the outbox keys this tick delivered


@dataclass
class _Queued:
    count: int = 0
    found: dict[str, Due] = field(default_factory=dict)
    unresolved: set[int] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)


def tick(
    *,
    db: Database,
    framework: Framework,
    calendar: SchoolCalendar,
    client: WebClient,
    now: datetime,
    policy: Policy | None = None,
) -> TickReport:
    context = DueContext(db, framework, calendar, now)
    queued = queue_due(context)
    recheck = StillDue(db, framework, calendar, known=queued.found, known_at=now)
    report = deliver(db=db, client=client, now=now, recheck=recheck, policy=policy)
    with db.read_session() as session:
        held = held_count(session=session, now=now)
    return TickReport(
        queued=queued.count,
        sent=report.sent + report.recovered,
        held=held,
        retrying=report.retrying,
        failed=report.failed,
        dropped=report.dropped,
        skipped=len(queued.unresolved),
        errors=queued.errors + report.errors,
        sent_keys=report.sent_keys,
    )


def queue_due(context: DueContext) -> _Queued:
    """Queue every nudge and weekly summary due at the context's moment, each kind and
    each channel on its own; held until working hours."""
    queued = _Queued()
    send_from = context.calendar.next_working_moment(context.now)
    for kind in KINDS:
        try:
            due = kind.due(context)
            queued.count += _queue(context, [n.delivery for n in due.nudges], send_from)
        except Exception as exc:
            _failed(queued, f"nudges ({kind.name})", exc)
            continue
        queued.found[kind.name] = due
        queued.unresolved |= due.unresolved
    try:
        subscriptions = weekly_due(context)
    except Exception as exc:
        _failed(queued, "weekly summaries", exc)
        subscriptions = []
    for subscription in subscriptions:
        try:
            delivery = weekly_delivery(context, subscription)
            queued.count += _queue(context, [delivery], send_from)
        except Exception as exc:
            _failed(queued, f"weekly summary for {subscription.channel_id}", exc)
    return queued


def _queue(context: DueContext, deliveries: list[Delivery], send_from: datetime) -> int:
    with context.db.session() as session:
        return enqueue_new(
            session=session, deliveries=deliveries, now=context.now, not_before=send_from
        )


def _failed(queued: _Queued, what: str, exc: Exception) -> None:
    log.error("could not queue %s: %s (at %s)", what, describe(exc), where(exc))
    queued.errors.append(f"{what}: {describe(exc)}")


def parse_moment(text: str, framework: Framework) -> datetime:
    """An ISO 8601 moment; a naive one is read in the trust's time zone."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise StaffroomError(f"--at {text!r} is not an ISO 8601 date-time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=framework.zone)
