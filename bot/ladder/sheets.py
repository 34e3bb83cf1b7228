"""Filling and viewing ladder sheets (the use-cases; the sheet's rule is bot.ladder.rules).

A sheet is filled in the checkpoint window now open, stored for (person, year,
checkpoint) and replaced if filled again in the same window. The person gets
their grid (levels by Sep / Mid / Jul) by DM and their appraiser a short note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.core.calendar import AcademicYear, SchoolCalendar
from bot.core.errors import NotAllowed, invalid, problem
from bot.core.framework import LADDER_LEVELS, SHEET_LEVELS, Framework
from bot.core.people import active_appraiser, on_roster, refreshed
from bot.core.usecase import UseCase
from bot.core.visibility import can_see
from bot.ladder.grid import TARGET_CHECKPOINT, Grid, grid_of, level_names, sheets
from bot.ladder.rules import Gap, Sheet, Standing, standing
from bot.ladder.windows import Window, next_window, open_window
from bot.outbox.queue import Delivery, enqueue
from storage.db import Database
from storage.ladder import save_sheet, staff_without_sheet
from storage.models import Staff

TARGET = "target"
WINDOW = "window"


@dataclass(frozen=True)
class Start:
    """What `/ladder` opens: the window now open, or when the next one opens."""

    window: Window | None
    upcoming: Window | None
    last_grid: Grid | None


def start(
    *, db: Database, framework: Framework, calendar: SchoolCalendar, person: Staff, now: datetime
) -> Start:
    today = calendar.today(now)
    window = open_window(framework, today)
    if window is not None:
        return Start(window=window, upcoming=None, last_grid=None)
    with db.read_session() as session:
        filled = sheets(session, person)
        last_year = filled[-1].academic_year if filled else None
        grid = grid_of(session, framework, person, last_year) if last_year else None
    return Start(window=None, upcoming=next_window(framework, today), last_grid=grid)


@dataclass(frozen=True)
class SaveOutcome:
    grid: Grid
    outbox_ids: list[int]


def check_window(
    *, framework: Framework, calendar: SchoolCalendar, checkpoint: str, year: str, now: datetime
) -> Window:
    """The window a sheet was started in, if it is still open; InvalidInput if it has closed."""
    window = open_window(framework, calendar.today(now))
    if window is None or window.checkpoint.key != checkpoint or window.year.label != year:
        started = next(c for c in framework.checkpoints if c.key == checkpoint)
        raise invalid(WINDOW, "ladder.window_closed", name=started.name, year=year)
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
        sheet = filled.sheet
        save_sheet(
            session=session,
            staff_id=person.id,
            academic_year=filled.year,
            checkpoint=filled.checkpoint,
            gap=(sheet.gap.level, sheet.gap.index) if sheet.gap else None,
            level_reached=sheet.level_reached,
            target_level=target,
            now=now,
        )
        grid = grid_of(session, framework, person, filled.year)
        context = {
            "grid": grid,
            "checkpoint": window.checkpoint.name,
            "reached": sheet.level_reached,
            "level_names": level_names(framework),
        }
        key = f"ladder:{person.id}:{filled.year}:{filled.checkpoint}:{now:%Y%m%dT%H%M%S}"
        deliveries = []
        if person.slack_user_id:
            deliveries.append(
                Delivery(f"{key}:grid", person.slack_user_id, "ladder_saved", context)
            )
        appraiser = active_appraiser(session, person)
        if appraiser is not None and appraiser.slack_user_id:
            deliveries.append(
                Delivery(f"{key}:appraiser", appraiser.slack_user_id, "ladder_appraiser", context)
            )
        return SaveOutcome(grid, enqueue(session=session, deliveries=deliveries, now=now))


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
    with db.read_session() as session:
        subject = on_roster(session, subject_slack_id)
        if subject is None:
            raise invalid("person", "people.unknown", slack_id=subject_slack_id)
        if not can_see(viewer, subject):
            raise NotAllowed(problem("ladder.private"))
        year = AcademicYear.of(calendar.today(now)).label
        return grid_of(session, framework, subject, year)


def missing(*, db: Database, year: str, checkpoint: str) -> list[Staff]:
    """Who has not completed checkpoint `checkpoint` of academic year `year`."""
    with db.read_session() as session:
        return list(staff_without_sheet(session=session, academic_year=year, checkpoint=checkpoint))


def level_answers_complete(answers: list[list[bool]]) -> bool:
    """True once the person has met a level they do not fully meet, or answered level 8."""
    return len(answers) >= SHEET_LEVELS or (bool(answers) and not all(answers[-1]))


@dataclass(frozen=True)
class Preview:
    """What the end of the form shows before saving."""

    reached: int
    gap: Gap | None
    next_statement: str | None
    expected: int | None
    standing: Standing | None
    default_target: int


def preview(*, framework: Framework, person: Staff, sheet: Sheet) -> Preview:
    expected = framework.expected_level(person.grade)
    gap = sheet.gap
    return Preview(
        reached=sheet.level_reached,
        gap=gap,
        next_statement=framework.ladder[gap.level - 1].statements[gap.index - 1] if gap else None,
        expected=expected,
        standing=standing(sheet.level_reached, expected),
        default_target=max(1, sheet.level_reached),
    )
