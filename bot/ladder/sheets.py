"""Filling and viewing ladder sheets (the use-cases; the sheet's rule is bot.ladder.rules).

A sheet is filled in the checkpoint window now open (optional checkpoints too),
stored for (person, year, checkpoint) and replaced if filled again in the same
window. Every statement of levels 1-5 is asked; levels 6-8 when the person's
expected or target level is 6 or more, or when they choose. The person gets their
grid (levels by checkpoint) and next development points by DM, their appraiser a
short note with the same points.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.admin import audit
from bot.core.calendar import AcademicYear, SchoolCalendar
from bot.core.errors import NotAllowed, invalid, problem
from bot.core.framework import Framework
from bot.core.framework_parts import LADDER_LEVELS
from bot.core.people import active_appraiser, on_roster, refreshed
from bot.core.usecase import UseCase
from bot.core.visibility import can_see
from bot.ladder.grid import (
    TARGET_CHECKPOINT,
    Grid,
    Statement,
    grid_of,
    level_names,
    sheet_of,
    sheets,
    statements,
    target_level,
)
from bot.ladder.rules import ALWAYS_ASKED, Band, Sheet, asks_higher_levels, band
from bot.ladder.windows import Window, next_window, open_window
from bot.outbox.queue import Delivery, enqueue
from storage.db import Database
from storage.ladder import save_sheet, staff_without_sheet
from storage.models import LadderSheet, Staff
from storage.objectives import set_objectives_target

TARGET = "target"
WINDOW = "window"


def require_ladder(framework: Framework) -> None:
    """NotAllowed when the trust's framework has no leadership ladder."""
    if not framework.has_ladder:
        raise NotAllowed(problem("ladder.no_ladder", trust=framework.trust))


@dataclass(frozen=True)
class Start:
    """What `/ladder` opens: the window now open, or when the next one opens."""

    window: Window | None
    upcoming: Window | None
    last_grid: Grid | None
    higher: bool = False  # levels 6-8 are asked without the person choosing them
    previous: list[list[bool | None]] | None = None  # the latest answers this year, to start from


def start(
    *, db: Database, framework: Framework, calendar: SchoolCalendar, person: Staff, now: datetime
) -> Start:
    require_ladder(framework)
    today = calendar.today(now)
    window = open_window(framework, today)
    with db.read_session() as session:
        filled = sheets(session, person)
        if window is not None:
            this_year = [s for s in filled if s.academic_year == window.year.label]
            target = target_level(session, person, window.year.label, filled)
            latest = _latest(framework, this_year, window.key)
            return Start(
                window=window,
                upcoming=None,
                last_grid=None,
                higher=asks_higher_levels(framework.expected_level(person.grade), target),
                previous=[list(level) for level in sheet_of(framework, latest).held]
                if latest
                else None,
            )
        # This year's grid once it has a sheet or a target (set with the objectives), else the
        # last year a sheet was filled in.
        current = AcademicYear.of(today).label
        last_year = filled[-1].academic_year if filled else None
        if target_level(session, person, current, filled) is not None:
            last_year = current
        grid = grid_of(session, framework, person, last_year) if last_year else None
    return Start(window=None, upcoming=next_window(framework, today), last_grid=grid)


def _latest(framework: Framework, filled: list[LadderSheet], key: str) -> LadderSheet | None:
    """The sheet to start from: this checkpoint's if filled already, else the latest before."""
    same = [s for s in filled if s.checkpoint == key]
    return same[0] if same else (max(filled, key=lambda s: s.updated_at) if filled else None)


@dataclass(frozen=True)
class SaveOutcome:
    grid: Grid
    outbox_ids: list[int]


def check_window(
    *, framework: Framework, calendar: SchoolCalendar, checkpoint: str, year: str, now: datetime
) -> Window:
    """The window a sheet was started in, if it is still open; InvalidInput if it has closed."""
    window = open_window(framework, calendar.today(now))
    if window is None or window.key != checkpoint or window.year.label != year:
        started = framework.checkpoint(checkpoint)
        name = started.name if started else checkpoint
        raise invalid(WINDOW, "ladder.window_closed", name=name, year=year)
    return window


def check_target(target: int | None, checkpoint: str) -> int | None:
    if checkpoint != TARGET_CHECKPOINT:
        return None
    if target is None or not 1 <= target <= LADDER_LEVELS:
        raise invalid(TARGET, "ladder.no_target", levels=LADDER_LEVELS)
    return target


@dataclass(frozen=True)
class Filled:
    """A sheet as the person filled it, in the window it was started in."""

    checkpoint: str
    year: str
    sheet: Sheet
    target: int | None


@dataclass(frozen=True)
class SaveSheet(UseCase[SaveOutcome]):
    """Store the sheet, replacing one filled earlier in the same window, and queue the DMs."""

    db: Database
    framework: Framework
    calendar: SchoolCalendar
    person: Staff
    filled: Filled
    now: datetime

    def run(self, session: Session, *, write: bool) -> SaveOutcome | None:
        filled, framework, now = self.filled, self.framework, self.now
        require_ladder(framework)
        window = check_window(
            framework=framework,
            calendar=self.calendar,
            checkpoint=filled.checkpoint,
            year=filled.year,
            now=now,
        )
        target = check_target(filled.target, filled.checkpoint)
        person = refreshed(session, self.person)
        if not write:
            return None
        assert person.id is not None
        save_sheet(
            session=session,
            staff_id=person.id,
            academic_year=filled.year,
            checkpoint=filled.checkpoint,
            held=[list(level) for level in filled.sheet.held],
            level_reached=filled.sheet.level_reached,
            target_level=target,
            now=now,
        )
        if target is not None:  # objective 3 aims for the same level
            set_objectives_target(
                session=session, staff_id=person.id, academic_year=filled.year, target_level=target
            )
        grid = grid_of(session, framework, person, filled.year)
        return SaveOutcome(grid, _queue(session, framework, person, window, grid, filled, now))


def _queue(
    session: Session,
    framework: Framework,
    person: Staff,
    window: Window,
    grid: Grid,
    filled: Filled,
    now: datetime,
) -> list[int]:
    context = {
        "grid": grid,
        "checkpoint": window.checkpoint.name,
        "reached": filled.sheet.level_reached,
        "level_names": level_names(framework),
    }
    key = f"ladder:{person.id}:{filled.year}:{filled.checkpoint}:{now:%Y%m%dT%H%M%S}"
    deliveries = []
    if person.slack_user_id:
        deliveries.append(Delivery(f"{key}:grid", person.slack_user_id, "ladder_saved", context))
    appraiser = active_appraiser(session, person)
    if appraiser is not None and appraiser.slack_user_id:
        deliveries.append(
            Delivery(f"{key}:appraiser", appraiser.slack_user_id, "ladder_appraiser", context)
        )
    return enqueue(session=session, deliveries=deliveries, now=now)


def view(
    *,
    db: Database,
    framework: Framework,
    calendar: SchoolCalendar,
    viewer: Staff,
    subject_slack_id: str,
    now: datetime,
) -> Grid:
    """A person's sheets this year, for them, their appraiser and their leaders only."""
    require_ladder(framework)
    with db.read_session() as session:
        subject = on_roster(session, subject_slack_id)
        if subject is None:
            raise invalid("person", "people.unknown", slack_id=subject_slack_id)
        if not can_see(viewer, subject):
            raise NotAllowed(problem("ladder.private"))
        year = AcademicYear.of(calendar.today(now)).label
        grid = grid_of(session, framework, subject, year)
    audit.viewed(db=db, viewer=viewer, subject=subject, record="ladder", now=now)
    return grid


def missing(*, db: Database, year: str, checkpoint: str) -> list[Staff]:
    """Who has not completed checkpoint `checkpoint` of academic year `year`."""
    with db.read_session() as session:
        return list(staff_without_sheet(session=session, academic_year=year, checkpoint=checkpoint))


def levels_to_ask(framework: Framework, *, higher: bool) -> int:
    """How many levels of the sheet are asked: 1-5, or every sheet (1-8) with the higher ones."""
    return len(framework.sheet) if higher else min(ALWAYS_ASKED, len(framework.sheet))


@dataclass(frozen=True)
class Preview:
    """What the end of the form shows before saving."""

    reached: int
    next_points: list[Statement]
    other_points: int
    expected: int | None
    band: Band | None
    default_target: int


def current_target(*, db: Database, person: Staff, year: str) -> int | None:
    """The target for July of `year` already set (on the sheet or with the objectives)."""
    with db.read_session() as session:
        return target_level(session, person, year)


def preview(
    *, framework: Framework, person: Staff, sheet: Sheet, target: int | None = None
) -> Preview:
    """`target`: the one already set, offered again rather than the level reached."""
    expected = framework.expected_level(person.grade)
    return Preview(
        reached=sheet.level_reached,
        next_points=statements(framework, sheet.next_points),
        other_points=len(sheet.development_points) - len(sheet.next_points),
        expected=expected,
        band=band(sheet.level_reached, expected, framework.new_to_role_levels),
        default_target=target or max(1, sheet.level_reached),
    )
