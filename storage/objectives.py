"""Queries on appraisal objectives, their reviews, and leadership training write-ups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.models import (
    LadderSheet,
    LeadershipTraining,
    Objective,
    ObjectiveReview,
    ObjectiveSet,
    ObjectiveStatus,
)


def objective_set_of(*, session: Session, staff_id: int, academic_year: str) -> ObjectiveSet | None:
    return session.exec(
        select(ObjectiveSet).where(
            ObjectiveSet.staff_id == staff_id, ObjectiveSet.academic_year == academic_year
        )
    ).first()


def objective_set_by_id(*, session: Session, set_id: int) -> ObjectiveSet | None:
    return session.get(ObjectiveSet, set_id)


def objective_sets_of(
    *, session: Session, staff_ids: Sequence[int], academic_year: str
) -> dict[int, ObjectiveSet]:
    """Each of these people's objective set for the year (staff id -> set)."""
    if not staff_ids:
        return {}
    rows = session.exec(
        select(ObjectiveSet).where(
            col(ObjectiveSet.staff_id).in_(list(staff_ids)),
            ObjectiveSet.academic_year == academic_year,
        )
    ).all()
    return {row.staff_id: row for row in rows}


def all_objective_sets(*, session: Session, staff_id: int) -> Sequence[ObjectiveSet]:
    """Every year's objective set of a person, oldest first."""
    return session.exec(
        select(ObjectiveSet)
        .where(ObjectiveSet.staff_id == staff_id)
        .order_by(col(ObjectiveSet.academic_year))
    ).all()


def objectives_in(*, session: Session, set_ids: Sequence[int]) -> dict[int, list[Objective]]:
    """Set id -> its objectives, by number."""
    result: dict[int, list[Objective]] = {sid: [] for sid in set_ids}
    if not set_ids:
        return result
    rows = session.exec(
        select(Objective)
        .where(col(Objective.set_id).in_(list(set_ids)))
        .order_by(col(Objective.set_id), col(Objective.number))
    ).all()
    for row in rows:
        result[row.set_id].append(row)
    return result


def reviews_in(*, session: Session, set_ids: Sequence[int]) -> dict[int, list[ObjectiveReview]]:
    """Set id -> its reviews, oldest first."""
    result: dict[int, list[ObjectiveReview]] = {sid: [] for sid in set_ids}
    if not set_ids:
        return result
    rows = session.exec(
        select(ObjectiveReview)
        .where(col(ObjectiveReview.set_id).in_(list(set_ids)))
        .order_by(col(ObjectiveReview.reviewed_at), col(ObjectiveReview.number))
    ).all()
    for row in rows:
        result[row.set_id].append(row)
    return result


def write_objectives(
    *,
    session: Session,
    staff_id: int,
    academic_year: str,
    texts: Sequence[tuple[int, str, list[str]]],
    target_level: int | None,
    now: datetime,
) -> ObjectiveSet:
    """Create or replace the year's objectives ((number, text, standards) each); the set's
    version goes up by one, so buttons sent for an earlier version no longer agree it."""
    current = objective_set_of(session=session, staff_id=staff_id, academic_year=academic_year)
    if current is None:
        current = ObjectiveSet(
            staff_id=staff_id,
            academic_year=academic_year,
            version=1,
            target_level=target_level,
            created_at=now,
            updated_at=now,
        )
        session.add(current)
        session.flush()
    else:
        session.execute(
            update(ObjectiveSet)
            .where(col(ObjectiveSet.id) == current.id)
            .values(
                version=ObjectiveSet.version + 1,
                target_level=target_level,
                talk_comment="",  # the person answered the appraiser's "let's talk"
                talk_requested_at=None,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        session.refresh(current)
    assert current.id is not None
    session.execute(delete(Objective).where(col(Objective.set_id) == current.id))
    for number, text, standards in texts:
        session.add(Objective(set_id=current.id, number=number, text=text, standards=standards))
    session.flush()
    return current


def agree_version(
    *, session: Session, set_id: int, version: int, agreed_by: int, now: datetime
) -> bool:
    """Agree the set if it is still at `version` and not yet agreed (compare-and-set):
    True when this call agreed it."""
    result = session.execute(
        update(ObjectiveSet)
        .where(
            col(ObjectiveSet.id) == set_id,
            col(ObjectiveSet.version) == version,
            col(ObjectiveSet.agreed_at).is_(None),
        )
        .values(agreed_at=now, agreed_by=agreed_by, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def ask_to_talk(*, session: Session, set_id: int, comment: str, now: datetime) -> None:
    session.execute(
        update(ObjectiveSet)
        .where(col(ObjectiveSet.id) == set_id)
        .values(talk_comment=comment, talk_requested_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def save_review(
    *,
    session: Session,
    set_id: int,
    number: int,
    checkpoint: str,
    status: ObjectiveStatus,
    comment: str,
    reviewed_by: int,
    now: datetime,
) -> None:
    """Store one objective's review at a checkpoint, replacing one made there before."""
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
    values = {
        "status": status.value,
        "comment": comment,
        "reviewed_by": reviewed_by,
        "reviewed_at": now,
    }
    statement = insert(ObjectiveReview).values(
        set_id=set_id, number=number, checkpoint=checkpoint, **values
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["set_id", "number", "checkpoint"], set_=values
        )
    )


def set_sheet_target(
    *, session: Session, staff_id: int, academic_year: str, checkpoint: str, target_level: int
) -> None:
    """Objective 3's target is the September sheet's target: keep them the same value."""
    session.execute(
        update(LadderSheet)
        .where(
            col(LadderSheet.staff_id) == staff_id,
            col(LadderSheet.academic_year) == academic_year,
            col(LadderSheet.checkpoint) == checkpoint,
        )
        .values(target_level=target_level)
        .execution_options(synchronize_session=False)
    )


def set_objectives_target(
    *, session: Session, staff_id: int, academic_year: str, target_level: int
) -> None:
    """The September sheet's target is objective 3's target: keep them the same value."""
    session.execute(
        update(ObjectiveSet)
        .where(
            col(ObjectiveSet.staff_id) == staff_id,
            col(ObjectiveSet.academic_year) == academic_year,
        )
        .values(target_level=target_level)
        .execution_options(synchronize_session=False)
    )


# --- leadership training write-ups -------------------------------------------------------


def add_training(*, session: Session, training: LeadershipTraining) -> LeadershipTraining:
    session.add(training)
    session.flush()
    return training


def training_of(*, session: Session, staff_id: int) -> Sequence[LeadershipTraining]:
    """A person's write-ups, oldest first."""
    return session.exec(
        select(LeadershipTraining)
        .where(LeadershipTraining.staff_id == staff_id)
        .order_by(col(LeadershipTraining.taken_on), col(LeadershipTraining.id))
    ).all()


# --- erasure ------------------------------------------------------------------------------

ERASED = "(erased)"


def erase_objectives(*, session: Session, staff_id: int) -> list[int]:
    """Blank the words of a person's objectives, reviews and training write-ups (statuses,
    dates and levels stay as anonymous counts). Returns the objective set ids."""
    ids = [s.id for s in all_objective_sets(session=session, staff_id=staff_id) if s.id]
    if ids:
        session.execute(
            update(Objective)
            .where(col(Objective.set_id).in_(ids))
            .values(text="", standards=[])
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(ObjectiveReview)
            .where(col(ObjectiveReview.set_id).in_(ids))
            .values(comment="")
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(ObjectiveSet)
            .where(col(ObjectiveSet.id).in_(ids))
            .values(talk_comment="")
            .execution_options(synchronize_session=False)
        )
    session.execute(
        update(LeadershipTraining)
        .where(col(LeadershipTraining.staff_id) == staff_id)
        .values(title=ERASED, learned="")
        .execution_options(synchronize_session=False)
    )
    return ids
