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
from bot.core.errors import InvalidInput, NotAllowed
from bot.core.framework import LADDER_CHECKPOINTS, LADDER_LEVELS, SHEET_LEVELS, Framework
from bot.core.people import acting_person, active_appraiser, mention
from bot.core.visibility import can_see
from bot.ladder.rules import Gap, Rag, Sheet, Standing, Window, next_window, open_window, standing
from bot.outbox.queue import Delivery, enqueue
from storage.db import Database
from storage.ladder import save_sheet, sheets_of, staff_without_sheet
from storage.models import LadderSheet, Staff
from storage.staff import staff_by_slack_id

TARGET = "target"
WINDOW = "window"
TARGET_CHECKPOINT = "sep"


@dataclass(frozen=True)
class GridRow:
    level: int
    name: str
    cells: dict[str, list[Rag] | None]  # checkpoint key -> colours, None when not filled


@dataclass(frozen=True)
class Grid:
    """A person's sheets for one academic year, as the paper sheet lays them out."""

    person: str
    year: str
    checkpoints: list[tuple[str, str]]  # (key, name)
    rows: list[GridRow]
    reached: dict[str, int]  # checkpoint key -> level reached
    target: int | None
    expected: int | None
    standing: Standing | None  # of the latest sheet; never shown in channels

    @property
    def filled(self) -> bool:
        return bool(self.reached)


@dataclass(frozen=True)
class Start:
    """What `/ladder` opens: the window now open, or when the next one opens."""

    window: Window | None
    upcoming: Window | None
    last_grid: Grid | None


def start(
    *,
    db: Database,
    framework: Framework,
    calendar: SchoolCalendar,
    slack_user_id: str,
    now: datetime,
) -> Start:
    today = calendar.today(now)
    window = open_window(framework, today)
    with db.read_session() as session:
        person = acting_person(session, slack_user_id)
        if window is not None:
            return Start(window=window, upcoming=None, last_grid=None)
        sheets = _sheets(session, person)
        last_year = sheets[-1].academic_year if sheets else None
        grid = _grid(session, framework, person, last_year) if last_year else None
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
        raise InvalidInput(
            {
                WINDOW: f"The {started.name} checkpoint for {year} has closed, so "
                "this sheet was not saved."
            }
        )
    return window


def check_target(target: int | None, checkpoint: str) -> int | None:
    if checkpoint != TARGET_CHECKPOINT:
        return None
    if target is None or not 1 <= target <= LADDER_LEVELS:
        raise InvalidInput({TARGET: f"Choose a level from 1 to {LADDER_LEVELS} to aim for."})
    return target


def save(
    *,
    db: Database,
    framework: Framework,
    calendar: SchoolCalendar,
    slack_user_id: str,
    checkpoint: str,
    year: str,
    sheet: Sheet,
    target: int | None,
    now: datetime,
) -> SaveOutcome:
    """Store the sheet, replacing one filled earlier in the same window, and queue the DMs."""
    window = check_window(
        framework=framework, calendar=calendar, checkpoint=checkpoint, year=year, now=now
    )
    target = check_target(target, checkpoint)
    with db.session() as session:
        person = acting_person(session, slack_user_id)
        assert person.id is not None
        save_sheet(
            session=session,
            staff_id=person.id,
            academic_year=year,
            checkpoint=checkpoint,
            gap=(sheet.gap.level, sheet.gap.index) if sheet.gap else None,
            level_reached=sheet.level_reached,
            target_level=target,
            now=now,
        )
        grid = _grid(session, framework, person, year)
        stamp = now.strftime("%Y%m%dT%H%M%S")
        context = {
            "grid": grid,
            "checkpoint": window.checkpoint.name,
            "reached": sheet.level_reached,
            "level_names": _level_names(framework),
        }
        deliveries = [
            Delivery(
                f"ladder:{person.id}:{year}:{checkpoint}:{stamp}:grid",
                slack_user_id,
                "ladder_saved",
                context,
            )
        ]
        appraiser = active_appraiser(session, person)
        if appraiser is not None and appraiser.slack_user_id:
            deliveries.append(
                Delivery(
                    f"ladder:{person.id}:{year}:{checkpoint}:{stamp}:appraiser",
                    appraiser.slack_user_id,
                    "ladder_appraiser",
                    context,
                )
            )
        return SaveOutcome(
            grid=grid, outbox_ids=enqueue(session=session, deliveries=deliveries, now=now)
        )


def view(
    *,
    db: Database,
    framework: Framework,
    calendar: SchoolCalendar,
    viewer_slack_id: str,
    subject_slack_id: str,
    now: datetime,
) -> Grid:
    """A person's sheets this year, for them, their appraiser and their leaders only."""
    with db.read_session() as session:
        viewer = acting_person(session, viewer_slack_id)
        subject = staff_by_slack_id(session=session, slack_user_id=subject_slack_id)
        if subject is None or not subject.active:
            raise InvalidInput({"person": f"<@{subject_slack_id}> is not on the staff roster."})
        if not can_see(viewer, subject):
            raise NotAllowed(
                "A ladder sheet is seen only by the person, their appraiser and "
                "their school's leaders."
            )
        year = AcademicYear.of(calendar.today(now)).label
        return _grid(session, framework, subject, year)


def missing(*, db: Database, year: str, checkpoint: str) -> list[Staff]:
    """Who has not completed checkpoint `checkpoint` of academic year `year`."""
    with db.read_session() as session:
        return list(staff_without_sheet(session=session, academic_year=year, checkpoint=checkpoint))


# --- shaping ------------------------------------------------------------------------


def sheet_of(row: LadderSheet) -> Sheet:
    gap = Gap(row.gap_level, row.gap_index) if row.gap_level and row.gap_index else None
    return Sheet(gap=gap)


def _sheets(session: Session, person: Staff) -> list[LadderSheet]:
    assert person.id is not None
    return list(sheets_of(session=session, staff_id=person.id))


def _grid(session: Session, framework: Framework, person: Staff, year: str) -> Grid:
    order = {key: position for position, key in enumerate(LADDER_CHECKPOINTS)}
    sheets = sorted(
        (s for s in _sheets(session, person) if s.academic_year == year),
        key=lambda s: order.get(s.checkpoint, len(order)),
    )
    colours = {s.checkpoint: sheet_of(s).colours(framework) for s in sheets}
    names = {c.key: c.name for c in framework.checkpoints}
    rows = [
        GridRow(
            level=level.level,
            name=level.name,
            cells={
                key: colours[key][level.level - 1] if key in colours else None
                for key in LADDER_CHECKPOINTS
            },
        )
        for level in framework.ladder[:SHEET_LEVELS]
    ]
    reached = {s.checkpoint: s.level_reached for s in sheets}
    target = next((s.target_level for s in sheets if s.checkpoint == TARGET_CHECKPOINT), None)
    expected = framework.expected_level(person.grade)
    latest = sheets[-1].level_reached if sheets else None
    return Grid(
        person=mention(person),
        year=year,
        checkpoints=[(key, names[key]) for key in LADDER_CHECKPOINTS],
        rows=rows,
        reached=reached,
        target=target,
        expected=expected,
        standing=standing(latest, expected) if latest is not None else None,
    )


def _level_names(framework: Framework) -> dict[int, str]:
    return {level.level: level.name for level in framework.ladder}


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


def preview(*, db: Database, framework: Framework, slack_user_id: str, sheet: Sheet) -> Preview:
    with db.read_session() as session:
        person = acting_person(session, slack_user_id)
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
