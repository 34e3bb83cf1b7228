"""A sender's claim on an outbox row, and every change it makes under that claim.

A row is claimed by one conditional UPDATE, and every later change of a claimed row is
conditional on the claim still being the caller's (`claimed_by = me AND status =
'sending'`), so a sender that lost its claim can never overwrite the outcome of the one
that took it over. (On PostgreSQL the claim is also held by a lock: storage.claims.)
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, update
from sqlmodel import Session, col, select

from storage.models import OutboxMessage, OutboxStatus

ERROR_LENGTH = 500
# What a sent message keeps of its text and attachments: nothing (Slack has them).
SENT_PAYLOAD: dict[str, Any] = {}


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
    """No longer due: it will never be sent, so its words go now (SENT_PAYLOAD)."""
    return _finish(
        session,
        message_id,
        claimant,
        status=OutboxStatus.DROPPED,
        lease_until=None,
        attempts=col(OutboxMessage.attempts) - 1,
        last_error=reason[:ERROR_LENGTH],
        payload=SENT_PAYLOAD,
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
