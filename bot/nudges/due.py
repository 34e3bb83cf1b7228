"""What is due at a moment: every nudge staffroom owes someone, as outbox deliveries.

Each nudge has a natural key (kind, person, subject, period), so queueing it twice
is a no-op: any number of ticks or processes create it once. What is due depends
only on the database and the date, so a tick after downtime catches up on what
is still relevant and never announces a window that has already closed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial

from bot.core.calendar import AcademicYear, SchoolCalendar
from bot.core.framework import Framework
from bot.core.people import mention
from bot.feedback.due import written_feedback_due_at
from bot.ladder.windows import Window, ladder_windows
from bot.nudges.objectives import objective_nudges
from bot.nudges.reminders import reminders_at
from bot.outbox.queue import Delivery
from bot.star.due import needs_at
from storage.db import Database
from storage.ladder import staff_without_sheet
from storage.models import Staff
from storage.staff import all_staff

CLOSING_NOTICE = timedelta(days=7)
AFTER_CLOSE = timedelta(days=7)  # how long the "window closed" list to appraisers stays relevant


@dataclass(frozen=True)
class Nudge:
    delivery: Delivery
    optional: bool  # a person may mute these; deadlines they owe others are never optional


@dataclass
class Due:
    nudges: list[Nudge] = field(default_factory=list)
    unresolved: set[int] = field(default_factory=set)  # people due a nudge Slack has not resolved

    @property
    def skipped_without_slack(self) -> int:
        return len(self.unresolved)


def due_at(*, db: Database, framework: Framework, calendar: SchoolCalendar, now: datetime) -> Due:
    today = calendar.today(now)
    due = Due()
    with db.read_session() as session:
        people = {p.id: p for p in all_staff(session=session) if p.id is not None}
        for window in _windows_around(framework, today):
            missing = list(
                staff_without_sheet(
                    session=session,
                    academic_year=window.year.label,
                    checkpoint=window.checkpoint.key,
                )
            )
            _checkpoint_nudges(due, calendar, window, today, missing, people)
    _feedback_nudges(due, db, calendar, now, people)
    _star_nudges(due, db, calendar, now, people)
    for owed in reminders_at(db=db, framework=framework, calendar=calendar, now=now, people=people):
        _add(due, owed.person, owed.key, owed.template, owed.context, optional=owed.optional)
    objective_nudges(
        partial(_add, due), db=db, framework=framework, calendar=calendar, now=now, people=people
    )
    return due


def _windows_around(framework: Framework, today: date) -> list[Window]:
    year = AcademicYear.of(today)
    windows = ladder_windows(framework, year) + ladder_windows(
        framework, AcademicYear(year.first_year - 1)
    )
    return [w for w in windows if w.opens <= today <= w.closes + AFTER_CLOSE]


def _first_working_day(calendar: SchoolCalendar, day: date) -> date:
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def _add(
    due: Due,
    person: Staff | None,
    key: str,
    template: str,
    context: dict[str, object],
    *,
    optional: bool,
) -> None:
    if person is None or person.id is None or not person.active:
        return
    if optional and person.mute_nudges:
        return
    if not person.slack_user_id:
        due.unresolved.add(person.id)
        return
    due.nudges.append(Nudge(Delivery(key, person.slack_user_id, template, context), optional))


def _checkpoint_nudges(
    due: Due,
    calendar: SchoolCalendar,
    window: Window,
    today: date,
    missing: list[Staff],
    people: dict[int, Staff],
) -> None:
    period = f"{window.year.label}:{window.checkpoint.key}"
    context: dict[str, object] = {
        "name": window.checkpoint.name,
        "closes": window.closes,
        "year": window.year.label,
    }
    is_open = today <= window.closes
    if is_open and today >= _first_working_day(calendar, window.opens):
        for person in missing:
            _add(
                due,
                person,
                f"nudge:cp-open:{period}:{person.id}",
                "nudge_checkpoint_open",
                context,
                optional=True,
            )
    if is_open and today >= window.closes - CLOSING_NOTICE:
        for person in missing:
            _add(
                due,
                person,
                f"nudge:cp-closing:{period}:{person.id}",
                "nudge_checkpoint_closing",
                context,
                optional=True,
            )
    by_appraiser: dict[int, list[Staff]] = {}
    for person in missing:
        if person.appraiser_id is not None:
            by_appraiser.setdefault(person.appraiser_id, []).append(person)
    if is_open:
        monday = today - timedelta(days=today.weekday())
        first = _first_working_day(calendar, max(monday, window.opens))
        if today < first:
            return
        week = f"week-{monday.isoformat()}"
    else:
        if today < _first_working_day(calendar, window.closes + timedelta(days=1)):
            return
        week = "closed"
    for appraiser_id, appraisees in by_appraiser.items():
        _add(
            due,
            people.get(appraiser_id),
            f"nudge:cp-appraisees:{period}:{appraiser_id}:{week}",
            "nudge_appraisees",
            {**context, "closed": not is_open, "appraisees": [mention(p) for p in appraisees]},
            optional=True,
        )


def _feedback_nudges(
    due: Due, db: Database, calendar: SchoolCalendar, now: datetime, people: dict[int, Staff]
) -> None:
    for owed in written_feedback_due_at(db=db, calendar=calendar, now=now):
        observer = people.get(owed.observer_id)
        observee = people.get(owed.observee_id)
        if observer is None or observee is None:
            continue
        context: dict[str, object] = {
            "visit_id": owed.visit_id,
            "observee": mention(observee),
            "observer": mention(observer),
            "written_due": owed.written_due,
        }
        if owed.status == "due":
            _add(
                due,
                observer,
                f"nudge:written-due:{owed.visit_id}",
                "nudge_written_due",
                context,
                optional=False,
            )
            continue
        _add(
            due,
            observer,
            f"nudge:written-overdue:{owed.visit_id}:observer",
            "nudge_written_overdue",
            {**context, "to_manager": False},
            optional=False,
        )
        manager = people.get(observer.appraiser_id) if observer.appraiser_id else None
        _add(
            due,
            manager,
            f"nudge:written-overdue:{owed.visit_id}:manager",
            "nudge_written_overdue",
            {**context, "to_manager": True},
            optional=False,
        )


def _star_nudges(
    due: Due, db: Database, calendar: SchoolCalendar, now: datetime, people: dict[int, Staff]
) -> None:
    for need in needs_at(db=db, calendar=calendar, now=now):
        owner = people.get(need.owner_id)
        if owner is None:
            continue
        context: dict[str, object] = {
            "need": need.need,
            "project_id": need.project_id,
            "owner": mention(owner),
        }
        _add(
            due,
            owner,
            f"nudge:star-{need.need}:{need.project_id}",
            "nudge_star",
            {**context, "to_appraiser": False},
            optional=True,
        )
        if need.need == "evaluation" and owner.appraiser_id:
            _add(
                due,
                people.get(owner.appraiser_id),
                f"nudge:star-evaluation:{need.project_id}:appraiser",
                "nudge_star",
                {**context, "to_appraiser": True},
                optional=True,
            )
