"""What is due at a moment: every nudge staffroom owes someone, kind by kind.

Each nudge has a natural key `nudge:<kind>:<subject…>:<period>`, so queueing it
twice is a no-op: any number of ticks or processes create it once. What is due
depends only on the database and the date, so a tick after downtime catches up
on what is still relevant and never announces a window that has already closed.

Each kind is computed on its own (`KINDS`): the tick queues each separately, so
one that fails stops no other, and the sender asks the same kind, when a held
nudge's moment comes, whether it is still due (bot.nudges.still_due). The kinds share
one view of the moment (bot.nudges.moment); each finds its nudges here or in a module
of its own (the ladder's checkpoints, verbal feedback, holidays, the appraisal year).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.core.calendar import SchoolCalendar
from bot.core.framework import Framework
from bot.core.people import mention
from bot.feedback.due import written_feedback_due_at
from bot.nudges.checkpoints import appraisee_lists, checkpoint_closing, checkpoint_opening
from bot.nudges.holidays import holiday_nudges
from bot.nudges.moment import Due, DueContext, add, kind_prefix
from bot.nudges.objectives import objective_nudges
from bot.nudges.verbal import verbal_nudges
from bot.star.due import needs_at
from storage.db import Database
from storage.staff import RosterEntry


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
            add(
                due,
                observer,
                f"nudge:written-due:{owed.visit_id}",
                "nudge_written_due",
                details,
                optional=False,
            )
            continue
        add(
            due,
            observer,
            f"nudge:written-overdue:{owed.visit_id}:observer",
            "nudge_written_overdue",
            {**details, "to_manager": False},
            optional=False,
        )
        manager = people.get(observer.appraiser_id) if observer.appraiser_id else None
        add(
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
        add(
            due,
            owner,
            f"nudge:star-{need.need}:{need.project_id}",
            "nudge_star",
            {**details, "to_appraiser": False},
            optional=True,
        )
        if need.need == "evaluation" and owner.appraiser_id:
            add(
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
        add(due, owed.person, owed.key, owed.template, owed.context, optional=False)


def school_holidays(context: DueContext, due: Due) -> None:
    """bot.nudges.holidays: the framework's school holidays run out soon."""
    for owed in holiday_nudges(
        framework=context.framework,
        calendar=context.calendar,
        now=context.now,
        people=context.people,
    ):
        add(due, owed.person, owed.key, owed.template, owed.context, optional=False)


def _appraisal_year(prefixes: tuple[str, ...]) -> Callable[[DueContext, Due], None]:
    """bot.nudges.objectives, the nudges whose keys start with one of `prefixes`."""

    def find(moment: DueContext, due: Due) -> None:
        def add_of_kind(
            person: RosterEntry | None,
            key: str,
            template: str,
            context: dict[str, object],
            *,
            optional: bool,
        ) -> None:
            if kind_prefix(key) in prefixes:
                add(due, person, key, template, context, optional=optional)

        objective_nudges(
            add_of_kind,
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
