"""Queries on the outbox: messages owed, each with a unique natural key.

Inserting a key twice is a no-op, and a row is claimed by one conditional
UPDATE, so any number of ticks or processes can share the table safely.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Text, and_, cast, delete, func, or_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.models import OutboxMessage, OutboxStatus


def add_once(
    *,
    session: Session,
    key: str,
    channel: str,
    payload: dict[str, Any],
    now: datetime,
    not_before: datetime | None = None,
) -> int:
    """Queue a message under `key` unless that key is already queued; return its id."""
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
    statement = (
        insert(OutboxMessage)
        .values(
            key=key,
            channel=channel,
            payload=payload,
            status=OutboxStatus.PENDING,
            attempts=0,
            next_attempt_at=not_before or now,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["key"])
    )
    session.execute(statement)
    return session.exec(select(OutboxMessage.id).where(OutboxMessage.key == key)).one()  # type: ignore[return-value]


def _claimable(now: datetime) -> Any:
    return and_(
        col(OutboxMessage.status) == OutboxStatus.PENDING,
        col(OutboxMessage.next_attempt_at) <= now,
    )


def due_ids(
    *,
    session: Session,
    now: datetime,
    limit: int,
    only: Sequence[int] | None = None,
) -> list[int]:
    query = select(OutboxMessage.id).where(_claimable(now))
    if only is not None:
        query = query.where(col(OutboxMessage.id).in_(list(only)))
    rows = session.exec(query.order_by(col(OutboxMessage.id)).limit(limit)).all()
    return [row for row in rows if row is not None]


def claim(
    *, session: Session, message_id: int, now: datetime, claimant: str
) -> OutboxMessage | None:
    """Take a due row for sending; None when another process has it or it is not due."""
    result = session.execute(
        update(OutboxMessage)
        .where(and_(col(OutboxMessage.id) == message_id, _claimable(now)))
        .values(
            status=OutboxStatus.SENDING,
            claimed_at=now,
            claimed_by=claimant,
            attempts=col(OutboxMessage.attempts) + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get(OutboxMessage, message_id, populate_existing=True)


def claimed_rows(*, session: Session) -> Sequence[OutboxMessage]:
    """Rows some process claimed and has not finished with."""
    return session.exec(
        select(OutboxMessage)
        .where(col(OutboxMessage.status) == OutboxStatus.SENDING)
        .order_by(col(OutboxMessage.id))
    ).all()


def take_over(
    *, session: Session, message_id: int, previous: str | None, claimant: str, now: datetime
) -> OutboxMessage | None:
    """Take a claim over from a process that died (or whose lease ran out), once."""
    held_by = (
        col(OutboxMessage.claimed_by).is_(None)
        if previous is None
        else col(OutboxMessage.claimed_by) == previous
    )
    result = session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message_id,
            col(OutboxMessage.status) == OutboxStatus.SENDING,
            held_by,
        )
        .values(claimed_by=claimant, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get(OutboxMessage, message_id, populate_existing=True)


def mark_sent(*, session: Session, message_id: int, ts: str | None, now: datetime) -> None:
    _set(session, message_id, status=OutboxStatus.SENT, sent_at=now, slack_ts=ts, last_error=None)


def mark_retry(*, session: Session, message_id: int, error: str, at: datetime) -> None:
    _set(
        session,
        message_id,
        status=OutboxStatus.PENDING,
        next_attempt_at=at,
        claimed_at=None,
        last_error=error[:500],
    )


def mark_failed(*, session: Session, message_id: int, error: str) -> None:
    _set(session, message_id, status=OutboxStatus.FAILED, claimed_at=None, last_error=error[:500])


def _set(session: Session, message_id: int, **values: Any) -> None:
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def outbox_size(*, session: Session) -> int:
    return session.exec(select(func.count()).select_from(OutboxMessage)).one()


def held_count(*, session: Session, now: datetime) -> int:
    """Messages waiting for a later moment (working hours, or a retry)."""
    return session.exec(
        select(func.count()).where(
            col(OutboxMessage.status) == OutboxStatus.PENDING,
            col(OutboxMessage.next_attempt_at) > now,
        )
    ).one()


def message_by_key(*, session: Session, key: str) -> OutboxMessage | None:
    return session.exec(select(OutboxMessage).where(OutboxMessage.key == key)).first()


def count_by_status(*, session: Session) -> dict[str, int]:
    rows = session.exec(
        select(OutboxMessage.status, func.count()).group_by(col(OutboxMessage.status))
    ).all()
    return {str(status): count for status, count in rows}


def delete_messages(*, session: Session, key_prefixes: Sequence[str], channel: str | None) -> int:
    """Delete queued and sent messages under these key prefixes, to this channel (a
    person's Slack id), or mentioning that person anywhere in them."""
    conditions = [col(OutboxMessage.key).startswith(prefix) for prefix in key_prefixes]
    if channel:
        conditions.append(col(OutboxMessage.channel) == channel)
        conditions.append(cast(OutboxMessage.payload, Text).contains(f"<@{channel}>"))
    if not conditions:
        return 0
    result = session.execute(delete(OutboxMessage).where(or_(*conditions)))
    return int(result.rowcount)  # type: ignore[attr-defined]


def keys_sent_at(*, session: Session, moment: datetime) -> list[str]:
    """Keys of the messages marked sent at `moment` (a tick's `now`)."""
    return list(
        session.exec(select(OutboxMessage.key).where(col(OutboxMessage.sent_at) == moment)).all()
    )
