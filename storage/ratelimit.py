"""Queries on what the app has learned of Slack's rate limits, shared by every process.

Each Web API method paced by the outbox has a row: the spacing between calls now
used and the next moment a call may be made. A sender reserves a moment by moving
that moment on by the spacing, in one UPDATE, so a fleet of senders together keeps
to the spacing. Times are seconds since the epoch by the wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, literal, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.models import SlackRate


@dataclass(frozen=True)
class Slot:
    at: float  # when the call may be made
    interval: float  # the spacing in force when it was reserved


def reserve(
    *, session: Session, method: str, wall: float, first_interval: float, now: datetime
) -> Slot:
    """The next free moment to call `method`, taken for the caller."""
    rate = col(SlackRate.next_slot)
    statement = (
        update(SlackRate)
        .where(col(SlackRate.method) == method)
        .values(next_slot=case((rate > wall, rate), else_=literal(wall)) + col(SlackRate.interval))
        .returning(col(SlackRate.next_slot), col(SlackRate.interval))
        .execution_options(synchronize_session=False)
    )
    row = session.execute(statement).first()
    if row is None:
        _create(session, method, first_interval, now)
        row = session.execute(statement).one()
    next_slot, interval = float(row[0]), float(row[1])
    return Slot(at=next_slot - interval, interval=interval)


def locked(*, session: Session, method: str, first_interval: float, now: datetime) -> SlackRate:
    """The method's row, locked until the caller's transaction ends (to learn from)."""
    query = select(SlackRate).where(SlackRate.method == method).with_for_update()
    found = session.exec(query).first()
    if found is None:
        _create(session, method, first_interval, now)
        found = session.exec(query).one()
    return found


def current(*, session: Session, method: str) -> SlackRate | None:
    return session.get(SlackRate, method)


def _create(session: Session, method: str, interval: float, now: datetime) -> None:
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
    session.execute(
        insert(SlackRate)
        .values(method=method, interval=interval, floor=0.0, next_slot=0.0, updated_at=now)
        .on_conflict_do_nothing(index_elements=["method"])
    )
