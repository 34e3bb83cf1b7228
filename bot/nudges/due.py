"""What is due at a moment: every nudge staffroom owes someone, kind by kind.

Each nudge has a natural key `nudge:<kind>:<subject…>:<period>`, so queueing it
twice is a no-op: any number of ticks or processes create it once. What is due
depends only on the database and the date, so a tick after downtime catches up
on what is still relevant and never announces a window that has already closed.

Each kind is computed on its own (`KINDS`): the tick queues each separately, so
one that fails stops no other, and the sender asks the same kind, when a held
nudge's moment comes, whether it is still due (bot.nudges.still_due).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from bot.core.calendar import AcademicYear, SchoolCalendar
from bot.core.framework import Framework
from bot.core.people import mention
from bot.feedback.due import written_feedback_due_at
from bot.ladder.windows import Window, ladder_windows
from bot.nudges.holidays import holiday_nudges
from bot.nudges.objectives import objective_nudges
from bot.nudges.verbal import verbal_nudges
from bot.outbox.queue import Delivery
from bot.star.due import needs_at
from storage.db import Database
from storage.ladder import staff_ids_without_sheet
from storage.staff import RosterEntry, roster_entries

CLOSING_NOTICE = timedelta(days=7)
AFTER_CLOSE = timedelta(days=7)  # how long the "window closed" list to appraisers stays relevant
PREFIX = "nudge:"


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

    @cached_property
    def by_key(self) -> dict[str, Nudge]:
        return {n.delivery.key: n for n in self.nudges}


@dataclass
class DueContext:
    """One moment's view of the roster and the calendar, shared by the kinds."""

    db: Database
    framework: Framework
    calendar: SchoolCalendar
    now: datetime
    _missing: dict[tuple[str, str], list[RosterEntry]] = field(default_factory=dict)

    @cached_property
    def today(self) -> date:
        return self.calendar.today(self.now)

    @cached_property
    def people(self) -> dict[int, RosterEntry]:
        with self.db.read_session() as session:
            return {p.id: p for p in roster_entries(session=session)}

    @cached_property
    def windows(self) -> list[Window]:
        """Ladder windows open now, or closed within the last week."""
        year = AcademicYear.of(self.today)
        windows = ladder_windows(self.framework, year) + ladder_windows(
            self.framework, AcademicYear(year.first_year - 1)
        )
        return [w for w in windows if w.opens <= self.today <= w.closes + AFTER_CLOSE]

    def missing(self, window: Window) -> list[RosterEntry]:
        """Active staff who have not filled in this window's sheet."""
        period = (window.year.label, window.checkpoint.key)
        if period not in self._missing:
            with self.db.read_session() as session:
                ids = staff_ids_without_sheet(
                    session=session,
                    academic_year=window.year.label,
                    checkpoint=window.checkpoint.key,
                )
            people = self.people
            self._missing[period] = [people[i] for i in ids if i in people]
        return self._missing[period]


@dataclass(frozen=True)
class Kind:
    """One kind of nudge: how to find what is due, and what it means when one no longer is."""

    name: str
    prefixes: tuple[str, ...]  # the `<kind>` parts of the keys it makes
    find: Callable[[DueContext, Due], None]
    optional: bool
    gone: str  # why a held nudge is not due any more, when its person is still there

    def due(self, context: DueContext) -> Due:
        found = Due()
        self.find(context, found)
        return found


def kind_prefix(key: str) -> str | None:
    """The `<kind>` of a nudge's key (`nudge:cp-open:…` -> `cp-open`), or None."""
    if not key.startswith(PREFIX):
        return None
    return key.split(":", 2)[1]


def _first_working_day(calendar: SchoolCalendar, day: date) -> date:
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def _add(
    due: Due,
    person: RosterEntry | None,
    key: str,
    template: str,
    context: dict[str, object],
    *,
    optional: bool,
) -> None:
    if person is None or not person.active:
        return
    if optional and person.mute_nudges:
        return
    if not person.slack_user_id:
        due.unresolved.add(person.id)
        return
    due.nudges.append(Nudge(Delivery(key, person.slack_user_id, template, context), optional))


# --- the ladder's checkpoints ---------------------------------------------------------------


def _period(window: Window) -> str:
    return f"{window.year.label}:{window.checkpoint.key}"


def _window_context(window: Window) -> dict[str, object]:
    return {"name": window.checkpoint.name, "closes": window.closes, "year": window.year.label}


def checkpoint_opening(context: DueContext, due: Due) -> None:
    """To each person without a sheet, from the window's first working day while it is open."""
    today = context.today
    for window in context.windows:
        if today <= window.closes and today >= _first_working_day(context.calendar, window.opens):
            for person in context.missing(window):
                _add(
                    due,
                    person,
                    f"nudge:cp-open:{_period(window)}:{person.id}",
                    "nudge_checkpoint_open",
                    _window_context(window),
                    optional=True,
                )


def checkpoint_closing(context: DueContext, due: Due) -> None:
    """To each person without a sheet, in the window's last week."""
    today = context.today
    for window in context.windows:
        if window.closes - CLOSING_NOTICE <= today <= window.closes:
            for person in context.missing(window):
                _add(
                    due,
                    person,
                    f"nudge:cp-closing:{_period(window)}:{person.id}",
                    "nudge_checkpoint_closing",
                    _window_context(window),
                    optional=True,
                )


def appraisee_lists(context: DueContext, due: Due) -> None:
    """To each appraiser, weekly while a window is open and once after it closes: the
    appraisees who have not filled in their sheet."""
    today = context.today
    for window in context.windows:
        is_open = today <= window.closes
        if is_open:
            monday = today - timedelta(days=today.weekday())
            if today < _first_working_day(context.calendar, max(monday, window.opens)):
                continue
            week = f"week-{monday.isoformat()}"
        else:
            if today < _first_working_day(context.calendar, window.closes + timedelta(days=1)):
                continue
            week = "closed"
        by_appraiser: dict[int, list[RosterEntry]] = {}
        for person in context.missing(window):
            if person.appraiser_id is not None:
                by_appraiser.setdefault(person.appraiser_id, []).append(person)
        for appraiser_id, appraisees in by_appraiser.items():
            _add(
                due,
                context.people.get(appraiser_id),
                f"nudge:cp-appraisees:{_period(window)}:{appraiser_id}:{week}",
                "nudge_appraisees",
                {
                    **_window_context(window),
                    "closed": not is_open,
                    "appraisees": [mention(p) for p in appraisees],
                },
                optional=True,
            )


# --- written feedback after a lesson visit ---------------------------------------------------


def written_feedback(context: DueContext, due: Due) -> None:
    """To the observer two working days before written feedback is due; once overdue, to
    the observer and their line manager."""
    people = context.people
    for owed in written_feedback_due_at(db=context.db, calendar=context.calendar, now=context.now):
        observer = people.get(owed.observer_id)
        observee = people.get(owed.observee_id)
        if observer is None or observee is None:
            continue
        details: dict[str, object] = {
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
                details,
                optional=False,
            )
            continue
        _add(
            due,
            observer,
            f"nudge:written-overdue:{owed.visit_id}:observer",
            "nudge_written_overdue",
            {**details, "to_manager": False},
            optional=False,
        )
        manager = people.get(observer.appraiser_id) if observer.appraiser_id else None
        _add(
            due,
            manager,
            f"nudge:written-overdue:{owed.visit_id}:manager",
            "nudge_written_overdue",
            {**details, "to_manager": True},
            optional=False,
        )


# --- STAR projects ---------------------------------------------------------------------------


def star_projects(context: DueContext, due: Due) -> None:
    """A project's missing baseline or final measurement; in October, last year's evaluation
    (to the owner and their appraiser)."""
    people = context.people
    for need in needs_at(db=context.db, calendar=context.calendar, now=context.now):
        owner = people.get(need.owner_id)
        if owner is None:
            continue
        details: dict[str, object] = {
            "need": need.need,
            "project_id": need.project_id,
            "owner": mention(owner),
        }
        _add(
            due,
            owner,
            f"nudge:star-{need.need}:{need.project_id}",
            "nudge_star",
            {**details, "to_appraiser": False},
            optional=True,
        )
        if need.need == "evaluation" and owner.appraiser_id:
            _add(
                due,
                people.get(owner.appraiser_id),
                f"nudge:star-evaluation:{need.project_id}:appraiser",
                "nudge_star",
                {**details, "to_appraiser": True},
                optional=True,
            )


# --- verbal feedback, the appraisal year, the calendar running out ----------------------------


def verbal_feedback(context: DueContext, due: Due) -> None:
    """bot.nudges.verbal: verbal feedback due today, or overdue."""
    for owed in verbal_nudges(
        db=context.db, calendar=context.calendar, now=context.now, people=context.people
    ):
        _add(due, owed.person, owed.key, owed.template, owed.context, optional=False)


def school_holidays(context: DueContext, due: Due) -> None:
    """bot.nudges.holidays: the framework's school holidays run out soon."""
    for owed in holiday_nudges(
        framework=context.framework,
        calendar=context.calendar,
        now=context.now,
        people=context.people,
    ):
        _add(due, owed.person, owed.key, owed.template, owed.context, optional=False)


def _appraisal_year(prefixes: tuple[str, ...]) -> Callable[[DueContext, Due], None]:
    """bot.nudges.objectives, the nudges whose keys start with one of `prefixes`."""

    def find(moment: DueContext, due: Due) -> None:
        def add(
            person: RosterEntry | None,
            key: str,
            template: str,
            context: dict[str, object],
            *,
            optional: bool,
        ) -> None:
            if kind_prefix(key) in prefixes:
                _add(due, person, key, template, context, optional=optional)

        objective_nudges(
            add,
            db=moment.db,
            framework=moment.framework,
            calendar=moment.calendar,
            now=moment.now,
            people=moment.people,
        )

    return find


SHEET_GONE = "the ladder sheet has been filled in, or its window has closed"
KINDS: tuple[Kind, ...] = (
    Kind("checkpoint opening", ("cp-open",), checkpoint_opening, True, SHEET_GONE),
    Kind("checkpoint closing", ("cp-closing",), checkpoint_closing, True, SHEET_GONE),
    Kind(
        "appraisees' sheets",
        ("cp-appraisees",),
        appraisee_lists,
        True,
        "every appraisee listed has filled in the sheet, or a newer list replaced it",
    ),
    Kind(
        "written feedback",
        ("written-due", "written-overdue"),
        written_feedback,
        False,
        "the written feedback has been given, or a newer reminder replaced this one",
    ),
    Kind(
        "STAR projects",
        ("star-baseline", "star-final", "star-evaluation"),
        star_projects,
        True,
        "the measurement or evaluation has been recorded",
    ),
    Kind(
        "verbal feedback",
        ("verbal-due", "verbal-overdue"),
        verbal_feedback,
        False,
        "the verbal feedback has been given, or a newer reminder replaced this one",
    ),
    Kind(
        "school holidays",
        ("holidays",),
        school_holidays,
        False,
        "the framework lists later school holidays now",
    ),
    Kind(
        "objectives to write, and praise",
        ("obj-write", "praise"),
        _appraisal_year(("obj-write", "praise")),
        True,
        "the objectives have been written, or the appraisee has been commended",
    ),
    Kind(
        "objectives to agree and review",
        ("obj-unagreed", "obj-review-open", "obj-review-closing"),
        _appraisal_year(("obj-unagreed", "obj-review-open", "obj-review-closing")),
        False,
        "the objectives have been agreed or reviewed, or the checkpoint has closed",
    ),
)
KIND_BY_PREFIX = {prefix: kind for kind in KINDS for prefix in kind.prefixes}


def due_at(*, db: Database, framework: Framework, calendar: SchoolCalendar, now: datetime) -> Due:
    """Every nudge due at `now`, of every kind."""
    context = DueContext(db, framework, calendar, now)
    due = Due()
    for kind in KINDS:
        found = kind.due(context)
        due.nudges.extend(found.nudges)
        due.unresolved |= found.unresolved
    return due
