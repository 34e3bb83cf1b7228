"""The channels that get a leader's weekly summary: subscribing, unsubscribing, and who
subscribed what."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import SummarySubscription


def subscribe(
    *, session: Session, channel_id: str, school: str | None, staff_id: int, now: datetime
) -> bool:
    """Subscribe a channel; False if it already was (its scope is then brought up to date)."""
    existing = session.get(SummarySubscription, channel_id)
    if existing is not None:
        existing.school = school
        session.add(existing)
        return False
    session.add(
        SummarySubscription(
            channel_id=channel_id, school=school, subscribed_by=staff_id, created_at=now
        )
    )
    return True


def subscription(*, session: Session, channel_id: str) -> SummarySubscription | None:
    return session.get(SummarySubscription, channel_id)


def unsubscribe(*, session: Session, channel_id: str) -> bool:
    existing = session.get(SummarySubscription, channel_id)
    if existing is None:
        return False
    session.delete(existing)
    return True


def subscriptions(*, session: Session) -> list[SummarySubscription]:
    return list(session.exec(select(SummarySubscription)).all())


def subscriptions_by(*, session: Session, staff_id: int) -> list[SummarySubscription]:
    """The channels this person subscribed to the weekly summary."""
    return list(
        session.exec(
            select(SummarySubscription)
            .where(SummarySubscription.subscribed_by == staff_id)
            .order_by(col(SummarySubscription.created_at))
        ).all()
    )
