"""Weekly summaries: channels a leader subscribes, and each week's post for them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.core.calendar import SchoolCalendar
from bot.core.errors import NotAllowed, problem
from bot.core.framework import Framework
from bot.core.people import refreshed
from bot.outbox.queue import Delivery
from bot.summary.figures import scope_of, summarise
from bot.summary.post import chart_of, chart_title, post_context
from storage import summary as summary_queries
from storage.db import Database
from storage.models import Staff
from storage.outbox import message_by_key


def subscribe(*, db: Database, leader: Staff, channel_id: str, now: datetime) -> bool:
    """Subscribe a channel to the leader's weekly summary; False if it already was."""
    school = scope_of(leader)
    with db.session() as session:
        leader = refreshed(session, leader)
        assert leader.id is not None
        _check_covered(session, leader, channel_id)
        return summary_queries.subscribe(
            session=session, channel_id=channel_id, school=school, staff_id=leader.id, now=now
        )


def unsubscribe(*, db: Database, leader: Staff, channel_id: str) -> bool:
    scope_of(leader)
    with db.session() as session:
        _check_covered(session, refreshed(session, leader), channel_id)
        return summary_queries.unsubscribe(session=session, channel_id=channel_id)


def _check_covered(session: Session, leader: Staff, channel_id: str) -> None:
    """A channel's subscription is changed only by a leader whose scope covers it: a trust
    leader any; a school leader only their own school's."""
    existing = summary_queries.subscription(session=session, channel_id=channel_id)
    if existing is None or scope_of(leader) is None or existing.school == leader.school:
        return
    raise NotAllowed(problem("summary.not_yours", scope=existing.school))


def weekly_deliveries(
    *, db: Database, framework: Framework, calendar: SchoolCalendar, now: datetime
) -> list[Delivery]:
    """This week's post for every subscribed channel, once its day and time have come."""
    local = now.astimezone(framework.zone)
    schedule = framework.weekly_summary
    today = local.date()
    if today.weekday() != schedule.weekday or local.time() < schedule.at:
        return []
    if not calendar.is_working_day(today):
        return []
    monday = today - timedelta(days=today.weekday())
    with db.read_session() as session:
        channels = summary_queries.subscriptions(session=session)
        queued = {
            s.channel_id
            for s in channels
            if message_by_key(session=session, key=_weekly_key(s.channel_id, monday)) is not None
        }
    deliveries = []
    for subscription in channels:
        if subscription.channel_id in queued:
            continue  # summarised already this week: do not compute it again
        summary = summarise(
            db=db, framework=framework, calendar=calendar, school=subscription.school, now=now
        )
        deliveries.append(
            Delivery(
                key=_weekly_key(subscription.channel_id, monday),
                channel=subscription.channel_id,
                template="summary",
                context=post_context(summary, framework),
                chart=chart_of(summary),
                chart_title=chart_title(summary),
            )
        )
    return deliveries


def _weekly_key(channel_id: str, monday: date) -> str:
    return f"summary:{channel_id}:{monday.isoformat()}"
