"""Measuring a STAR project's KPI: a baseline before, interims along the way, a final
taken exactly like the baseline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.core.calendar import SchoolCalendar
from bot.core.errors import InvalidInput, invalid, problem
from bot.core.people import refreshed
from bot.core.usecase import UseCase
from bot.star.rules import VALUE, parse_measurement
from bot.star.view import Outcome, current, owned, told
from storage.db import Database
from storage.models import MeasurementKind, Staff, StarMeasurement, StarProject
from storage.star import add_measurement, measurement_of_kind

KIND, SAME_WAY = "kind", "same_way"


class NeedsSameWay(InvalidInput):
    """A final measurement must be confirmed as taken exactly like the baseline."""

    def __init__(self, project_id: int, method: str, value: float) -> None:
        super().__init__({SAME_WAY: problem("star.needs_same_way", method=method)})
        self.project_id = project_id
        self.method = method
        self.value = value  # as read, so the question carries no more than the number


@dataclass(frozen=True)
class Reading:
    """A measurement as the person gave it."""

    value_text: str
    kind_text: str | None
    same_way: bool
    project_id: int | None = None  # None: the owner's project this year


@dataclass(frozen=True)
class Measure(UseCase[Outcome]):
    """Record a KPI measurement. Raises NeedsSameWay for a final not yet confirmed."""

    db: Database
    calendar: SchoolCalendar
    owner: Staff
    reading: Reading
    now: datetime
    notify: bool = False  # DM the owner the project's status (when not answered in place)

    def run(self, session: Session, *, write: bool) -> Outcome | None:
        reading, now = self.reading, self.now
        owner = refreshed(session, self.owner)
        project = (
            owned(session, owner, reading.project_id)
            if reading.project_id is not None
            else current(session, self.calendar, owner, now)
        )
        if project is None:
            raise invalid(VALUE, "star.no_project")
        assert project.id is not None
        value = parse_measurement(reading.value_text)
        kind = _kind(session, project, reading.kind_text)
        if kind is MeasurementKind.FINAL and not reading.same_way:
            raise NeedsSameWay(project.id, project.kpi_method, value)
        if not write:
            return None
        add_measurement(
            session=session,
            measurement=StarMeasurement(
                project_id=project.id,
                kind=kind,
                value=value,
                measured_on=self.calendar.today(now),
                created_at=now,
            ),
        )
        project.updated_at = now
        session.add(project)
        return told(
            session, self.calendar, project, owner, "measured" if self.notify else None, now
        )


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
        raise invalid(KIND, "star.unknown_kind", kind=kind_text) from None
    if kind is MeasurementKind.BASELINE and baseline is not None:
        raise invalid(
            KIND, "star.has_baseline", value=baseline.value, measured_on=baseline.measured_on
        )
    if kind is not MeasurementKind.BASELINE and baseline is None:
        raise invalid(KIND, "star.baseline_first")
    if kind is MeasurementKind.FINAL and measurement_of_kind(
        session=session, project_id=project.id, kind=MeasurementKind.FINAL
    ):
        raise invalid(KIND, "star.has_final")
    return kind
