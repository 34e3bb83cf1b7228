"""Helpers for tests of delivery: what the app has learned of Slack's limits, and leases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from storage.db import Database
from storage.models import OutboxMessage, OutboxStatus
from storage.ratelimit import locked

LOOKUPS = ("conversations.open", "conversations.history", "conversations.list")


def learned(db: Database, method: str, interval: float) -> None:
    """As if the app had learned that Slack allows `method` every `interval` seconds."""
    with db.session() as session:
        row = locked(session=session, method=method, first_interval=interval, now=datetime.now(UTC))
        row.interval = interval
        session.add(row)


def quick_lookups(db: Database) -> None:
    """History questions answered quickly (the first guess for these Tier 3 methods is one
    call a second, which would make tests of many interrupted sends take minutes)."""
    for method in LOOKUPS:
        learned(db, method, 0.001)


def leases_run_out(db: Database) -> int:
    """Five minutes later, by the wall clock, for every SQLite lease held now."""
    with db.session() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.SENDING)
            .values(lease_until=datetime.now(UTC) - timedelta(seconds=1))
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
