"""A person's ladder sheets for a year, laid out as the paper sheet is: levels by checkpoint."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.core.calendar import AcademicYear
from bot.core.framework import Framework
from bot.core.people import mention
from bot.ladder.rules import Band, Point, Rag, Sheet, band
from bot.ladder.windows import checkpoint_windows
from storage.ladder import sheets_of
from storage.models import LadderSheet, Staff
from storage.objectives import objective_set_of

TARGET_CHECKPOINT = "sep"  # the target for July is set at the first checkpoint of the year


@dataclass(frozen=True)
class GridRow:
    level: int
    name: str
    title: str
    cells: dict[str, list[Rag] | None]  # checkpoint key -> colours; None: not filled or not asked


@dataclass(frozen=True)
class Statement:
    level: int
    index: int
    text: str


@dataclass(frozen=True)
class Beyond:
    """A level with no sheet (9 and 10): what it looks like."""

    level: int
    name: str
    criteria: list[str]
    description: str


@dataclass(frozen=True)
class Grid:
    """A person's sheets for one academic year, as the paper sheet lays them out."""

    person: str
    year: str
    checkpoints: list[tuple[str, str, str]]  # (key, column heading, name), in the year's order
    rows: list[GridRow]
    reached: dict[str, int]  # checkpoint key -> level reached
    target: int | None
    expected: int | None
    band: Band | None  # of the latest sheet; shown to the person and their appraiser only
    latest: str | None  # the name of the latest checkpoint filled
    next_points: list[Statement]  # the latest sheet's blanks in the first level not reached
    other_points: int  # the latest sheet's blanks at higher levels
    beyond: list[Beyond]

    @property
    def filled(self) -> bool:
        return bool(self.reached)


def sheet_of(framework: Framework, row: LadderSheet) -> Sheet:
    return Sheet.of(row.held, [len(level.statements) for level in framework.sheet])


def sheets(session: Session, person: Staff) -> list[LadderSheet]:
    assert person.id is not None
    return list(sheets_of(session=session, staff_id=person.id))


def statements(framework: Framework, points: list[Point]) -> list[Statement]:
    return [
        Statement(p.level, p.index, framework.ladder[p.level - 1].statements[p.index - 1])
        for p in points
    ]


def beyond_the_sheet(framework: Framework) -> list[Beyond]:
    return [
        Beyond(level.level, level.name, level.criteria, level.description)
        for level in framework.ladder
        if not level.statements
    ]


def target_level(
    session: Session, person: Staff, year: str, filled: list[LadderSheet] | None = None
) -> int | None:
    """The person's ladder target for July of `year`: the one value the September sheet and
    objective 3 share. Both forms write both places; the September sheet's is read when it
    has one, else the objectives'. `filled`: the person's sheets, when already read."""
    assert person.id is not None
    rows = filled if filled is not None else sheets(session, person)
    sheet = next(
        (s for s in rows if s.academic_year == year and s.checkpoint == TARGET_CHECKPOINT), None
    )
    if sheet is not None and sheet.target_level is not None:
        return sheet.target_level
    found = objective_set_of(session=session, staff_id=person.id, academic_year=year)
    return found.target_level if found is not None else None


def grid_of(session: Session, framework: Framework, person: Staff, year: str) -> Grid:
    first_year = int(year[:4])
    windows = checkpoint_windows(framework, AcademicYear(first_year))
    order = {window.key: position for position, window in enumerate(windows)}
    filled = sorted(
        (s for s in sheets(session, person) if s.academic_year == year),
        key=lambda s: order.get(s.checkpoint, len(order)),
    )
    parsed = {s.checkpoint: sheet_of(framework, s) for s in filled}
    rows = [
        GridRow(
            level=level.level,
            name=level.name,
            title=level.title,
            cells={
                key: parsed[key].colours()[level.level - 1]
                if key in parsed and parsed[key].asked(level.level)
                else None
                for key in order
            },
        )
        for level in framework.sheet
    ]
    target = target_level(session, person, year, filled)
    expected = framework.expected_level(person.grade)
    latest = parsed[filled[-1].checkpoint] if filled else None
    latest_checkpoint = framework.checkpoint(filled[-1].checkpoint) if filled else None
    next_points = latest.next_points if latest else []
    return Grid(
        person=mention(person),
        year=year,
        checkpoints=[(w.key, w.checkpoint.heading, w.checkpoint.name) for w in windows],
        rows=rows,
        reached={s.checkpoint: s.level_reached for s in filled},
        target=target,
        expected=expected,
        band=band(latest.level_reached, expected, framework.new_to_role_levels) if latest else None,
        latest=latest_checkpoint.name if latest_checkpoint else None,
        next_points=statements(framework, next_points),
        other_points=len(latest.development_points) - len(next_points) if latest else 0,
        beyond=beyond_the_sheet(framework),
    )


def level_names(framework: Framework) -> dict[int, str]:
    return {level.level: level.name for level in framework.ladder}
