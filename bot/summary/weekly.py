"""Weekly summaries: the channels a leader subscribes (bot.nudges.weekly queues the posts)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.core.errors import NotAllowed, problem
from bot.core.people import refreshed
from bot.summary.figures import scope_of
from storage import subscriptions as subscription_queries
from storage.db import Database
from storage.models import Staff


def subscribe(*, db: Database, leader: Staff, channel_id: str, now: datetime) -> bool:
    """Subscribe a channel to the leader's weekly summary; False if it already was."""
    school = scope_of(leader)
    with db.session() as session:
        leader = refreshed(session, leader)
        assert leader.id is not None
        _check_covered(session, leader, channel_id)
        return subscription_queries.subscribe(
            session=session, channel_id=channel_id, school=school, staff_id=leader.id, now=now
        )


def unsubscribe(*, db: Database, leader: Staff, channel_id: str) -> bool:
    scope_of(leader)
    with db.session() as session:
        _check_covered(session, refreshed(session, leader), channel_id)
        return subscription_queries.unsubscribe(session=session, channel_id=channel_id)


def _check_covered(session: Session, leader: Staff, channel_id: str) -> None:
    """A channel's subscription is changed only by a leader whose scope covers it: a trust
    leader any; a school leader only their own school's."""
    existing = subscription_queries.subscription(session=session, channel_id=channel_id)
    if existing is None or scope_of(leader) is None or existing.school == leader.school:
        return
    raise NotAllowed(problem("summary.not_yours", scope=existing.school))
