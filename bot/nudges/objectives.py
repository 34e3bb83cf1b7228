"""The appraisal year's nudges, through the same outbox as every other:
objectives not written by 1 October (to the person); objectives not agreed by the end
of the September checkpoint (to the appraiser); reviews due at each review checkpoint,
Mid-year, July and any optional check point (to the appraiser, when it opens and a week
before it closes); and once a half-term, to each appraiser, the appraisees nobody has
commended in it (SMART's Expected Standards, level 6 iv: "opportunities for those with
low praise are rarely missed").

Each has a natural key (kind, person, period) so any number of ticks queue it once;
what is due depends only on the database and the date. `objective_nudges` is called
from bot.nudges.due with the function that adds a nudge there (it skips people who are
inactive, have muted optional reminders, or have no Slack account).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from sqlmodel import Session

from bot.core.calendar import AcademicYear, SchoolCalendar
from bot.core.framework import Framework
from bot.core.people import mention
from bot.home.terms import half_term_start, next_holiday
from bot.ladder.windows import Window
from bot.objectives import rules
from storage.db import Database
from storage.home import praise_received_since
from storage.models import ObjectiveSet
from storage.objectives import objective_sets_of, reviews_in
from storage.staff import RosterEntry

CLOSING_NOTICE = timedelta(days=7)
PRAISE_BEFORE_HOLIDAY = 5  # working days before a half-term ends: time left to commend
SHOWN = 20  # appraisees named (and given buttons) in one message


class AddNudge(Protocol):
    """bot.nudges.due's way to add a nudge (a person, its unique key, what to send)."""

    def __call__(
        self,
        person: RosterEntry | None,
        key: str,
        template: str,
        context: dict[str, object],
        *,
        optional: bool,
    ) -> None: ...


@dataclass(frozen=True)
class _Year:
    today: date
    year: AcademicYear
    sets: Mapping[int, ObjectiveSet]  # staff id -> this year's objectives
    reviewed: Mapping[int, set[str]]  # set id -> checkpoints reviewed at


def objective_nudges(
    add: AddNudge,
    *,
    db: Database,
    framework: Framework,
    calendar: SchoolCalendar,
    now: datetime,
    people: Mapping[int, RosterEntry],
) -> None:
    today = calendar.today(now)
    year = AcademicYear.of(today)
    staff = [p for p in people.values() if p.id is not None and p.active]
    teams: dict[int, list[RosterEntry]] = {}
    for person in staff:
        if person.appraiser_id is not None:
            teams.setdefault(person.appraiser_id, []).append(person)
    with db.read_session() as session:
        sets = objective_sets_of(
            session=session, staff_ids=[p.id for p in staff if p.id], academic_year=year.label
        )
        reviews = reviews_in(session=session, set_ids=[s.id for s in sets.values() if s.id])
        state = _Year(
            today, year, sets, {sid: {r.checkpoint for r in rows} for sid, rows in reviews.items()}
        )
        _unwritten(add, framework, calendar, state, [p for p in staff if _appraised(p, people)])
        _unagreed(add, framework, calendar, state, teams, people)
        for window in rules.review_windows(framework, year):
            _reviews(add, calendar, state, window, teams, people)
        _praise(add, session, framework, calendar, state, teams, people)


def _appraised(person: RosterEntry, people: Mapping[int, RosterEntry]) -> bool:
    """The person has an appraiser on the roster, to agree their objectives."""
    appraiser = people.get(person.appraiser_id) if person.appraiser_id is not None else None
    return appraiser is not None and appraiser.active


def _mid_opens(framework: Framework, year: AcademicYear) -> date:
    windows = rules.review_windows(framework, year)
    return windows[0].opens if windows else year.ends


def _unwritten(
    add: AddNudge,
    framework: Framework,
    calendar: SchoolCalendar,
    state: _Year,
    staff: list[RosterEntry],
) -> None:
    """From 1 October until the first review, to each person with no objectives yet who has
    an appraiser on the roster to agree them (someone without one, a trust leader or a
    governor, may write them, but nobody here agrees them, so nothing chases them)."""
    start = calendar.first_working_day(rules.write_reminder_from(state.year))
    if not start <= state.today < _mid_opens(framework, state.year):
        return
    closes = rules.agreement_window(framework, state.year).closes
    for person in staff:
        if person.id not in state.sets:
            add(
                person,
                f"nudge:obj-write:{state.year.label}:{person.id}",
                "objectives_nudge_write",
                {
                    "year": state.year.label,
                    "agree_by": closes,
                    "leadership": framework.leadership_objective.name,
                },
                optional=True,
            )


def _unagreed(
    add: AddNudge,
    framework: Framework,
    calendar: SchoolCalendar,
    state: _Year,
    teams: dict[int, list[RosterEntry]],
    people: Mapping[int, RosterEntry],
) -> None:
    """After the September checkpoint closes, until the first review, to each appraiser
    whose appraisees' objectives are not agreed: those written (theirs to agree) and
    those not written yet."""
    window = rules.agreement_window(framework, state.year)
    start = calendar.first_working_day(window.closes + timedelta(days=1))
    if not start <= state.today < _mid_opens(framework, state.year):
        return
    for appraiser_id, team in teams.items():
        written = [p for p in team if p.id in state.sets and not state.sets[p.id or 0].agreed_at]
        unwritten = [p for p in team if p.id not in state.sets]
        if written or unwritten:
            add(
                people.get(appraiser_id),
                f"nudge:obj-unagreed:{state.year.label}:{appraiser_id}",
                "objectives_nudge_unagreed",
                {
                    "year": state.year.label,
                    "closed": window.closes,
                    "checkpoint": window.checkpoint.name,
                    "written": [mention(p) for p in written[:SHOWN]],
                    "unwritten": [mention(p) for p in unwritten[:SHOWN]],
                    "more_written": max(0, len(written) - SHOWN),
                    "more_unwritten": max(0, len(unwritten) - SHOWN),
                },
                optional=False,
            )


def _reviews(
    add: AddNudge,
    calendar: SchoolCalendar,
    state: _Year,
    window: Window,
    teams: dict[int, list[RosterEntry]],
    people: Mapping[int, RosterEntry],
) -> None:
    """While a review checkpoint is open, to each appraiser with agreed objectives not yet
    reviewed at it: when it opens, and a week before it closes."""
    today, key = state.today, window.checkpoint.key
    if not calendar.first_working_day(window.opens) <= today <= window.closes:
        return
    moments = ["open"] + (["closing"] if today >= window.closes - CLOSING_NOTICE else [])
    for appraiser_id, team in teams.items():
        due = [
            (p, found)
            for p in team
            if (found := state.sets.get(p.id or 0)) is not None
            and found.agreed_at is not None
            and key not in state.reviewed.get(found.id or 0, set())
        ]
        if not due:
            continue
        for moment in moments:
            add(
                people.get(appraiser_id),
                f"nudge:obj-review-{moment}:{state.year.label}:{key}:{appraiser_id}",
                "objectives_nudge_review",
                {
                    "checkpoint": window.checkpoint.name,
                    "closes": window.closes,
                    "closing": moment == "closing",
                    "due": [
                        {"who": mention(p), "name": p.name, "set_id": found.id}
                        for p, found in due[:SHOWN]
                    ],
                    "more": max(0, len(due) - SHOWN),
                },
                optional=False,
            )


def _praise(
    add: AddNudge,
    session: Session,
    framework: Framework,
    calendar: SchoolCalendar,
    state: _Year,
    teams: dict[int, list[RosterEntry]],
    people: Mapping[int, RosterEntry],
) -> None:
    """Once a half-term, in its last working week, to each appraiser: the appraisees
    nobody has commended since it began."""
    holiday = next_holiday(framework, state.today)
    if holiday is None:
        return
    started = half_term_start(framework, state.today)
    ends = holiday.start - timedelta(days=1)
    working_left = calendar.working_days_until(state.today, ends)
    if working_left >= PRAISE_BEFORE_HOLIDAY or not calendar.is_working_day(state.today):
        return
    since = datetime.combine(started, datetime.min.time(), framework.zone).astimezone(UTC)
    appraisees = [p.id for team in teams.values() for p in team if p.id is not None]
    praised = praise_received_since(session=session, since=since, staff_ids=appraisees)
    for appraiser_id, team in teams.items():
        unpraised = [p for p in team if not praised.get(p.id or 0)]
        if unpraised:
            add(
                people.get(appraiser_id),
                f"nudge:praise:{started.isoformat()}:{appraiser_id}",
                "objectives_nudge_praise",
                {
                    "since": calendar.first_working_day(started),  # not the Saturday after
                    "holiday": holiday.name,
                    "unpraised": [mention(p) for p in unpraised[:SHOWN]],
                    "more": max(0, len(unpraised) - SHOWN),
                },
                optional=True,
            )
