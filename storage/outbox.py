"""Queries on the outbox: messages owed, each with a unique natural key.

Queueing a key twice is a no-op. What operators see (`staffroom outbox`), re-driving
failed messages and deleting a person's are here too; a sender's claim on a row and
the outcomes it records are in storage.outbox_claims.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text, and_, cast, delete, func, or_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.models import OutboxMessage, OutboxStatus

KEYS_PER_QUERY = 500  # well under SQLite's limit on bound parameters
ROWS_PER_INSERT = 500


@dataclass(frozen=True)
class NewMessage:
    key: str
    channel: str
    payload: dict[str, Any]


def _insert(session: Session) -> Any:
    return sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert


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
    session.execute(
        _insert(session)(OutboxMessage)
        .values(_row(NewMessage(key, channel, payload), now, not_before))
        .on_conflict_do_nothing(index_elements=["key"])
    )
    return session.exec(select(OutboxMessage.id).where(OutboxMessage.key == key)).one()  # type: ignore[return-value]


def add_new(
    *,
    session: Session,
    messages: Sequence[NewMessage],
    now: datetime,
    not_before: datetime | None = None,
) -> int:
    """Queue these messages, a few hundred to a statement, keeping any key already queued;
    return how many were new."""
    rows = list({m.key: _row(m, now, not_before) for m in messages}.values())
    added = 0
    for start in range(0, len(rows), ROWS_PER_INSERT):
        inserted = session.execute(
            _insert(session)(OutboxMessage)
            .values(rows[start : start + ROWS_PER_INSERT])
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(col(OutboxMessage.id))
        )
        added += len(inserted.all())
    return added


def _row(message: NewMessage, now: datetime, not_before: datetime | None) -> dict[str, Any]:
    return {
        "key": message.key,
        "channel": message.channel,
        "payload": message.payload,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": not_before or now,
        "created_at": now,
    }


def existing_keys(*, session: Session, keys: Collection[str]) -> set[str]:
    """Which of these keys are queued already (in any state)."""
    wanted = list(keys)
    found: set[str] = set()
    for start in range(0, len(wanted), KEYS_PER_QUERY):
        chunk = wanted[start : start + KEYS_PER_QUERY]
        found.update(
            session.exec(select(OutboxMessage.key).where(col(OutboxMessage.key).in_(chunk))).all()
        )
    return found


# --- what operators see, and re-driving ----------------------------------------------------


def owed(*, session: Session, failed_only: bool = False) -> Sequence[OutboxMessage]:
    """Messages not delivered: pending, being sent and failed (or only the failed)."""
    states = (
        [OutboxStatus.FAILED]
        if failed_only
        else [OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.FAILED]
    )
    return session.exec(
        select(OutboxMessage)
        .where(col(OutboxMessage.status).in_(states))
        .order_by(col(OutboxMessage.id))
    ).all()


def redrive(*, session: Session, now: datetime, ids: Sequence[int] | None = None) -> list[int]:
    """Failed messages (these, or all) back to pending from `now`, with a new retry window;
    one that was maybe sent is still looked for in Slack before it is posted."""
    condition = col(OutboxMessage.status) == OutboxStatus.FAILED
    if ids is not None:
        condition = and_(condition, col(OutboxMessage.id).in_(list(ids)))
    chosen = [i for i in session.exec(select(OutboxMessage.id).where(condition)).all() if i]
    if chosen:
        session.execute(
            update(OutboxMessage)
            .where(condition, col(OutboxMessage.id).in_(chosen))
            .values(
                status=OutboxStatus.PENDING,
                next_attempt_at=now,
                first_attempt_at=None,
                claimed_by=None,
            )
            .execution_options(synchronize_session=False)
        )
    return sorted(chosen)


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


def messages_by_ids(*, session: Session, ids: Sequence[int]) -> Sequence[OutboxMessage]:
    return session.exec(
        select(OutboxMessage)
        .where(col(OutboxMessage.id).in_(list(ids)))
        .order_by(col(OutboxMessage.id))
    ).all()


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


def messages_to(*, session: Session, channel: str) -> Sequence[OutboxMessage]:
    """Every message kept for this channel (a person's Slack id), oldest first."""
    return session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.channel == channel)
        .order_by(col(OutboxMessage.created_at), col(OutboxMessage.id))
    ).all()
