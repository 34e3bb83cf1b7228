"""A person's ladder sheets for a year, laid out as the paper sheet is: levels by checkpoint."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.core.framework import LADDER_CHECKPOINTS, SHEET_LEVELS, Framework
from bot.core.people import mention
from bot.ladder.rules import Gap, Rag, Sheet, Standing, standing
from storage.ladder import sheets_of
from storage.models import LadderSheet, Staff

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


def sheet_of(row: LadderSheet) -> Sheet:
    gap = Gap(row.gap_level, row.gap_index) if row.gap_level and row.gap_index else None
    return Sheet(gap=gap)


def sheets(session: Session, person: Staff) -> list[LadderSheet]:
    assert person.id is not None
    return list(sheets_of(session=session, staff_id=person.id))


def grid_of(session: Session, framework: Framework, person: Staff, year: str) -> Grid:
    order = {key: position for position, key in enumerate(LADDER_CHECKPOINTS)}
    filled = sorted(
        (s for s in sheets(session, person) if s.academic_year == year),
        key=lambda s: order.get(s.checkpoint, len(order)),
    )
    colours = {s.checkpoint: sheet_of(s).colours(framework) for s in filled}
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
    target = next((s.target_level for s in filled if s.checkpoint == TARGET_CHECKPOINT), None)
    expected = framework.expected_level(person.grade)
    latest = filled[-1].level_reached if filled else None
    return Grid(
        person=mention(person),
        year=year,
        checkpoints=[(key, names[key]) for key in LADDER_CHECKPOINTS],
        rows=rows,
        reached={s.checkpoint: s.level_reached for s in filled},
        target=target,
        expected=expected,
        standing=standing(latest, expected) if latest is not None else None,
    )


def level_names(framework: Framework) -> dict[int, str]:
    return {level.level: level.name for level in framework.ladder}
