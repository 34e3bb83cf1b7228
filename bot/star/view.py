"""A STAR project as its owner and appraiser see it, and finding the one a request means."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from sqlmodel import Session

from bot.core.calendar import AcademicYear, SchoolCalendar
from bot.core.errors import NotAllowed, problem
from bot.core.people import mention
from bot.outbox.queue import Delivery, enqueue
from bot.star.rules import Change, kpi_change
from storage.models import MeasurementKind, Staff, StarProject
from storage.staff import staff_by_ids
from storage.star import current_project, measurements_of, notes_of, project_by_id

NOTES_SHOWN = 3
Intro = Literal["started", "measured", "noted", "evaluated"]


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


@dataclass(frozen=True)
class Status:
    """A project as its owner and appraiser see it."""

    project_id: int
    owner: str
    title: str
    academic_year: str
    stage: int
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
    sharing_day: str | None = None  # the trust's day for sharing projects (framework file)
    sharing_month: int | None = None

    @property
    def has_baseline(self) -> bool:
        return any(m.kind == MeasurementKind.BASELINE for m in self.measurements)


@dataclass(frozen=True)
class Outcome:
    status: Status
    outbox_ids: list[int]


def status_of(session: Session, calendar: SchoolCalendar, project: StarProject) -> Status:
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
    sharing = calendar.framework.star.sharing_day
    return Status(
        project_id=project.id,
        owner=mention(owner),
        title=project.title,
        academic_year=project.academic_year,
        stage=project.stage,
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
        notes=[NoteView(n.stage, n.text, calendar.today(n.created_at)) for n in reversed(notes)],
        sharing_day=sharing.name if sharing else None,
        sharing_month=sharing.month if sharing else None,
    )


def current(
    session: Session, calendar: SchoolCalendar, owner: Staff, now: datetime
) -> StarProject | None:
    """The owner's project this academic year, if any."""
    assert owner.id is not None
    label = AcademicYear.of(calendar.today(now)).label
    return current_project(session=session, owner_id=owner.id, academic_year=label)


def owned(session: Session, owner: Staff, project_id: int) -> StarProject:
    """One of the owner's projects (NotAllowed for anyone else's)."""
    project = project_by_id(session=session, project_id=project_id)
    if project is None or project.owner_id != owner.id:
        raise NotAllowed(problem("star.owner_only"))
    return project


def told(
    session: Session,
    calendar: SchoolCalendar,
    project: StarProject,
    owner: Staff,
    intro: Intro | None,
    now: datetime,
) -> Outcome:
    """The project's status, and a DM of it to the owner when `intro` says what happened."""
    status = status_of(session, calendar, project)
    if intro is None or not owner.slack_user_id:
        return Outcome(status, [])
    key = f"star:{project.id}:{intro}:{now.strftime('%Y%m%dT%H%M%S.%f')}"
    delivery = Delivery(key, owner.slack_user_id, "star_status", {"status": status, "intro": intro})
    return Outcome(status, enqueue(session=session, deliveries=[delivery], now=now))
