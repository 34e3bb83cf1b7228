"""Retention: records are kept for the framework's `retention_years` academic years after
the one they belong to, then deleted (`staffroom purge`, and daily inside `serve`).

A record belongs to the academic year of what it is about: a commendation to when it
was written, feedback to the day observed, a lesson visit to the day of the visit, a
ladder sheet, a STAR project (with its measurements and notes) and a year's objectives
(with their reviews) to their year, a leadership training write-up to the day the
training was taken. With
six years, a record of 2026-27 goes when 2033-34 begins. What is deleted is first
counted, by academic year, school and kind, into anonymous counts that stay. Copies of
messages queued before then go too, sent messages keep no words at all, audit entries
of those years go, and people who left the roster before then are anonymised as
`staffroom erase` does. One transaction: all of it or none; `dry_run` counts only.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlmodel import Session

from bot.admin.audit import admin_command, command_line_user
from bot.admin.erasure import ERASED_DOMAIN, forget
from bot.core.calendar import AcademicYear, SchoolCalendar
from bot.core.framework import Framework
from storage import retention
from storage.audit import delete_events_before
from storage.db import Database

log = logging.getLogger(__name__)
SCHEDULED_AT = time(2, 30)  # daily, in the trust's time zone: a quiet hour

# The kinds of record purged, in an order that deletes what links to a row before the row.
COMMENDATION, VISIT, FEEDBACK, LADDER_SHEET, STAR_PROJECT, OBJECTIVES, TRAINING = (
    "commendation",
    "visit",
    "feedback",
    "ladder_sheet",
    "star_project",
    "objectives",
    "leadership_training",
)


@dataclass(frozen=True)
class PurgeReport:
    first_year_kept: str  # e.g. 2027-28: everything of earlier academic years went
    deleted: dict[str, int] = field(default_factory=dict)  # record kind -> rows
    messages: int = 0  # copies of messages deleted
    texts_dropped: int = 0  # sent messages whose words were still kept
    audit_events: int = 0
    people: int = 0  # people who left the roster, anonymised
    dry_run: bool = False

    @property
    def anything(self) -> bool:
        return bool(
            sum(self.deleted.values())
            or self.messages
            or self.texts_dropped
            or self.audit_events
            or self.people
        )

    def summary(self) -> str:
        records = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in self.deleted.items())
        return (
            f"before {self.first_year_kept}: {records}; {self.messages} messages; "
            f"{self.texts_dropped} sent messages' words; {self.audit_events} audit entries; "
            f"{self.people} people anonymised"
        )


def first_year_kept(framework: Framework, calendar: SchoolCalendar, now: datetime) -> AcademicYear:
    current = AcademicYear.of(calendar.today(now))
    return AcademicYear(current.first_year - framework.retention_years)


def purge(
    *,
    db: Database,
    framework: Framework,
    calendar: SchoolCalendar,
    now: datetime,
    dry_run: bool = False,
) -> PurgeReport:
    kept = first_year_kept(framework, calendar, now)
    day = kept.starts
    moment = datetime.combine(day, time(0), tzinfo=framework.zone)
    with db.session() as session:
        tally: Counter[tuple[str, str, str]] = Counter()
        deleted = {
            kind: _purge_kind(session, calendar, tally, kind, old, delete)
            for kind, old, delete in _kinds(day, moment, kept.label)
        }
        retention.add_counts(session=session, counts=dict(tally))
        messages = retention.delete_messages_before(session=session, before=moment)
        texts = retention.drop_sent_texts(session=session)
        events = delete_events_before(session=session, before=moment)
        leavers = retention.leavers_before(
            session=session, before=moment, erased_domain=ERASED_DOMAIN
        )
        for person in leavers:
            forget(session, person, now)
        report = PurgeReport(
            first_year_kept=kept.label,
            deleted=deleted,
            messages=messages,
            texts_dropped=texts,
            audit_events=events,
            people=len(leavers),
            dry_run=dry_run,
        )
        if dry_run:
            session.rollback()
        return report


def scheduled_purge(
    *, db: Database, framework: Framework, calendar: SchoolCalendar, now: datetime
) -> PurgeReport:
    """The daily purge inside `serve`: logged and audited when it removed anything."""
    report = purge(db=db, framework=framework, calendar=calendar, now=now)
    if report.anything:
        actor = f"staffroom serve ({command_line_user()})"
        admin_command(db=db, command="purge", detail=report.summary(), now=now, actor=actor)
        log.info("purge: %s", report.summary())
    return report


Old = Callable[[Session], list[retention.Row]]
Delete = Callable[[Session, Sequence[int]], list[int]]


def _kinds(day: date, moment: datetime, year: str) -> list[tuple[str, Old, Delete]]:
    return [
        (
            COMMENDATION,
            lambda s: retention.old_commendations(session=s, before=moment),
            lambda s, ids: retention.delete_commendations(session=s, ids=ids),
        ),
        (
            VISIT,
            lambda s: retention.old_visits(session=s, before=day),
            lambda s, ids: retention.delete_visits(session=s, ids=ids),
        ),
        (
            FEEDBACK,
            lambda s: retention.old_feedback(session=s, before=day),
            lambda s, ids: retention.delete_feedback(session=s, ids=ids),
        ),
        (
            LADDER_SHEET,
            lambda s: retention.old_sheets(session=s, before_year=year),
            lambda s, ids: retention.delete_sheets(session=s, ids=ids),
        ),
        (
            STAR_PROJECT,
            lambda s: retention.old_projects(session=s, before_year=year),
            lambda s, ids: retention.delete_projects(session=s, ids=ids),
        ),
        (
            OBJECTIVES,
            lambda s: retention.old_objective_sets(session=s, before_year=year),
            lambda s, ids: retention.delete_objective_sets(session=s, ids=ids),
        ),
        (
            TRAINING,
            lambda s: retention.old_training(session=s, before=day),
            lambda s, ids: retention.delete_training(session=s, ids=ids),
        ),
    ]


def _purge_kind(
    session: Session,
    calendar: SchoolCalendar,
    tally: Counter[tuple[str, str, str]],
    kind: str,
    old: Old,
    delete: Delete,
) -> int:
    rows = old(session)
    years = {row_id: (_year_of(when, calendar), school) for row_id, when, school in rows}
    deleted = delete(session, list(years))
    for row_id in deleted:  # only what this process deleted is counted
        year, school = years[row_id]
        tally[(year, school, kind)] += 1
    return len(deleted)


def _year_of(when: Any, calendar: SchoolCalendar) -> str:
    if isinstance(when, datetime):
        return AcademicYear.of(calendar.today(when)).label
    if isinstance(when, date):
        return AcademicYear.of(when).label
    return str(when)
