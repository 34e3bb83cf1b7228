"""Queries for `staffroom purge` (bot.admin.purge): records older than the retention period.

Each `old_…` lists (id, when, school) for rows older than a day, a moment or an academic
year, `when` being what tells the row's academic year; each `delete_…` deletes rows by id
(and what hangs off them) and returns the ids it deleted, so that two processes purging
at once count each row once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Text, cast, delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from storage.models import (
    Commendation,
    CommendationRecipient,
    Feedback,
    FeedbackStandard,
    LadderSheet,
    LeadershipTraining,
    Objective,
    ObjectiveReview,
    ObjectiveSet,
    OutboxMessage,
    OutboxStatus,
    PurgedCount,
    Staff,
    StarMeasurement,
    StarNote,
    StarProject,
    Visit,
)
from storage.outbox_claims import SENT_PAYLOAD

Row = tuple[int, Any, str]  # id, when it belongs (a moment, a day or a year label), school
_CHUNK = 500  # ids per statement: well within every backend's limit on parameters


def old_commendations(*, session: Session, before: datetime) -> list[Row]:
    """Commendations written before `before`, with their author's school."""
    return _rows(
        session,
        select(col(Commendation.id), col(Commendation.created_at), col(Staff.school))
        .join(Staff, col(Staff.id) == col(Commendation.author_id))
        .where(col(Commendation.created_at) < before),
    )


def delete_commendations(*, session: Session, ids: Sequence[int]) -> list[int]:
    deleted: list[int] = []
    for chunk in _chunks(ids):
        session.execute(
            delete(CommendationRecipient).where(
                col(CommendationRecipient.commendation_id).in_(chunk)
            )
        )
        deleted += _deleted(session, Commendation, chunk)
    return deleted


def old_visits(*, session: Session, before: date) -> list[Row]:
    """Lesson visits made before `before`, with the observed person's school."""
    return _rows(
        session,
        select(col(Visit.id), col(Visit.visited_on), col(Staff.school))
        .join(Staff, col(Staff.id) == col(Visit.observee_id))
        .where(col(Visit.visited_on) < before),
    )


def delete_visits(*, session: Session, ids: Sequence[int]) -> list[int]:
    deleted: list[int] = []
    for chunk in _chunks(ids):
        deleted += _deleted(session, Visit, chunk)
    return deleted


def old_feedback(*, session: Session, before: date) -> list[Row]:
    """Feedback on what was seen before `before` (but not the written feedback of a visit
    that is kept), with the observed person's school."""
    kept_visits = select(col(Visit.written_feedback_id)).where(
        col(Visit.visited_on) >= before, col(Visit.written_feedback_id).is_not(None)
    )
    return _rows(
        session,
        select(col(Feedback.id), col(Feedback.observed_on), col(Staff.school))
        .join(Staff, col(Staff.id) == col(Feedback.observee_id))
        .where(col(Feedback.observed_on) < before, col(Feedback.id).not_in(kept_visits)),
    )


def delete_feedback(*, session: Session, ids: Sequence[int]) -> list[int]:
    deleted: list[int] = []
    for chunk in _chunks(ids):
        session.execute(
            delete(FeedbackStandard).where(col(FeedbackStandard.feedback_id).in_(chunk))
        )
        deleted += _deleted(session, Feedback, chunk)
    return deleted


def old_sheets(*, session: Session, before_year: str) -> list[Row]:
    """Ladder sheets of academic years before `before_year` (a label like 2026-27)."""
    return _rows(
        session,
        select(col(LadderSheet.id), col(LadderSheet.academic_year), col(Staff.school))
        .join(Staff, col(Staff.id) == col(LadderSheet.staff_id))
        .where(col(LadderSheet.academic_year) < before_year),
    )


def delete_sheets(*, session: Session, ids: Sequence[int]) -> list[int]:
    deleted: list[int] = []
    for chunk in _chunks(ids):
        deleted += _deleted(session, LadderSheet, chunk)
    return deleted


def old_projects(*, session: Session, before_year: str) -> list[Row]:
    """STAR projects of academic years before `before_year`, with their owner's school."""
    return _rows(
        session,
        select(col(StarProject.id), col(StarProject.academic_year), col(Staff.school))
        .join(Staff, col(Staff.id) == col(StarProject.owner_id))
        .where(col(StarProject.academic_year) < before_year),
    )


def delete_projects(*, session: Session, ids: Sequence[int]) -> list[int]:
    """Delete these projects with their measurements and notes."""
    deleted: list[int] = []
    for chunk in _chunks(ids):
        session.execute(delete(StarMeasurement).where(col(StarMeasurement.project_id).in_(chunk)))
        session.execute(delete(StarNote).where(col(StarNote.project_id).in_(chunk)))
        deleted += _deleted(session, StarProject, chunk)
    return deleted


def old_objective_sets(*, session: Session, before_year: str) -> list[Row]:
    """A person's objectives of academic years before `before_year`, with their school."""
    return _rows(
        session,
        select(col(ObjectiveSet.id), col(ObjectiveSet.academic_year), col(Staff.school))
        .join(Staff, col(Staff.id) == col(ObjectiveSet.staff_id))
        .where(col(ObjectiveSet.academic_year) < before_year),
    )


def delete_objective_sets(*, session: Session, ids: Sequence[int]) -> list[int]:
    """Delete these years' objectives with their reviews."""
    deleted: list[int] = []
    for chunk in _chunks(ids):
        session.execute(delete(ObjectiveReview).where(col(ObjectiveReview.set_id).in_(chunk)))
        session.execute(delete(Objective).where(col(Objective.set_id).in_(chunk)))
        deleted += _deleted(session, ObjectiveSet, chunk)
    return deleted


def old_training(*, session: Session, before: date) -> list[Row]:
    """Leadership training written up for courses taken before `before`."""
    return _rows(
        session,
        select(col(LeadershipTraining.id), col(LeadershipTraining.taken_on), col(Staff.school))
        .join(Staff, col(Staff.id) == col(LeadershipTraining.staff_id))
        .where(col(LeadershipTraining.taken_on) < before),
    )


def delete_training(*, session: Session, ids: Sequence[int]) -> list[int]:
    deleted: list[int] = []
    for chunk in _chunks(ids):
        deleted += _deleted(session, LeadershipTraining, chunk)
    return deleted


def add_counts(*, session: Session, counts: dict[tuple[str, str, str], int]) -> None:
    """Add to the anonymous counts of purged records: (academic year, school, record) -> n.

    One upsert per count, so processes purging at once add up rather than collide."""
    dialect = session.get_bind().dialect.name
    insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
    for (year, school, record), count in sorted(counts.items()):
        statement = insert(PurgedCount).values(
            academic_year=year, school=school, record=record, count=count
        )
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["academic_year", "school", "record"],
                set_={"count": col(PurgedCount.count) + statement.excluded.count},
            )
        )


def purged_counts(*, session: Session) -> list[PurgedCount]:
    return list(
        session.scalars(
            select(PurgedCount).order_by(
                col(PurgedCount.academic_year), col(PurgedCount.school), col(PurgedCount.record)
            )
        ).all()
    )


def delete_messages_before(*, session: Session, before: datetime) -> int:
    """Delete every outbox message queued before `before`, sent or not."""
    result = session.execute(delete(OutboxMessage).where(col(OutboxMessage.created_at) < before))
    return int(result.rowcount)  # type: ignore[attr-defined]


def drop_sent_texts(*, session: Session) -> int:
    """Sent and dropped messages keep their key, status, time and Slack ts; their words
    and attachments go (mark_sent and mark_dropped do this as each is done; this
    catches any left over)."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.status).in_([OutboxStatus.SENT, OutboxStatus.DROPPED]),
            cast(OutboxMessage.payload, Text) != json.dumps(SENT_PAYLOAD),
        )
        .values(payload=SENT_PAYLOAD)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def leavers_before(*, session: Session, before: datetime, erased_domain: str) -> list[Staff]:
    """People no longer on the roster since before `before`, not yet anonymised."""
    return list(
        session.scalars(
            select(Staff).where(
                col(Staff.active).is_(False),
                col(Staff.updated_at) < before,
                col(Staff.email).not_like(f"%@{erased_domain}"),
            )
        ).all()
    )


def _rows(session: Session, query: Any) -> list[Row]:
    return [(int(i), when, str(school)) for i, when, school in session.execute(query).all()]


def _deleted(session: Session, table: Any, ids: list[int]) -> list[int]:
    result = session.execute(delete(table).where(col(table.id).in_(ids)).returning(table.id))
    return [int(i) for i in result.scalars().all()]


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start : start + _CHUNK])
