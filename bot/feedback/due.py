"""What written feedback is due or overdue at a moment (for the scheduler's reminders)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from bot.core.calendar import SchoolCalendar
from storage.db import Database
from storage.feedback import unwritten_visits_due_by


@dataclass(frozen=True)
class DueWrittenFeedback:
    visit_id: int
    observer_id: int
    observee_id: int
    written_due: date
    status: Literal["due", "overdue"]
    working_days_left: int


def written_feedback_due_at(
    *, db: Database, calendar: SchoolCalendar, now: datetime
) -> list[DueWrittenFeedback]:
    """Visits owed written feedback at `now`: due within the framework's reminder notice
    (two working days), or overdue."""
    today = calendar.today(now)
    horizon = calendar.add_working_days(today, calendar.framework.visits.remind_working_days_before)
    with db.read_session() as session:
        visits = unwritten_visits_due_by(session=session, latest_due=horizon)
    return [
        DueWrittenFeedback(
            visit_id=visit.id,
            observer_id=visit.observer_id,
            observee_id=visit.observee_id,
            written_due=visit.written_due,
            status="overdue" if visit.written_due < today else "due",
            working_days_left=calendar.working_days_until(today, visit.written_due),
        )
        for visit in visits
        if visit.id is not None
    ]
