"""Queries for the App Home dashboards: one query per fact, for many people at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import (
    Commendation,
    CommendationRecipient,
    Feedback,
    LadderSheet,
    MeasurementKind,
    ObjectiveReview,
    ObjectiveSet,
    Staff,
    StarMeasurement,
    StarProject,
    Visit,
)


def appraisees_of(*, session: Session, appraiser_id: int) -> Sequence[Staff]:
    """An appraiser's active appraisees, by name."""
    return session.exec(
        select(Staff)
        .where(Staff.appraiser_id == appraiser_id, col(Staff.active).is_(True))
        .order_by(col(Staff.name), col(Staff.id))
    ).all()


def active_staff(*, session: Session, school: str | None) -> Sequence[Staff]:
    """Active staff of one school (or of the whole trust), by school and name."""
    query = select(Staff).where(col(Staff.active).is_(True))
    if school is not None:
        query = query.where(Staff.school == school)
    return session.exec(query.order_by(col(Staff.school), col(Staff.name), col(Staff.id))).all()


def _ids(staff_ids: Sequence[int] | None) -> list[int] | None:
    return None if staff_ids is None else list(staff_ids)


@dataclass(frozen=True)
class SheetLevel:
    staff_id: int
    checkpoint: str
    level_reached: int


def sheets_in_year(
    *, session: Session, academic_year: str, staff_ids: Sequence[int] | None
) -> list[SheetLevel]:
    """The year's ladder sheets of these people (everyone's when None): who, when, level."""
    query = select(LadderSheet.staff_id, LadderSheet.checkpoint, LadderSheet.level_reached).where(
        LadderSheet.academic_year == academic_year
    )
    if (ids := _ids(staff_ids)) is not None:
        query = query.where(col(LadderSheet.staff_id).in_(ids))
    return [SheetLevel(*row) for row in session.exec(query).all()]


@dataclass(frozen=True)
class ProjectState:
    project_id: int
    stage: int
    planned_start: date


def projects_in_year(
    *, session: Session, academic_year: str, staff_ids: Sequence[int] | None
) -> dict[int, ProjectState]:
    """Each owner's newest STAR project of the year."""
    query = select(
        col(StarProject.owner_id),
        col(StarProject.id),
        col(StarProject.stage),
        col(StarProject.planned_start),
    ).where(StarProject.academic_year == academic_year)
    if (ids := _ids(staff_ids)) is not None:
        query = query.where(col(StarProject.owner_id).in_(ids))
    rows = session.exec(query.order_by(col(StarProject.created_at), col(StarProject.id))).all()
    return {owner: ProjectState(pid, stage, start) for owner, pid, stage, start in rows if pid}


@dataclass(frozen=True)
class ObjectivesState:
    set_id: int
    agreed: bool
    talk: bool  # the appraiser asked to talk first


def objective_states(
    *, session: Session, academic_year: str, staff_ids: Sequence[int] | None
) -> dict[int, ObjectivesState]:
    """Each person's objectives this year: written (present), agreed, talking first."""
    query = select(
        ObjectiveSet.staff_id,
        ObjectiveSet.id,
        col(ObjectiveSet.agreed_at).is_not(None),
        ObjectiveSet.talk_comment != "",
    ).where(ObjectiveSet.academic_year == academic_year)
    if (ids := _ids(staff_ids)) is not None:
        query = query.where(col(ObjectiveSet.staff_id).in_(ids))
    return {
        staff_id: ObjectivesState(set_id, bool(agreed), bool(talk))
        for staff_id, set_id, agreed, talk in session.exec(query).all()
        if set_id is not None
    }


def reviewed_at(
    *, session: Session, academic_year: str, checkpoint: str, staff_ids: Sequence[int] | None
) -> set[int]:
    """Who has had their objectives reviewed at this checkpoint (staff ids)."""
    query = (
        select(ObjectiveSet.staff_id)
        .join(ObjectiveReview, col(ObjectiveReview.set_id) == col(ObjectiveSet.id))
        .where(
            ObjectiveSet.academic_year == academic_year, ObjectiveReview.checkpoint == checkpoint
        )
        .distinct()
    )
    if (ids := _ids(staff_ids)) is not None:
        query = query.where(col(ObjectiveSet.staff_id).in_(ids))
    return set(session.exec(query).all())


def with_baseline(*, session: Session, project_ids: Sequence[int]) -> set[int]:
    if not project_ids:
        return set()
    rows = session.exec(
        select(StarMeasurement.project_id).where(
            col(StarMeasurement.project_id).in_(list(project_ids)),
            StarMeasurement.kind == MeasurementKind.BASELINE,
        )
    ).all()
    return set(rows)


def visits_received_since(
    *, session: Session, since: date, staff_ids: Sequence[int] | None
) -> dict[int, int]:
    """Lesson visits each person received since `since` (staff id -> count)."""
    query = (
        select(Visit.observee_id, func.count())
        .where(col(Visit.visited_on) >= since)
        .group_by(col(Visit.observee_id))
    )
    if (ids := _ids(staff_ids)) is not None:
        query = query.where(col(Visit.observee_id).in_(ids))
    return {staff_id: count for staff_id, count in session.exec(query).all()}


def feedback_received_since(
    *, session: Session, since: date, staff_ids: Sequence[int] | None
) -> dict[int, int]:
    """Feedback each person received about days since `since` (staff id -> count)."""
    query = (
        select(Feedback.observee_id, func.count())
        .where(col(Feedback.observed_on) >= since)
        .group_by(col(Feedback.observee_id))
    )
    if (ids := _ids(staff_ids)) is not None:
        query = query.where(col(Feedback.observee_id).in_(ids))
    return {staff_id: count for staff_id, count in session.exec(query).all()}


def praise_received_since(
    *, session: Session, since: datetime, staff_ids: Sequence[int]
) -> dict[int, int]:
    """Commendations each person received since `since` (staff id -> count)."""
    if not staff_ids:
        return {}
    query = (
        select(CommendationRecipient.staff_id, func.count())
        .join(Commendation, col(Commendation.id) == col(CommendationRecipient.commendation_id))
        .where(
            col(CommendationRecipient.staff_id).in_(list(staff_ids)),
            col(Commendation.created_at) >= since,
        )
        .group_by(col(CommendationRecipient.staff_id))
    )
    return {staff_id: count for staff_id, count in session.exec(query).all()}


def written_overdue_by_observer(
    *, session: Session, today: date, observer_ids: Sequence[int] | None
) -> dict[int, int]:
    """Visits whose written feedback is overdue, counted by observer."""
    query = (
        select(Visit.observer_id, func.count())
        .where(col(Visit.written_feedback_id).is_(None), col(Visit.written_due) < today)
        .group_by(col(Visit.observer_id))
    )
    if (ids := _ids(observer_ids)) is not None:
        query = query.where(col(Visit.observer_id).in_(ids))
    return {staff_id: count for staff_id, count in session.exec(query).all()}
