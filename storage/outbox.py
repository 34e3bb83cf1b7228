"""Queries on the outbox: messages owed, each with a unique natural key.

Inserting a key twice is a no-op. A row is claimed by one conditional UPDATE, and
every later change of a claimed row is conditional on the claim still being the
caller's (`claimed_by = me AND status = 'sending'`), so a sender that lost its
claim can never overwrite the outcome of the one that took it over.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text, and_, case, cast, delete, func, or_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.models import OutboxMessage, OutboxStatus

KEYS_PER_QUERY = 500  # well under SQLite's limit on bound parameters
ROWS_PER_INSERT = 500
ERROR_LENGTH = 500
# What a sent message keeps of its text and attachments: nothing (Slack has them).
SENT_PAYLOAD: dict[str, Any] = {}


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


# --- claiming -----------------------------------------------------------------------------


def next_due_id(
    *,
    session: Session,
    now: datetime,
    only: Sequence[int] | None = None,
    exclude: Collection[int] = (),
) -> int | None:
    """The oldest row due at `now`, locked for this transaction on PostgreSQL (rows other
    transactions are claiming are skipped, not waited for)."""
    query = select(OutboxMessage.id).where(
        col(OutboxMessage.status) == OutboxStatus.PENDING,
        col(OutboxMessage.next_attempt_at) <= now,
    )
    if only is not None:
        query = query.where(col(OutboxMessage.id).in_(list(only)))
    if exclude:
        query = query.where(col(OutboxMessage.id).not_in(list(exclude)))
    query = query.order_by(col(OutboxMessage.id)).limit(1).with_for_update(skip_locked=True)
    return session.exec(query).first()


def claim(
    *,
    session: Session,
    message_id: int,
    claimant: str,
    now: datetime,
    claimed_at: datetime,
    lease_until: datetime,
) -> OutboxMessage | None:
    """Take a due row for sending; None when it is no longer pending.

    `now` is the delivery's moment (it starts the retry window); `claimed_at` and
    `lease_until` are by the wall clock, which every process shares."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message_id,
            col(OutboxMessage.status) == OutboxStatus.PENDING,
        )
        .values(
            status=OutboxStatus.SENDING,
            claimed_by=claimant,
            claimed_at=claimed_at,
            lease_until=lease_until,
            attempts=col(OutboxMessage.attempts) + 1,
            first_attempt_at=func.coalesce(col(OutboxMessage.first_attempt_at), now),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return _fresh(session, message_id)


@dataclass(frozen=True)
class Claim:
    message_id: int
    claimed_by: str | None
    claimed_at: datetime | None
    lease_until: datetime | None


def claims(*, session: Session) -> list[Claim]:
    """Rows some sender claimed and has not finished with."""
    rows = session.exec(
        select(
            OutboxMessage.id,
            OutboxMessage.claimed_by,
            OutboxMessage.claimed_at,
            OutboxMessage.lease_until,
        )
        .where(col(OutboxMessage.status) == OutboxStatus.SENDING)
        .order_by(col(OutboxMessage.id))
    ).all()
    return [Claim(i, by, at, until) for i, by, at, until in rows if i is not None]


def take_over(
    *,
    session: Session,
    claim: Claim,
    claimant: str,
    claimed_at: datetime,
    lease_until: datetime,
) -> OutboxMessage | None:
    """Take over the claim of a sender that is gone, once: the row becomes "maybe sent"
    from the moment that sender claimed it."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == claim.message_id,
            col(OutboxMessage.status) == OutboxStatus.SENDING,
            _held_by(claim.claimed_by),
        )
        .values(
            claimed_by=claimant,
            claimed_at=claimed_at,
            lease_until=lease_until,
            attempts=col(OutboxMessage.attempts) + 1,
            maybe_sent_at=func.coalesce(
                col(OutboxMessage.maybe_sent_at),
                col(OutboxMessage.claimed_at),
                claimed_at,
            ),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return _fresh(session, claim.message_id)


def renew(*, session: Session, message_id: int, claimant: str, lease_until: datetime) -> bool:
    """Extend the caller's lease; False if the claim is no longer the caller's."""
    return _finish(session, message_id, claimant, lease_until=lease_until)


def _held_by(claimant: str | None) -> Any:
    if claimant is None:
        return col(OutboxMessage.claimed_by).is_(None)
    return col(OutboxMessage.claimed_by) == claimant


def _fresh(session: Session, message_id: int) -> OutboxMessage | None:
    return session.get(OutboxMessage, message_id, populate_existing=True)


# --- the outcome of a claim: each only while the claim is still the caller's ---------------


def mark_sent(
    *, session: Session, message_id: int, claimant: str, ts: str | None, now: datetime
) -> bool:
    """Slack has the message: keep its key, status, time and ts, not its words (SENT_PAYLOAD)."""
    return _finish(
        session,
        message_id,
        claimant,
        status=OutboxStatus.SENT,
        sent_at=now,
        slack_ts=ts,
        last_error=None,
        lease_until=None,
        payload=SENT_PAYLOAD,
    )


def mark_retry(
    *,
    session: Session,
    message_id: int,
    claimant: str,
    error: str,
    at: datetime,
    maybe_sent_at: datetime | None = None,
) -> bool:
    """Back to pending until `at`, keeping the reason; `maybe_sent_at` records an attempt
    whose outcome is unknown (the earliest such attempt is kept)."""
    values: dict[str, Any] = {
        "status": OutboxStatus.PENDING,
        "next_attempt_at": at,
        "lease_until": None,
        "last_error": error[:ERROR_LENGTH],
    }
    if maybe_sent_at is not None:
        values["maybe_sent_at"] = func.coalesce(col(OutboxMessage.maybe_sent_at), maybe_sent_at)
    return _finish(session, message_id, claimant, **values)


def release(*, session: Session, message_id: int, claimant: str, at: datetime, reason: str) -> bool:
    """Back to pending until `at` without counting an attempt (nothing was tried)."""
    untried = col(OutboxMessage.attempts) <= 1
    return _finish(
        session,
        message_id,
        claimant,
        status=OutboxStatus.PENDING,
        next_attempt_at=at,
        lease_until=None,
        attempts=col(OutboxMessage.attempts) - 1,
        first_attempt_at=case((untried, None), else_=col(OutboxMessage.first_attempt_at)),
        last_error=reason[:ERROR_LENGTH],
    )


def mark_failed(*, session: Session, message_id: int, claimant: str, error: str) -> bool:
    return _finish(
        session,
        message_id,
        claimant,
        status=OutboxStatus.FAILED,
        lease_until=None,
        last_error=error[:ERROR_LENGTH],
    )


def mark_dropped(*, session: Session, message_id: int, claimant: str, reason: str) -> bool:
    return _finish(
        session,
        message_id,
        claimant,
        status=OutboxStatus.DROPPED,
        lease_until=None,
        attempts=col(OutboxMessage.attempts) - 1,
        last_error=reason[:ERROR_LENGTH],
    )


def replace_payload(
    *, session: Session, message_id: int, claimant: str, payload: dict[str, Any]
) -> bool:
    """Store the message as it will now be sent (re-rendered when it went)."""
    return _finish(session, message_id, claimant, payload=payload)


def _finish(session: Session, message_id: int, claimant: str, **values: Any) -> bool:
    result = session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message_id,
            col(OutboxMessage.claimed_by) == claimant,
            col(OutboxMessage.status) == OutboxStatus.SENDING,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


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
