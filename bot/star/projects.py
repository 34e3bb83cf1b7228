"""STAR projects: starting one, measuring its KPI, moving through the stages,
evaluating with the appraiser (the use-cases; the rules are bot.star.rules).

A project belongs to its owner; their appraiser confirms the evaluation. Only
the owner moves it on, measures it and evaluates it; only their appraiser
confirms. Records reach the owner and appraiser by DM.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from sqlmodel import Session

from bot.core.calendar import AcademicYear, SchoolCalendar
from bot.core.errors import InvalidInput, NotAllowed
from bot.core.people import acting_person, active_appraiser, mention
from bot.outbox.queue import Delivery, enqueue
from bot.star.rules import (
    EVALUATE_STAGE,
    STAGES,
    Change,
    kpi_change,
    next_stage,
    parse_measurement,
)
from messages.render import number
from storage.db import Database
from storage.models import MeasurementKind, Staff, StarMeasurement, StarNote, StarProject
from storage.staff import staff_by_ids
from storage.star import (
    add_measurement,
    add_note,
    add_project,
    current_project,
    measurement_of_kind,
    measurements_of,
    notes_of,
    project_by_id,
    unfinished_projects,
)

# Form fields, for errors shown beside them.
TITLE, QUESTION, BENEFICIARIES = "title", "question", "beneficiaries"
KPI_NAME, KPI_UNIT, DIRECTION, METHOD = "kpi_name", "kpi_unit", "direction", "kpi_method"
START, END, BASELINE = "planned_start", "planned_end", "baseline"
VALUE, KIND, SAME_WAY = "value", "kind", "same_way"
NOTE, LEARNED, WOULD_SHARE = "note", "learned", "would_share"

LIMITS = {
    TITLE: 150,
    QUESTION: 3000,
    BENEFICIARIES: 500,
    KPI_NAME: 150,
    KPI_UNIT: 30,
    METHOD: 1000,
    NOTE: 3000,
    LEARNED: 3000,
}
BASELINE_WORKING_DAYS = 10
OCTOBER = 10


class NeedsSameWay(Exception):
    """A final measurement must be confirmed as taken exactly like the baseline."""

    def __init__(self, method: str) -> None:
        super().__init__(method)
        self.method = method


@dataclass(frozen=True)
class NewProject:
    owner_slack_id: str
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


@dataclass(frozen=True)
class MeasurementView:
    kind: str
    value: float
    measured_on: date


@dataclass(frozen=True)
class NoteView:
    stage: int
    text: str
    written_on: date


NOTES_SHOWN = 3


@dataclass(frozen=True)
class Status:
    """A project as its owner and appraiser see it."""

    project_id: int
    owner: str
    title: str
    academic_year: str
    stage: int
    stage_name: str
    kpi_name: str
    kpi_unit: str
    higher_is_better: bool
    kpi_method: str
    measurements: list[MeasurementView]
    change: Change | None  # from the baseline to the latest measurement
    evaluation_submitted: bool
    evaluated: bool
    learned: str
    would_share: bool | None
    notes: list[NoteView] = field(default_factory=list)  # the newest few, newest first
    stages: dict[int, str] = field(default_factory=lambda: dict(STAGES))

    @property
    def has_baseline(self) -> bool:
        return any(m.kind == MeasurementKind.BASELINE for m in self.measurements)


@dataclass(frozen=True)
class Outcome:
    status: Status
    outbox_ids: list[int]


# --- starting -------------------------------------------------------------------------


def check_new(
    *, db: Database, calendar: SchoolCalendar, request: NewProject, now: datetime
) -> None:
    with db.read_session() as session:
        acting_person(session, request.owner_slack_id)
    _validated_new(request)


def create(
    *, db: Database, calendar: SchoolCalendar, request: NewProject, now: datetime
) -> Outcome:
    baseline = _validated_new(request)
    today = calendar.today(now)
    with db.session() as session:
        owner = acting_person(session, request.owner_slack_id)
        assert owner.id is not None
        assert request.planned_start is not None and request.planned_end is not None
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
        status = _status(session, project)
        deliveries = [
            Delivery(
                f"star:{project.id}:started:owner",
                request.owner_slack_id,
                "star_status",
                {"status": status, "intro": "started"},
            )
        ]
        appraiser = active_appraiser(session, owner)
        if appraiser is not None and appraiser.slack_user_id:
            deliveries.append(
                Delivery(
                    f"star:{project.id}:started:appraiser",
                    appraiser.slack_user_id,
                    "star_started",
                    {"status": status},
                )
            )
        return Outcome(status, enqueue(session=session, deliveries=deliveries, now=now))


def _validated_new(request: NewProject) -> float | None:
    errors = _length_errors(
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
        errors[TITLE] = "Give the project a title."
    if not request.kpi_name.strip():
        errors[KPI_NAME] = "Name the KPI you will measure before and after."
    if not request.kpi_method.strip():
        errors[METHOD] = "Say how you will measure it, so the final can be measured the same way."
    if request.higher_is_better is None:
        errors[DIRECTION] = "Say whether a higher or a lower value is better."
    if request.planned_start is None:
        errors[START] = "Choose when you plan to start."
    if request.planned_end is None:
        errors[END] = "Choose when you plan to finish."
    elif request.planned_start and request.planned_end < request.planned_start:
        errors[END] = "The end date is before the start date."
    baseline = None
    if request.baseline.strip():
        try:
            baseline = parse_measurement(request.baseline)
        except InvalidInput as error:
            errors[BASELINE] = error.field_errors[VALUE]
    if errors:
        raise InvalidInput(errors)
    return baseline


def _length_errors(texts: dict[str, str]) -> dict[str, str]:
    return {
        name: f"This is {len(text.strip())} characters; please keep it to {LIMITS[name]}."
        for name, text in texts.items()
        if len(text.strip()) > LIMITS[name]
    }


# --- the owner's project ------------------------------------------------------------------


def status(
    *, db: Database, calendar: SchoolCalendar, slack_user_id: str, now: datetime
) -> Status | None:
    """The owner's current project this academic year, or None if they have none."""
    with db.read_session() as session:
        owner = acting_person(session, slack_user_id)
        project = _current(session, calendar, owner, now)
        return _status(session, project) if project else None


def check_measure(
    *,
    db: Database,
    calendar: SchoolCalendar,
    slack_user_id: str,
    value_text: str,
    kind_text: str | None,
    same_way: bool,
    now: datetime,
    project_id: int | None = None,
) -> None:
    """Everything `measure` would refuse (or ask), reading only."""
    with db.read_session() as session:
        _prepared(
            session, calendar, slack_user_id, value_text, kind_text, same_way, now, project_id
        )


def project_status(*, db: Database, slack_user_id: str, project_id: int) -> Status:
    """One of the owner's projects, this year's or an earlier one (NotAllowed for others)."""
    with db.read_session() as session:
        return _status(session, _owned(session, acting_person(session, slack_user_id), project_id))


def measure(
    *,
    db: Database,
    calendar: SchoolCalendar,
    slack_user_id: str,
    value_text: str,
    kind_text: str | None,
    same_way: bool,
    now: datetime,
    project_id: int | None = None,
    notify: bool = False,
) -> Outcome:
    """Record a KPI measurement. Raises NeedsSameWay for a final not yet confirmed."""
    with db.session() as session:
        project, kind, value = _prepared(
            session, calendar, slack_user_id, value_text, kind_text, same_way, now, project_id
        )
        assert project.id is not None
        add_measurement(
            session=session,
            measurement=StarMeasurement(
                project_id=project.id,
                kind=kind,
                value=value,
                measured_on=calendar.today(now),
                created_at=now,
            ),
        )
        project.updated_at = now
        session.add(project)
        return _outcome(session, project, slack_user_id, "measured" if notify else None, now)


def _prepared(
    session: Session,
    calendar: SchoolCalendar,
    slack_user_id: str,
    value_text: str,
    kind_text: str | None,
    same_way: bool,
    now: datetime,
    project_id: int | None,
) -> tuple[StarProject, MeasurementKind, float]:
    owner = acting_person(session, slack_user_id)
    project = (
        _owned(session, owner, project_id)
        if project_id is not None
        else _current(session, calendar, owner, now)
    )
    if project is None:
        raise InvalidInput(
            {VALUE: "You have no STAR project this year: start one with `/star new`."}
        )
    value = parse_measurement(value_text)
    kind = _kind(session, project, kind_text)
    if kind is MeasurementKind.FINAL and not same_way:
        raise NeedsSameWay(project.kpi_method)
    return project, kind, value


def _outcome(
    session: Session, project: StarProject, owner_slack_id: str, intro: str | None, now: datetime
) -> Outcome:
    """The project's status, and a DM of it to the owner when `intro` says what happened."""
    status = _status(session, project)
    if intro is None:
        return Outcome(status, [])
    key = f"star:{project.id}:{intro}:{now.strftime('%Y%m%dT%H%M%S.%f')}"
    delivery = Delivery(key, owner_slack_id, "star_status", {"status": status, "intro": intro})
    return Outcome(status, enqueue(session=session, deliveries=[delivery], now=now))


def _kind(session: Session, project: StarProject, kind_text: str | None) -> MeasurementKind:
    assert project.id is not None
    baseline = measurement_of_kind(
        session=session, project_id=project.id, kind=MeasurementKind.BASELINE
    )
    if not kind_text:
        return MeasurementKind.INTERIM if baseline else MeasurementKind.BASELINE
    try:
        kind = MeasurementKind(kind_text.strip().lower())
    except ValueError:
        raise InvalidInput({KIND: f"{kind_text!r} is not baseline, interim or final."}) from None
    if kind is MeasurementKind.BASELINE and baseline is not None:
        raise InvalidInput(
            {
                KIND: f"This project already has its baseline ({number(baseline.value)} "
                f"on {baseline.measured_on:%-d %B %Y})."
            }
        )
    if kind is not MeasurementKind.BASELINE and baseline is None:
        raise InvalidInput(
            {KIND: "Take the baseline first: the same measurement, before you start."}
        )
    if kind is MeasurementKind.FINAL and measurement_of_kind(
        session=session, project_id=project.id, kind=MeasurementKind.FINAL
    ):
        raise InvalidInput({KIND: "This project already has its final measurement."})
    return kind


def advance(*, db: Database, slack_user_id: str, project_id: int, now: datetime) -> Status:
    with db.session() as session:
        project = _owned(session, acting_person(session, slack_user_id), project_id)
        project.stage = next_stage(project.stage, evaluated=project.evaluated_at is not None)
        project.updated_at = now
        session.add(project)
        return _status(session, project)


def check_note(text: str) -> None:
    errors = _length_errors({NOTE: text})
    if not text.strip():
        errors[NOTE] = "Write the note."
    if errors:
        raise InvalidInput(errors)


def note(*, db: Database, slack_user_id: str, project_id: int, text: str, now: datetime) -> Outcome:
    check_note(text)
    with db.session() as session:
        project = _owned(session, acting_person(session, slack_user_id), project_id)
        assert project.id is not None
        new = StarNote(
            project_id=project.id, stage=project.stage, text=text.strip(), created_at=now
        )
        add_note(session=session, note=new)
        return _outcome(session, project, slack_user_id, "noted", now)


# --- evaluation -----------------------------------------------------------------------------


def check_evaluation(
    *, db: Database, slack_user_id: str, project_id: int, learned: str, would_share: bool | None
) -> None:
    with db.read_session() as session:
        project = _owned(session, acting_person(session, slack_user_id), project_id)
        _check_evaluation(project, learned, would_share)


def _check_evaluation(project: StarProject, learned: str, would_share: bool | None) -> None:
    if project.stage != EVALUATE_STAGE:
        raise InvalidInput(
            {LEARNED: "Evaluate the project at stage 5, once you have tried it out."}
        )
    errors = _length_errors({LEARNED: learned})
    if not learned.strip():
        errors[LEARNED] = "Write what you learned, whichever way the KPI moved."
    if would_share is None:
        errors[WOULD_SHARE] = "Say whether you would share it at SMART day."
    if errors:
        raise InvalidInput(errors)


def evaluate(
    *,
    db: Database,
    slack_user_id: str,
    project_id: int,
    learned: str,
    would_share: bool | None,
    now: datetime,
) -> Outcome:
    """The owner's evaluation; it counts once their appraiser confirms it."""
    with db.session() as session:
        owner = acting_person(session, slack_user_id)
        project = _owned(session, owner, project_id)
        _check_evaluation(project, learned, would_share)
        project.learned = learned.strip()
        project.would_share = would_share
        project.evaluation_submitted_at = now
        project.updated_at = now
        session.add(project)
        status = _status(session, project)
        appraiser = active_appraiser(session, owner)
        deliveries = []
        if appraiser is not None and appraiser.slack_user_id:
            stamp = now.strftime("%Y%m%dT%H%M%S")
            deliveries.append(
                Delivery(
                    f"star:{project.id}:evaluation:{stamp}",
                    appraiser.slack_user_id,
                    "star_evaluation_request",
                    {"status": status},
                )
            )
        return Outcome(status, enqueue(session=session, deliveries=deliveries, now=now))


def confirm_evaluation(
    *, db: Database, clicker_slack_id: str, project_id: int, now: datetime
) -> Outcome:
    """The owner's appraiser confirms the evaluation: the project passes."""
    with db.session() as session:
        clicker = acting_person(session, clicker_slack_id)
        project = project_by_id(session=session, project_id=project_id)
        owner = (
            staff_by_ids(session=session, ids=[project.owner_id]).get(project.owner_id)
            if project
            else None
        )
        if project is None or owner is None or owner.appraiser_id != clicker.id:
            raise NotAllowed("Only the project owner's appraiser can confirm its evaluation.")
        if project.evaluation_submitted_at is None:
            raise InvalidInput({LEARNED: "The project has not been evaluated yet."})
        deliveries = []
        if project.evaluated_at is None:
            project.evaluated_at = now
            project.evaluated_by = clicker.id
            project.updated_at = now
            session.add(project)
            if owner.slack_user_id:
                deliveries.append(
                    Delivery(
                        f"star:{project.id}:evaluated",
                        owner.slack_user_id,
                        "star_status",
                        {"status": _status(session, project), "intro": "evaluated"},
                    )
                )
        status = _status(session, project)
        return Outcome(status, enqueue(session=session, deliveries=deliveries, now=now))


# --- what is due ------------------------------------------------------------------------------


Need = Literal["baseline", "final", "evaluation"]


@dataclass(frozen=True)
class StarNeed:
    project_id: int
    owner_id: int
    need: Need


def needs_at(*, db: Database, calendar: SchoolCalendar, now: datetime) -> list[StarNeed]:
    """Which projects need what at `now`: a baseline 10 working days after the planned
    start, the final measurement from the planned end, and in October the evaluation
    of last year's projects."""
    today = calendar.today(now)
    year = AcademicYear.of(today)
    years = [year.label] + (
        [AcademicYear(year.first_year - 1).label] if today.month == OCTOBER else []
    )
    with db.read_session() as session:
        projects = unfinished_projects(session=session, academic_years=years)
        taken = measurements_of(session=session, project_ids=[p.id for p in projects if p.id])
    needs = []
    for project in projects:
        assert project.id is not None
        kinds = {m.kind for m in taken[project.id]}
        if project.academic_year != year.label:
            needs.append(StarNeed(project.id, project.owner_id, "evaluation"))
        elif MeasurementKind.BASELINE not in kinds:
            if today >= calendar.add_working_days(project.planned_start, BASELINE_WORKING_DAYS):
                needs.append(StarNeed(project.id, project.owner_id, "baseline"))
        elif MeasurementKind.FINAL not in kinds and today >= project.planned_end:
            needs.append(StarNeed(project.id, project.owner_id, "final"))
    return needs


# --- shaping ---------------------------------------------------------------------------------


def _current(
    session: Session, calendar: SchoolCalendar, owner: Staff, now: datetime
) -> StarProject | None:
    assert owner.id is not None
    label = AcademicYear.of(calendar.today(now)).label
    return current_project(session=session, owner_id=owner.id, academic_year=label)


def _owned(session: Session, owner: Staff, project_id: int) -> StarProject:
    project = project_by_id(session=session, project_id=project_id)
    if project is None or project.owner_id != owner.id:
        raise NotAllowed("Only the project's owner can change it.")
    return project


def _status(session: Session, project: StarProject) -> Status:
    assert project.id is not None
    rows = measurements_of(session=session, project_ids=[project.id])[project.id]
    measurements = [MeasurementView(m.kind.value, m.value, m.measured_on) for m in rows]
    baseline = next((m for m in rows if m.kind is MeasurementKind.BASELINE), None)
    latest = next((m for m in reversed(rows) if m.kind is not MeasurementKind.BASELINE), None)
    change = (
        kpi_change(baseline.value, latest.value, higher_is_better=project.higher_is_better)
        if baseline and latest
        else None
    )
    owner = staff_by_ids(session=session, ids=[project.owner_id])[project.owner_id]
    notes = list(notes_of(session=session, project_id=project.id))[-NOTES_SHOWN:]
    return Status(
        project_id=project.id,
        owner=mention(owner),
        title=project.title,
        academic_year=project.academic_year,
        stage=project.stage,
        stage_name=STAGES[project.stage],
        kpi_name=project.kpi_name,
        kpi_unit=project.kpi_unit,
        higher_is_better=project.higher_is_better,
        kpi_method=project.kpi_method,
        measurements=measurements,
        change=change,
        evaluation_submitted=project.evaluation_submitted_at is not None,
        evaluated=project.evaluated_at is not None,
        learned=project.learned,
        would_share=project.would_share,
        notes=[NoteView(n.stage, n.text, n.created_at.date()) for n in reversed(notes)],
    )
