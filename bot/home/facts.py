"""What the dashboards say about each person, read for many people at once (an
appraiser's team, a school, a trust): a handful of queries, whatever the number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Literal

from sqlmodel import Session

from bot.core.calendar import AcademicYear, SchoolCalendar
from bot.core.framework import Framework
from bot.core.people import mention
from bot.home.terms import half_term_start, term_start
from bot.ladder.rules import Band, band
from bot.ladder.windows import Window, ladder_windows
from bot.objectives import rules as objective_rules
from storage.home import (
    SheetLevel,
    feedback_received_since,
    objective_states,
    praise_received_since,
    projects_in_year,
    reviewed_at,
    sheets_in_year,
    visits_received_since,
    with_baseline,
    written_overdue_by_observer,
)
from storage.models import Staff

ObjectivesState = Literal["none", "written", "talk", "agreed"]
# What a person (or their appraiser) is late with; the templates word each.
Overdue = Literal["objectives_unagreed", "review", "ladder", "baseline", "written_feedback"]


@dataclass(frozen=True)
class Moment:
    """The dates a dashboard is drawn for."""

    today: date
    year: AcademicYear
    term_start: date
    half_term_start: date
    ladder_window: Window | None  # the ladder checkpoint now (open, or the last one closed)
    review_window: Window | None  # the objectives review checkpoint now
    agreement_closes: date

    @staticmethod
    def at(framework: Framework, calendar: SchoolCalendar, now: datetime) -> Moment:
        today = calendar.today(now)
        year = AcademicYear.of(today)
        opened = [w for w in ladder_windows(framework, year) if w.opens <= today]
        return Moment(
            today=today,
            year=year,
            term_start=term_start(framework, today),
            half_term_start=half_term_start(framework, today),
            ladder_window=opened[-1] if opened else None,
            review_window=objective_rules.review_window_at(framework, today),
            agreement_closes=objective_rules.agreement_window(framework, year).closes,
        )


@dataclass(frozen=True)
class Facts:
    person: Staff
    mention: str
    objectives: ObjectivesState
    objectives_set_id: int | None
    reviewed_now: bool  # reviewed at the current review checkpoint
    ladder_filled: bool  # the sheet of the current ladder checkpoint
    ladder_level: int | None  # on the latest sheet this year
    expected: int | None
    band: Band | None  # where they stand against the expected level (the chart's key)
    levels_below: int  # how far the latest level is below the expected one (0 if not below)
    star_stage: int | None
    has_baseline: bool
    visits_term: int
    feedback_term: int
    praise_half_term: int
    written_overdue: int  # visits whose written feedback they owe and is late
    overdue: list[Overdue] = field(default_factory=list)


def gather(
    session: Session,
    framework: Framework,
    calendar: SchoolCalendar,
    people: Sequence[Staff],
    moment: Moment,
    *,
    whole_trust: bool = False,
    with_praise: bool = False,
) -> list[Facts]:
    """The facts about each of `people`. `whole_trust` reads every row of the year rather
    than naming thousands of ids in a query."""
    ids = [p.id for p in people if p.id is not None]
    scope: list[int] | None = None if whole_trust else ids
    label = moment.year.label
    sets = objective_states(session=session, academic_year=label, staff_ids=scope)
    review_key = moment.review_window.checkpoint.key if moment.review_window else None
    reviewed = (
        reviewed_at(session=session, academic_year=label, checkpoint=review_key, staff_ids=scope)
        if review_key
        else set()
    )
    sheets: dict[int, list[SheetLevel]] = {}
    for sheet in sheets_in_year(session=session, academic_year=label, staff_ids=scope):
        sheets.setdefault(sheet.staff_id, []).append(sheet)
    projects = projects_in_year(session=session, academic_year=label, staff_ids=scope)
    baselines = with_baseline(
        session=session, project_ids=[p.project_id for p in projects.values()]
    )
    visits = visits_received_since(session=session, since=moment.term_start, staff_ids=scope)
    feedback = feedback_received_since(session=session, since=moment.term_start, staff_ids=scope)
    written = written_overdue_by_observer(session=session, today=moment.today, observer_ids=scope)
    praise: dict[int, int] = {}
    if with_praise:
        since = datetime.combine(moment.half_term_start, datetime.min.time(), framework.zone)
        praise = praise_received_since(session=session, since=since.astimezone(UTC), staff_ids=ids)
    order = {w.checkpoint.key: w.opens for w in ladder_windows(framework, moment.year)}
    expected_by_grade: dict[str, int | None] = {}
    facts = []
    for person in people:
        assert person.id is not None
        found = sets.get(person.id)
        state: ObjectivesState = "none"
        if found is not None:
            state = "agreed" if found.agreed else ("talk" if found.talk else "written")
        mine = sorted(sheets.get(person.id, []), key=lambda s: order.get(s.checkpoint, date.max))
        latest = mine[-1].level_reached if mine else None
        if person.grade not in expected_by_grade:
            expected_by_grade[person.grade] = framework.expected_level(person.grade)
        expected = expected_by_grade[person.grade]
        window = moment.ladder_window
        filled = window is not None and any(s.checkpoint == window.checkpoint.key for s in mine)
        project = projects.get(person.id)
        has_baseline = project is not None and project.project_id in baselines
        overdue: list[Overdue] = []
        if state != "agreed" and moment.today > moment.agreement_closes:
            overdue.append("objectives_unagreed")
        review = moment.review_window
        if (
            state == "agreed"
            and review is not None
            and moment.today > review.closes
            and person.id not in reviewed
        ):
            overdue.append("review")
        if window is not None and not filled and moment.today > window.closes:
            overdue.append("ladder")
        if project is not None and not has_baseline and moment.today >= project.planned_start:
            overdue.append("baseline")  # "take a measurement of it before you start"
        if written.get(person.id):
            overdue.append("written_feedback")
        facts.append(
            Facts(
                person=person,
                mention=mention(person),
                objectives=state,
                objectives_set_id=found.set_id if found else None,
                reviewed_now=person.id in reviewed,
                ladder_filled=filled,
                ladder_level=latest,
                expected=expected,
                band=(
                    band(latest, expected, framework.new_to_role_levels)
                    if latest is not None
                    else None
                ),
                levels_below=max(0, expected - latest) if latest is not None and expected else 0,
                star_stage=project.stage if project else None,
                has_baseline=has_baseline,
                visits_term=visits.get(person.id, 0),
                feedback_term=feedback.get(person.id, 0),
                praise_half_term=praise.get(person.id, 0),
                written_overdue=written.get(person.id, 0),
                overdue=overdue,
            )
        )
    return facts
