"""Queries on informal feedback and lesson visits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from storage.models import Feedback, FeedbackStandard, Visit


def add_feedback(
    *, session: Session, feedback: Feedback, standards: Sequence[tuple[str, str | None]]
) -> Feedback:
    """Store feedback with its (code, rating) standards in the order chosen."""
    session.add(feedback)
    session.flush()
    assert feedback.id is not None
    for position, (code, rating) in enumerate(standards, 1):
        session.add(
            FeedbackStandard(feedback_id=feedback.id, position=position, code=code, rating=rating)
        )
    session.flush()
    return feedback


def standards_of(
    *, session: Session, feedback_ids: Sequence[int]
) -> dict[int, list[FeedbackStandard]]:
    result: dict[int, list[FeedbackStandard]] = {fid: [] for fid in feedback_ids}
    if not feedback_ids:
        return result
    rows = session.exec(
        select(FeedbackStandard)
        .where(col(FeedbackStandard.feedback_id).in_(list(feedback_ids)))
        .order_by(col(FeedbackStandard.feedback_id), col(FeedbackStandard.position))
    ).all()
    for row in rows:
        result[row.feedback_id].append(row)
    return result


def feedback_given(*, session: Session, staff_id: int) -> Sequence[Feedback]:
    return session.exec(
        select(Feedback)
        .where(Feedback.observer_id == staff_id)
        .order_by(col(Feedback.created_at), col(Feedback.id))
    ).all()


def feedback_received(*, session: Session, staff_id: int) -> Sequence[Feedback]:
    return session.exec(
        select(Feedback)
        .where(Feedback.observee_id == staff_id)
        .order_by(col(Feedback.created_at), col(Feedback.id))
    ).all()


def add_visit(*, session: Session, visit: Visit) -> Visit:
    session.add(visit)
    session.flush()
    return visit


def visit_by_id(*, session: Session, visit_id: int) -> Visit | None:
    return session.get(Visit, visit_id)


def open_visit_for(
    *, session: Session, observer_id: int, observee_id: int, visited_on: date
) -> Visit | None:
    """The visit this observer logged for this person on that day and has not yet written up."""
    return session.exec(
        select(Visit)
        .where(
            Visit.observer_id == observer_id,
            Visit.observee_id == observee_id,
            Visit.visited_on == visited_on,
            col(Visit.written_feedback_id).is_(None),
        )
        .order_by(col(Visit.id))
    ).first()


def claim_visit(*, session: Session, visit_id: int, feedback_id: int) -> bool:
    """Make `feedback_id` the visit's written feedback unless it already has one: one
    compare-and-set, so of two forms for one visit only the first is stored."""
    result = session.execute(
        update(Visit)
        .where(col(Visit.id) == visit_id, col(Visit.written_feedback_id).is_(None))
        .values(written_feedback_id=feedback_id)
        .execution_options(synchronize_session=False)
    )
    claimed = bool(getattr(result, "rowcount", 0))
    visit = session.get(Visit, visit_id)
    if visit is not None:
        session.refresh(visit)
    return claimed


def visits_involving(*, session: Session, staff_id: int) -> Sequence[Visit]:
    return session.exec(
        select(Visit)
        .where(or_(col(Visit.observer_id) == staff_id, col(Visit.observee_id) == staff_id))
        .order_by(col(Visit.visited_on), col(Visit.id))
    ).all()


def unwritten_visits_due_by(*, session: Session, latest_due: date) -> Sequence[Visit]:
    """Visits still owed written feedback whose deadline is on or before `latest_due`."""
    return session.exec(
        select(Visit)
        .where(col(Visit.written_feedback_id).is_(None), col(Visit.written_due) <= latest_due)
        .order_by(col(Visit.written_due), col(Visit.id))
    ).all()


def visits_owing_verbal_by(*, session: Session, latest_due: date) -> Sequence[Visit]:
    """Visits whose verbal feedback is not marked given (nor the visit completed by written
    feedback) and was due on or before `latest_due`."""
    return session.exec(
        select(Visit)
        .where(
            col(Visit.verbal_given_at).is_(None),
            col(Visit.written_feedback_id).is_(None),
            col(Visit.verbal_due) <= latest_due,
        )
        .order_by(col(Visit.verbal_due), col(Visit.id))
    ).all()


def feedback_by_ids(*, session: Session, ids: Sequence[int]) -> dict[int, Feedback]:
    if not ids:
        return {}
    rows = session.exec(select(Feedback).where(col(Feedback.id).in_(list(ids)))).all()
    return {row.id: row for row in rows if row.id is not None}


def open_visits_by(*, session: Session, observer_id: int) -> Sequence[Visit]:
    """Visits this observer logged that still owe verbal or written feedback."""
    return session.exec(
        select(Visit)
        .where(
            Visit.observer_id == observer_id,
            or_(col(Visit.written_feedback_id).is_(None), col(Visit.verbal_given_at).is_(None)),
        )
        .order_by(col(Visit.written_due), col(Visit.id))
    ).all()


def erase_feedback_words(*, session: Session, staff_id: int) -> list[int]:
    """Blank the words of feedback a person gave or received; who, when and which
    standards stay as anonymous counts. Returns the feedback ids."""
    ids = [
        f.id
        for f in session.exec(
            select(Feedback).where(
                or_(col(Feedback.observer_id) == staff_id, col(Feedback.observee_id) == staff_id)
            )
        ).all()
        if f.id is not None
    ]
    if ids:
        session.execute(
            update(Feedback)
            .where(col(Feedback.id).in_(ids))
            .values(strengths="", development="", next_steps="", context_detail="")
            .execution_options(synchronize_session=False)
        )
    return ids
