"""Queries on the staff roster."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from storage.models import Staff


def staff_by_email(*, session: Session, email: str) -> Staff | None:
    return session.exec(select(Staff).where(Staff.email == email.strip().lower())).first()


def staff_by_slack_id(*, session: Session, slack_user_id: str) -> Staff | None:
    return session.exec(select(Staff).where(Staff.slack_user_id == slack_user_id)).first()


def staff_by_slack_ids(*, session: Session, slack_user_ids: Iterable[str]) -> dict[str, Staff]:
    ids = list(slack_user_ids)
    if not ids:
        return {}
    rows = session.exec(select(Staff).where(col(Staff.slack_user_id).in_(ids))).all()
    return {row.slack_user_id: row for row in rows if row.slack_user_id}


def staff_by_ids(*, session: Session, ids: Iterable[int]) -> dict[int, Staff]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = session.exec(select(Staff).where(col(Staff.id).in_(wanted))).all()
    return {row.id: row for row in rows if row.id is not None}


def all_staff(*, session: Session) -> Sequence[Staff]:
    return session.exec(select(Staff).order_by(col(Staff.id))).all()


def emails_without_slack_id(*, session: Session) -> list[str]:
    """Active people Slack has not resolved yet."""
    rows = session.exec(
        select(Staff.email).where(col(Staff.active), col(Staff.slack_user_id).is_(None))
    ).all()
    return list(rows)


def assign_slack_ids(*, session: Session, ids: dict[str, str]) -> None:
    """Give each email its Slack user id; an id someone else held moves to the new email."""
    if not ids:
        return
    holders = session.exec(
        select(Staff).where(
            col(Staff.slack_user_id).in_(list(ids.values())), col(Staff.email).not_in(list(ids))
        )
    ).all()
    for holder in holders:
        holder.slack_user_id = None  # that Slack account now answers to another email
    session.flush()
    people = session.exec(select(Staff).where(col(Staff.email).in_(list(ids)))).all()
    for person in people:
        person.slack_user_id = ids[person.email]


@dataclass(frozen=True)
class RosterEntry:
    """What the scheduler needs of a person, read for thousands at a time without the cost
    of loading each as a table row object."""

    id: int
    name: str
    slack_user_id: str | None
    appraiser_id: int | None
    active: bool
    mute_nudges: bool
    email: str


def roster_entries(*, session: Session) -> list[RosterEntry]:
    rows = session.execute(
        select_columns(
            col(Staff.id),
            col(Staff.name),
            col(Staff.slack_user_id),
            col(Staff.appraiser_id),
            col(Staff.active),
            col(Staff.mute_nudges),
            col(Staff.email),
        ).order_by(col(Staff.id))
    ).all()
    return [RosterEntry(*row) for row in rows]
