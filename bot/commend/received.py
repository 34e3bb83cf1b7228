"""The praise a person has received, as their App Home shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.commendations import count_received, recent_received
from storage.db import Database
from storage.models import Staff


@dataclass(frozen=True)
class ReceivedPraise:
    author: str | None  # a Slack mention (None: the author has no Slack account now)
    message: str
    created_at: datetime


@dataclass(frozen=True)
class PraiseSummary:
    received_count: int = 0
    recent: tuple[ReceivedPraise, ...] = ()


def praise_for(*, db: Database, person: Staff, limit: int = 5) -> PraiseSummary:
    """How much praise `person` has received, and the newest few."""
    assert person.id is not None
    with db.read_session() as session:
        rows = recent_received(session=session, staff_id=person.id, limit=limit)
        return PraiseSummary(
            received_count=count_received(session=session, staff_id=person.id),
            recent=tuple(
                ReceivedPraise(
                    author=f"<@{author}>" if author else None,
                    message=item.message,
                    created_at=item.created_at,
                )
                for item, author in rows
            ),
        )
