"""Queries on commendations."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from storage.models import Commendation, CommendationRecipient, Staff


def add_commendation(
    *, session: Session, commendation: Commendation, recipient_ids: Sequence[int]
) -> Commendation:
    session.add(commendation)
    session.flush()
    assert commendation.id is not None
    for staff_id in recipient_ids:
        session.add(CommendationRecipient(commendation_id=commendation.id, staff_id=staff_id))
    session.flush()
    return commendation


def recipient_ids_of(*, session: Session, commendation_ids: Sequence[int]) -> dict[int, list[int]]:
    """Commendation id -> its recipients' staff ids, in a stable order."""
    if not commendation_ids:
        return {}
    rows = session.exec(
        select(CommendationRecipient)
        .where(col(CommendationRecipient.commendation_id).in_(commendation_ids))
        .order_by(col(CommendationRecipient.staff_id))
    ).all()
    result: dict[int, list[int]] = {cid: [] for cid in commendation_ids}
    for row in rows:
        result[row.commendation_id].append(row.staff_id)
    return result


def commendations_given(*, session: Session, staff_id: int) -> Sequence[Commendation]:
    return session.exec(
        select(Commendation)
        .where(Commendation.author_id == staff_id)
        .order_by(col(Commendation.created_at), col(Commendation.id))
    ).all()


def commendations_received(*, session: Session, staff_id: int) -> Sequence[Commendation]:
    return session.exec(
        select(Commendation)
        .join(
            CommendationRecipient,
            col(CommendationRecipient.commendation_id) == col(Commendation.id),
        )
        .where(CommendationRecipient.staff_id == staff_id)
        .order_by(col(Commendation.created_at), col(Commendation.id))
    ).all()


def recent_received(
    *, session: Session, staff_id: int, limit: int
) -> Sequence[tuple[Commendation, str | None]]:
    """The newest commendations a person received, each with its author's Slack id."""
    return session.exec(
        select(Commendation, Staff.slack_user_id)
        .join(
            CommendationRecipient,
            col(CommendationRecipient.commendation_id) == col(Commendation.id),
        )
        .join(Staff, col(Staff.id) == col(Commendation.author_id))
        .where(CommendationRecipient.staff_id == staff_id)
        .order_by(col(Commendation.created_at).desc(), col(Commendation.id).desc())
        .limit(limit)
    ).all()


def count_received(*, session: Session, staff_id: int) -> int:
    return session.exec(
        select(func.count()).where(CommendationRecipient.staff_id == staff_id)
    ).one()


def ids_involving(*, session: Session, staff_id: int) -> list[int]:
    """Ids of the commendations a person wrote or received."""
    given = select(Commendation.id).where(Commendation.author_id == staff_id)
    received = select(CommendationRecipient.commendation_id).where(
        CommendationRecipient.staff_id == staff_id
    )
    return sorted(
        {cid for cid in session.exec(given).all() if cid is not None}
        | set(session.exec(received).all())
    )


def erase_messages(*, session: Session, commendation_ids: Sequence[int]) -> None:
    """Blank the words of these commendations; who, when and which value stay as counts."""
    if commendation_ids:
        session.execute(
            update(Commendation)
            .where(col(Commendation.id).in_(list(commendation_ids)))
            .values(message="")
            .execution_options(synchronize_session=False)
        )
