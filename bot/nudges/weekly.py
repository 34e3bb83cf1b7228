"""The weekly summaries owed to subscribed channels, one channel at a time.

Each channel's post is computed and queued on its own, so one that fails (a
summary that raises, a chart that cannot be drawn) is logged and the others go.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.nudges.moment import DueContext
from bot.outbox.queue import Delivery
from bot.summary.figures import summarise
from bot.summary.post import chart_of, chart_title, post_context
from storage.models import SummarySubscription
from storage.outbox import existing_keys
from storage.subscriptions import subscriptions

PREFIX = "summary:"


def weekly_key(channel_id: str, monday: date) -> str:
    return f"{PREFIX}{channel_id}:{monday.isoformat()}"


def _monday(context: DueContext) -> date | None:
    """This week's Monday once the week's summary is due (its day and time have come)."""
    local = context.now.astimezone(context.framework.zone)
    schedule = context.framework.weekly_summary
    today = local.date()
    if today.weekday() != schedule.weekday or local.time() < schedule.at:
        return None
    if not context.calendar.is_working_day(today):
        return None
    return today - timedelta(days=today.weekday())


def weekly_due(context: DueContext) -> list[SummarySubscription]:
    """The channels owed this week's summary that have not had it queued yet."""
    monday = _monday(context)
    if monday is None:
        return []
    with context.db.read_session() as session:
        channels = subscriptions(session=session)
        queued = existing_keys(
            session=session, keys=[weekly_key(s.channel_id, monday) for s in channels]
        )
    return [s for s in channels if weekly_key(s.channel_id, monday) not in queued]


def weekly_delivery(context: DueContext, subscription: SummarySubscription) -> Delivery:
    """This week's post for one channel, with its chart."""
    monday = _monday(context)
    assert monday is not None
    summary = summarise(
        db=context.db,
        framework=context.framework,
        calendar=context.calendar,
        school=subscription.school,
        now=context.now,
    )
    return Delivery(
        key=weekly_key(subscription.channel_id, monday),
        channel=subscription.channel_id,
        template="summary",
        context=post_context(summary, context.framework),
        chart=chart_of(summary),
        chart_title=chart_title(summary),
    )


def still_subscribed(context: DueContext, channel_id: str) -> bool:
    with context.db.read_session() as session:
        return any(s.channel_id == channel_id for s in subscriptions(session=session))
