"""Queries on STAR projects, their measurements and notes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from storage.models import MeasurementKind, Staff, StarMeasurement, StarNote, StarProject


def add_project(*, session: Session, project: StarProject) -> StarProject:
    session.add(project)
    session.flush()
    return project


def project_by_id(*, session: Session, project_id: int) -> StarProject | None:
    return session.get(StarProject, project_id)


def current_project(*, session: Session, owner_id: int, academic_year: str) -> StarProject | None:
    """The owner's newest project of the year."""
    return session.exec(
        select(StarProject)
        .where(StarProject.owner_id == owner_id, StarProject.academic_year == academic_year)
        .order_by(col(StarProject.created_at).desc(), col(StarProject.id).desc())
    ).first()


def projects_of(*, session: Session, owner_id: int) -> Sequence[StarProject]:
    return session.exec(
        select(StarProject)
        .where(StarProject.owner_id == owner_id)
        .order_by(col(StarProject.created_at), col(StarProject.id))
    ).all()


def add_measurement(*, session: Session, measurement: StarMeasurement) -> StarMeasurement:
    session.add(measurement)
    session.flush()
    return measurement


def measurements_of(
    *, session: Session, project_ids: Sequence[int]
) -> dict[int, list[StarMeasurement]]:
    result: dict[int, list[StarMeasurement]] = {pid: [] for pid in project_ids}
    if not project_ids:
        return result
    rows = session.exec(
        select(StarMeasurement)
        .where(col(StarMeasurement.project_id).in_(list(project_ids)))
        .order_by(col(StarMeasurement.measured_on), col(StarMeasurement.id))
    ).all()
    for row in rows:
        result[row.project_id].append(row)
    return result


def measurement_of_kind(
    *, session: Session, project_id: int, kind: MeasurementKind
) -> StarMeasurement | None:
    return session.exec(
        select(StarMeasurement).where(
            StarMeasurement.project_id == project_id, StarMeasurement.kind == kind
        )
    ).first()


def add_note(*, session: Session, note: StarNote) -> None:
    session.add(note)


def notes_of(*, session: Session, project_id: int) -> Sequence[StarNote]:
    return session.exec(
        select(StarNote).where(StarNote.project_id == project_id).order_by(col(StarNote.id))
    ).all()


def unfinished_projects(
    *, session: Session, academic_years: Sequence[str], owner_id: int | None = None
) -> Sequence[StarProject]:
    """Projects of these years (of one owner, or everyone's) not yet evaluated."""
    query = select(StarProject).where(
        col(StarProject.academic_year).in_(list(academic_years)),
        col(StarProject.evaluated_at).is_(None),
    )
    if owner_id is not None:
        query = query.where(StarProject.owner_id == owner_id)
    return session.exec(query.order_by(col(StarProject.id))).all()


def evaluations_awaiting(*, session: Session, appraiser_id: int) -> Sequence[StarProject]:
    """Projects whose owners evaluated them and which this appraiser has not yet confirmed."""
    return session.exec(
        select(StarProject)
        .join(Staff, col(Staff.id) == col(StarProject.owner_id))
        .where(
            Staff.appraiser_id == appraiser_id,
            col(StarProject.evaluation_submitted_at).is_not(None),
            col(StarProject.evaluated_at).is_(None),
        )
        .order_by(col(StarProject.id))
    ).all()


ERASED = "(erased)"


def erase_projects(*, session: Session, owner_id: int) -> list[int]:
    """Blank what a person wrote about their STAR projects and delete their notes; the
    stages and measurements stay as anonymous counts. Returns the project ids."""
    ids = [p.id for p in projects_of(session=session, owner_id=owner_id) if p.id is not None]
    if ids:
        session.execute(
            update(StarProject)
            .where(col(StarProject.id).in_(ids))
            .values(
                title=ERASED,
                question="",
                beneficiaries="",
                kpi_name=ERASED,
                kpi_unit="",
                kpi_method="",
                learned="",
            )
            .execution_options(synchronize_session=False)
        )
        session.execute(delete(StarNote).where(col(StarNote.project_id).in_(ids)))
    return ids
