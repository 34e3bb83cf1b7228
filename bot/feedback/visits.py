"""Formal lesson visits: logging one with its deadlines, marking verbal feedback given,
and starting the written feedback that completes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.core.calendar import SchoolCalendar
from bot.core.errors import NotAllowed, problem
from bot.core.people import IsBot, colleague, mention, refreshed
from bot.feedback.form import visit_written
from bot.feedback.rules import (
    OBSERVED_ON,
    OBSERVEE,
    date_problem,
    parse_visit_date,
    refuse_if,
)
from bot.outbox.queue import Delivery, enqueue
from storage.db import Database
from storage.feedback import add_visit, visit_by_id
from storage.models import Staff, Visit
from storage.staff import staff_by_ids


@dataclass(frozen=True)
class VisitOutcome:
    visit_id: int
    visited_on: date
    verbal_due: date
    written_due: date
    outbox_ids: list[int]


def log_visit(
    *,
    db: Database,
    calendar: SchoolCalendar,
    observer: Staff,
    observee_slack_id: str | None,
    visit_date: str | None,
    now: datetime,
    is_bot: IsBot,
) -> VisitOutcome:
    """Record a formal lesson visit and its deadlines, and tell the observer."""
    today = calendar.today(now)
    deadlines = calendar.framework.visits
    with db.session() as session:
        observer = refreshed(session, observer)
        observee = colleague(
            session, observee_slack_id, observer, is_bot, field=OBSERVEE, purpose="visit"
        )
        visited_on = parse_visit_date(visit_date, today)
        late = date_problem(visited_on, today, "visit")
        refuse_if({OBSERVED_ON: late} if late else {})
        assert observer.id is not None and observee.id is not None
        visit = add_visit(
            session=session,
            visit=Visit(
                observer_id=observer.id,
                observee_id=observee.id,
                visited_on=visited_on,
                verbal_due=calendar.add_working_days(visited_on, deadlines.verbal_working_days),
                written_due=calendar.add_working_days(visited_on, deadlines.written_working_days),
                created_at=now,
            ),
        )
        assert visit.id is not None
        deliveries = []
        if observer.slack_user_id:
            deliveries.append(
                Delivery(
                    key=f"visit:{visit.id}:logged",
                    channel=observer.slack_user_id,
                    template="visit_logged",
                    context=visit_view(visit, observee),
                )
            )
        return VisitOutcome(
            visit_id=visit.id,
            visited_on=visit.visited_on,
            verbal_due=visit.verbal_due,
            written_due=visit.written_due,
            outbox_ids=enqueue(session=session, now=now, deliveries=deliveries),
        )


def mark_verbal_given(
    *, db: Database, calendar: SchoolCalendar, visit_id: int, observer: Staff, now: datetime
) -> dict[str, object]:
    """The observer says verbal feedback was given; returns the visit as the message shows it.
    Said twice (an older message's button), it is refused with when it was marked."""
    with db.session() as session:
        observer = refreshed(session, observer)
        visit = visit_by_id(session=session, visit_id=visit_id)
        if visit is None or visit.observer_id != observer.id:
            raise NotAllowed(problem("feedback.observer_only"))
        if visit.verbal_given_at is not None:
            raise NotAllowed(
                problem("feedback.verbal_given", on=calendar.today(visit.verbal_given_at))
            )
        visit.verbal_given_at = now
        session.add(visit)
        observee = staff_by_ids(session=session, ids=[visit.observee_id])[visit.observee_id]
        return visit_view(visit, observee)


def visit_view(visit: Visit, observee: Staff) -> dict[str, object]:
    """What the observer's visit message shows (the template's context)."""
    return {
        "visit_id": visit.id,
        "observee": mention(observee),
        "observee_slack_id": observee.slack_user_id or "",
        "visited_on": visit.visited_on,
        "verbal_due": visit.verbal_due,
        "written_due": visit.written_due,
        "verbal_given": visit.verbal_given_at is not None,
        "written": visit.written_feedback_id is not None,
    }


@dataclass(frozen=True)
class VisitToWrite:
    """What the written feedback's form starts from."""

    visit_id: int
    observee_slack_id: str | None
    observee_name: str
    visited_on: date


def visit_for_writing(
    *, db: Database, calendar: SchoolCalendar, visit_id: int, observer: Staff
) -> VisitToWrite | None:
    """The visit to start its written feedback, for the visit's observer (None for anyone
    else); refused, saying when, once its written feedback is stored."""
    with db.read_session() as session:
        visit = visit_by_id(session=session, visit_id=visit_id)
        if visit is None or visit.id is None or visit.observer_id != observer.id:
            return None
        if visit.written_feedback_id is not None:
            raise visit_written(session, calendar, visit)
        observee = staff_by_ids(session=session, ids=[visit.observee_id])[visit.observee_id]
        return VisitToWrite(visit.id, observee.slack_user_id, observee.name, visit.visited_on)
