"""What the app owes Slack: the outbox of messages, and the pace Slack allows."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Index, UniqueConstraint
from sqlalchemy.types import JSON
from sqlmodel import Field, SQLModel

from storage.types import enum_type, utc_field


class OutboxStatus(StrEnum):
    PENDING = "pending"  # owed: sent when `next_attempt_at` comes
    SENDING = "sending"  # claimed by one sender (`claimed_by`), which alone may change it
    SENT = "sent"
    FAILED = "failed"  # given up (an error no retry can fix, or retried for the whole window)
    DROPPED = "dropped"  # no longer due when its moment came (the reason in `last_error`)


class OutboxMessage(SQLModel, table=True):
    """A message the app owes someone, keyed so that it exists (and is sent) once."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("key", name="uq_outbox_key"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200)
    channel: str = Field(max_length=80)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    status: OutboxStatus = Field(
        default=OutboxStatus.PENDING,
        sa_column=Column(enum_type(OutboxStatus, 10), nullable=False),
    )
    attempts: int = Field(default=0)
    next_attempt_at: datetime = utc_field(nullable=False)
    first_attempt_at: datetime | None = utc_field(nullable=True)  # retries end a day after it
    # The sender holding the claim (one delivery run), when it claimed (wall clock), and
    # until when its lease holds on SQLite (PostgreSQL fences claims with a lock instead).
    claimed_at: datetime | None = utc_field(nullable=True)
    claimed_by: str | None = Field(default=None, max_length=120)
    lease_until: datetime | None = utc_field(nullable=True)
    # Set when an attempt ended without knowing whether Slack stored the message (a
    # timeout, a reset, a 5xx, a sender that died): the wall-clock time it started. The
    # conversation's history is searched for the key from then before posting again.
    maybe_sent_at: datetime | None = utc_field(nullable=True)
    sent_at: datetime | None = utc_field(nullable=True)
    last_error: str | None = Field(default=None, max_length=500)
    slack_ts: str | None = Field(default=None, max_length=40)
    created_at: datetime = utc_field(nullable=False)


class SlackRate(SQLModel, table=True):
    """What the app has learned of Slack's rate limit for one Web API method, and the
    next moment a call may be made, shared by every process delivering (times are
    seconds since the epoch by the wall clock)."""

    __tablename__ = "slack_rate"

    method: str = Field(primary_key=True, max_length=60)
    interval: float  # seconds between calls now used
    floor: float = Field(default=0.0)  # the longest spacing Slack refused (too fast)
    ceiling: float | None = Field(default=None)  # the shortest spacing that held for a streak
    next_slot: float = Field(default=0.0)  # no call before this moment
    updated_at: datetime = utc_field(nullable=False)
