"""Whether a held message is still due at the moment it goes (the sender's re-check).

A nudge is queued when it becomes due, often before working hours, and sent later.
By then its reason may have gone: the sheet filled in at 07:30, reminders muted,
the person gone from the roster, the feedback written on Sunday. So when the
sender is about to post a nudge it asks its kind again, with the same code that
queued it: still due (and sent as the kind would word it now), or dropped with
the reason. A weekly summary is dropped if its channel has unsubscribed. A message
about someone's record that waited (to retry, or re-driven) goes only to someone who
may still see that record: not to an appraiser replaced since, nor to someone gone
from the roster.

The kinds' answers are kept for a few seconds, so a run of thousands of nudges of
one kind asks the database once every few seconds, not once a message.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from bot.core.calendar import SchoolCalendar
from bot.core.framework import Framework
from bot.core.visibility import can_see
from bot.nudges.due import KIND_BY_PREFIX, Kind
from bot.nudges.moment import Due, DueContext, kind_prefix
from bot.nudges.weekly import PREFIX as SUMMARY
from bot.nudges.weekly import still_subscribed
from bot.outbox.queue import payload_of
from bot.outbox.recheck import Drop, Hold, Send, Verdict
from storage.audience import record_of_key
from storage.db import Database
from storage.models import OutboxMessage
from storage.staff import staff_by_slack_id

FRESH_FOR = 10.0  # seconds a kind's answer is trusted


class StillDue:
    """The `Recheck` the tick gives the sender."""

    def __init__(
        self,
        db: Database,
        framework: Framework,
        calendar: SchoolCalendar,
        *,
        known: Mapping[str, Due] | None = None,
        known_at: datetime | None = None,
        fresh_for: float = FRESH_FOR,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`known`: what the tick just found, kind by kind, at `known_at`."""
        self._db, self._framework, self._calendar = db, framework, calendar
        self._fresh_for = fresh_for
        self._clock = clock
        self._answers: dict[str, tuple[float, datetime, Due]] = {}
        if known and known_at is not None:
            for name, due in known.items():
                self._answers[name] = (clock(), known_at, due)

    def __call__(self, message: OutboxMessage, now: datetime) -> Verdict:
        if message.key.startswith(SUMMARY):
            if still_subscribed(self._context(now), message.channel):
                return Send()
            return Drop("the channel no longer subscribes to the weekly summary")
        prefix = kind_prefix(message.key)
        kind = KIND_BY_PREFIX.get(prefix) if prefix else None
        if kind is None:
            return self._still_allowed(message)
        if not self._calendar.in_working_hours(now):
            return Hold(self._calendar.next_working_moment(now), "waiting for working hours")
        nudge = self._due(kind, now).by_key.get(message.key)
        if nudge is None:
            return Drop(self._why(kind, message))
        return Send(payload_of(nudge.delivery))

    def _context(self, now: datetime) -> DueContext:
        return DueContext(self._db, self._framework, self._calendar, now)

    def _due(self, kind: Kind, now: datetime) -> Due:
        answer = self._answers.get(kind.name)
        if answer is not None:
            asked, asked_for, due = answer
            fresh = self._clock() - asked < self._fresh_for
            same_moment = abs(now - asked_for) < timedelta(seconds=self._fresh_for)
            if fresh and same_moment:
                return due
        due = kind.due(self._context(now))
        self._answers[kind.name] = (self._clock(), now, due)
        return due

    def _still_allowed(self, message: OutboxMessage) -> Verdict:
        """Not a nudge: owed as it was queued, to whoever may still see its record."""
        with self._db.read_session() as session:
            record = record_of_key(session, message.key)
            if record is None:
                return Send()
            recipient = staff_by_slack_id(session=session, slack_user_id=message.channel)
        if recipient is None or not recipient.active:
            return Drop("no longer on the roster")
        subject, author_id = record
        if not can_see(recipient, subject, author_id):
            return Drop("no longer allowed to see this record")
        return Send()

    def _why(self, kind: Kind, message: OutboxMessage) -> str:
        with self._db.read_session() as session:
            person = staff_by_slack_id(session=session, slack_user_id=message.channel)
        if person is None or not person.active:
            return "no longer on the roster"
        if kind.optional and person.mute_nudges:
            return "reminders muted"
        return kind.gone
