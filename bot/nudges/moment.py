"""A moment's view, shared by every kind of nudge (bot.nudges.due): the roster and the
calendar at `now` (`DueContext`), the nudges the kinds find (`Due`), and the one way a
kind adds a nudge to them (`add`: it skips people who are inactive, have muted optional
reminders, or have no Slack account).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from bot.core.calendar import AcademicYear, SchoolCalendar
from bot.core.framework import Framework
from bot.ladder.windows import Window, ladder_windows
from bot.outbox.queue import Delivery
from storage.db import Database
from storage.ladder import staff_ids_without_sheet
from storage.staff import RosterEntry, roster_entries

AFTER_CLOSE = timedelta(days=7)  # how long the "window closed" list to appraisers stays relevant
PREFIX = "nudge:"


@dataclass(frozen=True)
class Nudge:
    delivery: Delivery
    optional: bool  # a person may mute these; deadlines they owe others are never optional


@dataclass
class Due:
    nudges: list[Nudge] = field(default_factory=list)
    unresolved: set[int] = field(default_factory=set)  # people due a nudge Slack has not resolved

    @property
    def skipped_without_slack(self) -> int:
        return len(self.unresolved)

    @cached_property
    def by_key(self) -> dict[str, Nudge]:
        return {n.delivery.key: n for n in self.nudges}


@dataclass
class DueContext:
    """One moment's view of the roster and the calendar, shared by the kinds."""

    db: Database
    framework: Framework
    calendar: SchoolCalendar
    now: datetime
    _missing: dict[tuple[str, str], list[RosterEntry]] = field(default_factory=dict)

    @cached_property
    def today(self) -> date:
        return self.calendar.today(self.now)

    @cached_property
    def people(self) -> dict[int, RosterEntry]:
        with self.db.read_session() as session:
            return {p.id: p for p in roster_entries(session=session)}

    @cached_property
    def windows(self) -> list[Window]:
        """Ladder windows open now, or closed within the last week."""
        year = AcademicYear.of(self.today)
        windows = ladder_windows(self.framework, year) + ladder_windows(
            self.framework, AcademicYear(year.first_year - 1)
        )
        return [w for w in windows if w.opens <= self.today <= w.closes + AFTER_CLOSE]

    def missing(self, window: Window) -> list[RosterEntry]:
        """Active staff who have not filled in this window's sheet."""
        period = (window.year.label, window.checkpoint.key)
        if period not in self._missing:
            with self.db.read_session() as session:
                ids = staff_ids_without_sheet(
                    session=session,
                    academic_year=window.year.label,
                    checkpoint=window.checkpoint.key,
                )
            people = self.people
            self._missing[period] = [people[i] for i in ids if i in people]
        return self._missing[period]


def kind_prefix(key: str) -> str | None:
    """The `<kind>` of a nudge's key (`nudge:cp-open:…` -> `cp-open`), or None."""
    if not key.startswith(PREFIX):
        return None
    return key.split(":", 2)[1]


def add(
    due: Due,
    person: RosterEntry | None,
    key: str,
    template: str,
    context: dict[str, object],
    *,
    optional: bool,
) -> None:
    if person is None or not person.active:
        return
    if optional and person.mute_nudges:
        return
    if not person.slack_user_id:
        due.unresolved.add(person.id)
        return
    due.nudges.append(Nudge(Delivery(key, person.slack_user_id, template, context), optional))
