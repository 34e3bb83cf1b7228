"""Reminders about verbal feedback after a lesson visit (SHARE MAT's QA policy §7.1:
"Verbal feedback will be given to staff as soon as practicable, ideally on the day
(and no later than 5 working days)").

On the day verbal feedback is due, the observer is reminded if they have not marked
it given; once it is overdue, the observer and their line manager are told, as for
written feedback. A visit completed by its written feedback needs no reminder.
Each reminder has a natural key, so it is queued once however many ticks ask.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.calendar import SchoolCalendar
from bot.core.people import mention
from bot.nudges.owed import Owed
from storage.db import Database
from storage.feedback import visits_owing_verbal_by
from storage.staff import RosterEntry


def verbal_nudges(
    *, db: Database, calendar: SchoolCalendar, now: datetime, people: dict[int, RosterEntry]
) -> list[Owed]:
    today = calendar.today(now)
    with db.read_session() as session:
        visits = visits_owing_verbal_by(session=session, latest_due=today)
    nudges = []
    for visit in visits:
        observer = people.get(visit.observer_id)
        observee = people.get(visit.observee_id)
        if observer is None or observee is None or visit.id is None:
            continue
        context: dict[str, object] = {
            "visit_id": visit.id,
            "observee": mention(observee),
            "observer": mention(observer),
            "visited_on": visit.visited_on,
            "verbal_due": visit.verbal_due,
        }
        if visit.verbal_due == today:
            nudges.append(
                Owed(observer, f"nudge:verbal-due:{visit.id}", "nudge_verbal_due", context)
            )
            continue
        nudges.append(
            Owed(
                observer,
                f"nudge:verbal-overdue:{visit.id}:observer",
                "nudge_verbal_overdue",
                {**context, "to_manager": False},
            )
        )
        manager = people.get(observer.appraiser_id) if observer.appraiser_id else None
        if manager is not None:
            nudges.append(
                Owed(
                    manager,
                    f"nudge:verbal-overdue:{visit.id}:manager",
                    "nudge_verbal_overdue",
                    {**context, "to_manager": True},
                )
            )
    return nudges
