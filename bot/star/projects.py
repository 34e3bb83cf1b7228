"""STAR projects: starting one, seeing it, moving through the stages, adding notes.

A project belongs to its owner; only the owner changes it. Measuring is
bot.star.measure, evaluating bot.star.evaluation, the rules bot.star.rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.core.calendar import AcademicYear, SchoolCalendar
from bot.core.errors import InvalidInput, Problem, problem
from bot.core.people import active_appraiser, refreshed
from bot.core.usecase import UseCase
from bot.outbox.queue import Delivery, enqueue
from bot.star.rules import VALUE, next_stage, parse_measurement
from bot.star.view import Outcome, Status, current, owned, status_of, told
from storage.db import Database
from storage.models import MeasurementKind, Staff, StarMeasurement, StarNote, StarProject
from storage.star import add_measurement, add_note, add_project

# Form fields, for errors shown beside them.
TITLE, QUESTION, BENEFICIARIES = "title", "question", "beneficiaries"
KPI_NAME, KPI_UNIT, DIRECTION, METHOD = "kpi_name", "kpi_unit", "direction", "kpi_method"
START, END, BASELINE = "planned_start", "planned_end", "baseline"
NOTE = "note"

LIMITS = {
    TITLE: 150,
    QUESTION: 3000,
    BENEFICIARIES: 500,
    KPI_NAME: 150,
    KPI_UNIT: 30,
    METHOD: 1000,
    NOTE: 3000,
    "learned": 3000,
}


@dataclass(frozen=True)
class NewProject:
    title: str
    kpi_name: str
    higher_is_better: bool | None
    planned_start: date | None
    planned_end: date | None
    question: str = ""
    beneficiaries: str = ""
    kpi_unit: str = ""
    kpi_method: str = ""
    baseline: str = ""


def length_problems(texts: dict[str, str]) -> dict[str, Problem]:
    return {
        name: problem("star.too_long", length=len(text.strip()), limit=LIMITS[name])
        for name, text in texts.items()
        if len(text.strip()) > LIMITS[name]
    }


@dataclass(frozen=True)
class StartProject(UseCase[Outcome]):
    """Start a project (and record its baseline if given); tell the owner and appraiser."""

    db: Database
    calendar: SchoolCalendar
    owner: Staff
    request: NewProject
    now: datetime

    def run(self, session: Session, *, write: bool) -> Outcome | None:
        request, now = self.request, self.now
        baseline = _validated(request)
        owner = refreshed(session, self.owner)
        if not write:
            return None
        assert owner.id is not None
        assert request.planned_start is not None and request.planned_end is not None
        today = self.calendar.today(now)
        project = add_project(
            session=session,
            project=StarProject(
                owner_id=owner.id,
                academic_year=AcademicYear.of(today).label,
                title=request.title.strip(),
                question=request.question.strip(),
                beneficiaries=request.beneficiaries.strip(),
                kpi_name=request.kpi_name.strip(),
                kpi_unit=request.kpi_unit.strip(),
                higher_is_better=bool(request.higher_is_better),
                kpi_method=request.kpi_method.strip(),
                planned_start=request.planned_start,
                planned_end=request.planned_end,
                created_at=now,
                updated_at=now,
            ),
        )
        assert project.id is not None
        if baseline is not None:
            add_measurement(
                session=session,
                measurement=StarMeasurement(
                    project_id=project.id,
                    kind=MeasurementKind.BASELINE,
                    value=baseline,
                    measured_on=today,
                    created_at=now,
                ),
            )
        status = status_of(session, self.calendar, project)
        deliveries = _started(project, owner, active_appraiser(session, owner), status)
        return Outcome(status, enqueue(session=session, deliveries=deliveries, now=now))


def _started(
    project: StarProject, owner: Staff, appraiser: Staff | None, status: Status
) -> list[Delivery]:
    key = f"star:{project.id}:started"
    deliveries = []
    if owner.slack_user_id:
        context = {"status": status, "intro": "started"}
        deliveries.append(Delivery(f"{key}:owner", owner.slack_user_id, "star_status", context))
    if appraiser is not None and appraiser.slack_user_id:
        deliveries.append(
            Delivery(
                f"{key}:appraiser", appraiser.slack_user_id, "star_started", {"status": status}
            )
        )
    return deliveries


def _validated(request: NewProject) -> float | None:
    errors = length_problems(
        {
            TITLE: request.title,
            QUESTION: request.question,
            BENEFICIARIES: request.beneficiaries,
            KPI_NAME: request.kpi_name,
            KPI_UNIT: request.kpi_unit,
            METHOD: request.kpi_method,
        }
    )
    if not request.title.strip():
        errors[TITLE] = problem("star.no_title")
    if not request.kpi_name.strip():
        errors[KPI_NAME] = problem("star.no_kpi")
    if not request.kpi_method.strip():
        errors[METHOD] = problem("star.no_method")
    if request.higher_is_better is None:
        errors[DIRECTION] = problem("star.no_direction")
    if request.planned_start is None:
        errors[START] = problem("star.no_start")
    if request.planned_end is None:
        errors[END] = problem("star.no_end")
    elif request.planned_start and request.planned_end < request.planned_start:
        errors[END] = problem("star.end_before_start")
    baseline = None
    if request.baseline.strip():
        try:
            baseline = parse_measurement(request.baseline)
        except InvalidInput as error:
            errors[BASELINE] = error.problems[VALUE]
    if errors:
        raise InvalidInput(errors)
    return baseline


def status(*, db: Database, calendar: SchoolCalendar, owner: Staff, now: datetime) -> Status | None:
    """The owner's current project this academic year, or None if they have none."""
    with db.read_session() as session:
        project = current(session, calendar, owner, now)
        return status_of(session, calendar, project) if project else None


def project_status(
    *, db: Database, calendar: SchoolCalendar, owner: Staff, project_id: int
) -> Status:
    """One of the owner's projects, this year's or an earlier one (NotAllowed for others)."""
    with db.read_session() as session:
        return status_of(session, calendar, owned(session, owner, project_id))


def advance(
    *,
    db: Database,
    calendar: SchoolCalendar,
    owner: Staff,
    project_id: int,
    now: datetime,
    from_stage: int | None = None,
) -> Status:
    """Move the project on to its next stage: from `from_stage` (the stage the button
    showed) only, so a second click on the same button moves nothing."""
    with db.session() as session:
        project = owned(session, refreshed(session, owner), project_id)
        if from_stage is not None and project.stage != from_stage:
            return status_of(session, calendar, project)
        project.stage = next_stage(project.stage, evaluated=project.evaluated_at is not None)
        project.updated_at = now
        session.add(project)
        return status_of(session, calendar, project)


@dataclass(frozen=True)
class AddNote(UseCase[Outcome]):
    """A note in the owner's words, at the project's current stage."""

    db: Database
    calendar: SchoolCalendar
    owner: Staff
    project_id: int
    text: str
    now: datetime

    def run(self, session: Session, *, write: bool) -> Outcome | None:
        errors = length_problems({NOTE: self.text})
        if not self.text.strip():
            errors[NOTE] = problem("star.no_note")
        if errors:
            raise InvalidInput(errors)
        owner = refreshed(session, self.owner)
        project = owned(session, owner, self.project_id)
        if not write:
            return None
        assert project.id is not None
        add_note(
            session=session,
            note=StarNote(
                project_id=project.id,
                stage=project.stage,
                text=self.text.strip(),
                created_at=self.now,
            ),
        )
        return told(session, self.calendar, project, owner, "noted", self.now)
