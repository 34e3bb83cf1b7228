"""The school holidays in the framework file run out: the trust's IT admin is told.

Working days leave out the school holidays the framework lists; after the last
one, half terms would count as working days for deadlines and reminders. Four
weeks before the listed holidays run out (or at once, if none are listed), the IT
admin named by the framework's `admin_email` gets a direct message, once for each
last day, through the outbox like any other reminder.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.calendar import (
    AcademicYear,
    SchoolCalendar,
    holiday_notice_due,
    holidays_run_out,
)
from bot.core.framework import Framework
from bot.nudges.owed import Owed
from storage.staff import RosterEntry


def holiday_nudges(
    *, framework: Framework, calendar: SchoolCalendar, now: datetime, people: dict[int, RosterEntry]
) -> list[Owed]:
    if framework.admin_email is None:
        return []
    today = calendar.today(now)
    if not holiday_notice_due(framework, today):
        return []
    admin = next((p for p in people.values() if p.email == framework.admin_email), None)
    if admin is None:
        return []
    last = holidays_run_out(framework)
    after = AcademicYear.of(last + timedelta(days=1)) if last else AcademicYear.of(today)
    holiday = next((h for h in framework.school_holidays if h.end == last), None)
    return [
        Owed(
            admin,
            f"nudge:holidays:{last.isoformat() if last else 'none'}",
            "nudge_holidays",
            {
                "run_out": last,
                "last_holiday": holiday.name if holiday else None,
                "year": after.label,
                "trust": framework.trust,
            },
        )
    ]
