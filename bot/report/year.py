"""What the Staff Appraisal Report holds: the year of one person, named as on paper
(the appraisal year): objectives and reviews, the STAR project with its KPI table and
change, the ladder grid with expected and target level, feedback received (standards
and ratings over time), lesson visits, commendations received, and leadership
training write-ups. Seen by the person, their appraiser and their leaders only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.admin import audit
from bot.core.calendar import AcademicYear, SchoolCalendar
from bot.core.errors import NotAllowed, invalid, problem
from bot.core.framework import SHEET_LEVELS, Framework
from bot.core.people import on_roster
from bot.core.visibility import can_see
from bot.ladder.grid import Grid, grid_of
from bot.ladder.rules import Rag
from bot.objectives.training import TrainingView, views_of
from bot.objectives.view import ObjectivesView, objectives_view
from bot.star.view import Status, current, status_of
from storage.commendations import commendations_received
from storage.db import Database
from storage.feedback import feedback_by_ids, feedback_received, standards_of, visits_involving
from storage.models import Feedback, Staff, Visit
from storage.objectives import training_of
from storage.staff import staff_by_ids


@dataclass(frozen=True)
class Statement:
    level: int
    index: int
    text: str
    colours: dict[str, Rag | None]  # checkpoint key -> colour (None: no sheet then)


@dataclass(frozen=True)
class RatedStandard:
    code: str
    name: str
    rating: str | None


@dataclass(frozen=True)
class FeedbackLine:
    observed_on: date
    observer: str
    context: str
    standards: list[RatedStandard]
    strengths: str
    development: str
    next_steps: str


@dataclass(frozen=True)
class Done:
    """When a visit's verbal or written feedback was due and given, as of the report's day:
    `state` is "on_time", "late" (given after its due day), "overdue" (not given, due day
    past), "not_yet", or "unmarked" (verbal never marked given, the written feedback given)."""

    due: date
    given_on: date | None
    state: str


def done(due: date, given_on: date | None, today: date, *, unmarked: bool = False) -> Done:
    if given_on is not None:
        return Done(due, given_on, "late" if given_on > due else "on_time")
    if unmarked:
        return Done(due, None, "unmarked")
    return Done(due, None, "overdue" if today > due else "not_yet")


@dataclass(frozen=True)
class VisitLine:
    visited_on: date
    observer: str
    verbal: Done
    written: Done


@dataclass(frozen=True)
class PraiseLine:
    received_on: date
    author: str
    message: str
    value: str | None


@dataclass(frozen=True)
class AppraisalReport:
    name: str
    email: str
    school: str
    role: str
    grade: str
    appraiser: str | None
    year: str
    made_on: date
    objectives: ObjectivesView
    star: Status | None
    grid: Grid
    statements: list[Statement]
    level_names: dict[int, str]
    feedback: list[FeedbackLine]
    visits: list[VisitLine]
    praise: list[PraiseLine]
    training: list[TrainingView]
    rating_names: dict[str, str]


def shown_to(viewer: Staff, subject: Staff) -> None:
    """The one gate before a person's report is made for someone: the
    person, their appraiser and their leaders only. NotAllowed for anyone else."""
    if not can_see(viewer, subject):
        raise NotAllowed(problem("report.private"))


def check_may_see(*, db: Database, viewer: Staff, subject_slack_id: str) -> None:
    """Refuse before anything is promised: the same checks as `report_seen_by`, without
    making the report (NotAllowed or InvalidInput)."""
    with db.read_session() as session:
        subject = on_roster(session, subject_slack_id)
        if subject is None:
            raise invalid("person", "people.unknown", slack_id=subject_slack_id)
        shown_to(viewer, subject)


def report_seen_by(
    *,
    db: Database,
    framework: Framework,
    calendar: SchoolCalendar,
    viewer: Staff,
    now: datetime,
    subject_id: int | None = None,
    subject_slack_id: str | None = None,
) -> AppraisalReport:
    """The report of this academic year for the person named by id or Slack id."""
    with db.read_session() as session:
        if subject_slack_id is not None:
            subject = on_roster(session, subject_slack_id)
            if subject is None:
                raise invalid("person", "people.unknown", slack_id=subject_slack_id)
        else:
            subject = session.get(Staff, subject_id) if subject_id is not None else None
            if subject is None or not subject.active:
                raise NotAllowed(problem("report.private"))
        shown_to(viewer, subject)
        report = _report(session, framework, calendar, subject, now)
    audit.viewed(db=db, viewer=viewer, subject=subject, record="report", now=now)
    return report


def _named(person: Staff) -> str:
    return person.name


def _report(
    session: Session, framework: Framework, calendar: SchoolCalendar, person: Staff, now: datetime
) -> AppraisalReport:
    assert person.id is not None
    today = calendar.today(now)
    year = AcademicYear.of(today)

    def in_year(day: date) -> bool:
        return year.starts <= day <= year.ends

    objectives = objectives_view(session, framework, calendar, person, now, naming=_named)
    project = current(session, calendar, person, now)
    star = status_of(session, calendar, project) if project else None
    grid = grid_of(session, framework, person, year.label)
    received = [
        f for f in feedback_received(session=session, staff_id=person.id) if in_year(f.observed_on)
    ]
    standards = standards_of(session=session, feedback_ids=[f.id for f in received if f.id])
    visits = [
        v
        for v in visits_involving(session=session, staff_id=person.id)
        if v.observee_id == person.id and in_year(v.visited_on)
    ]
    written = feedback_by_ids(
        session=session, ids=[v.written_feedback_id for v in visits if v.written_feedback_id]
    )
    praise = [
        c
        for c in commendations_received(session=session, staff_id=person.id)
        if in_year(calendar.today(c.created_at))
    ]
    people = staff_by_ids(
        session=session,
        ids=[f.observer_id for f in received]
        + [v.observer_id for v in visits]
        + [c.author_id for c in praise]
        + ([person.appraiser_id] if person.appraiser_id else []),
    )
    training = [t for t in training_of(session=session, staff_id=person.id) if in_year(t.taken_on)]

    def name_of(staff_id: int | None) -> str:
        return people[staff_id].name if staff_id in people else ""

    standard_names = {
        s.code: s.name for group in framework.standard_sets.values() for s in group.standards
    }
    return AppraisalReport(
        name=person.name,
        email=person.email,
        school=person.school,
        role=person.role.value,
        grade=person.grade,
        appraiser=name_of(person.appraiser_id) or None,
        year=year.label,
        made_on=today,
        objectives=objectives,
        star=star,
        grid=grid,
        statements=[
            Statement(
                level=level.level,
                index=index,
                text=text,
                colours={
                    key: (cells[index - 1] if cells else None)
                    for key, cells in grid.rows[level.level - 1].cells.items()
                },
            )
            for level in framework.ladder[:SHEET_LEVELS]
            for index, text in enumerate(level.statements, 1)
        ],
        level_names={level.level: level.name for level in framework.ladder},
        feedback=[
            FeedbackLine(
                observed_on=f.observed_on,
                observer=name_of(f.observer_id),
                context=f.context.value,
                standards=[
                    RatedStandard(row.code, standard_names.get(row.code, row.code), row.rating)
                    for row in standards[f.id or 0]
                ],
                strengths=f.strengths,
                development=f.development,
                next_steps=f.next_steps,
            )
            for f in received
        ],
        visits=[_visit_line(v, name_of(v.observer_id), written, calendar, today) for v in visits],
        praise=[
            PraiseLine(
                received_on=calendar.today(c.created_at),
                author=name_of(c.author_id),
                message=c.message,
                value=(v.name if (v := framework.value(c.value)) else c.value) if c.value else None,
            )
            for c in praise
        ],
        training=views_of(training),
        rating_names={r.code: r.name for r in framework.ratings},
    )


def _visit_line(
    visit: Visit,
    observer: str,
    written: dict[int, Feedback],
    calendar: SchoolCalendar,
    today: date,
) -> VisitLine:
    feedback = written.get(visit.written_feedback_id) if visit.written_feedback_id else None
    written_on = calendar.today(feedback.created_at) if feedback else None
    verbal_on = calendar.today(visit.verbal_given_at) if visit.verbal_given_at else None
    return VisitLine(
        visited_on=visit.visited_on,
        observer=observer,
        verbal=done(visit.verbal_due, verbal_on, today, unmarked=written_on is not None),
        written=done(visit.written_due, written_on, today),
    )
