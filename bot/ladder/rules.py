"""The leadership ladder's ragging sheet (PRODUCT §2.5; seed 000, ragging sheets).

The sheet's own rule: start with the first statement; if it is true colour it
green and go on; at the first that is not true leave it blank; every statement
after the blank is amber, even if true. So a sheet is green up to its first gap,
one blank, then amber, and is fully described by where that gap is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.core.framework import SHEET_LEVELS, Framework

Rag = Literal["green", "amber", "blank"]
Standing = Literal["below", "at", "beyond"]


@dataclass(frozen=True)
class Gap:
    """The first statement that is not true: its level and its index within the level (from 1)."""

    level: int
    index: int


@dataclass(frozen=True)
class Sheet:
    gap: Gap | None  # None: every statement of levels 1-8 is true

    @property
    def level_reached(self) -> int:
        """The highest level whose statements, and all below it, are green (0 if not level 1)."""
        return SHEET_LEVELS if self.gap is None else self.gap.level - 1

    def colours(self, framework: Framework) -> list[list[Rag]]:
        """Each level's statements (levels 1-8) coloured by the sheet's rule."""
        rows: list[list[Rag]] = []
        for level in framework.ladder[:SHEET_LEVELS]:
            row: list[Rag] = []
            for index in range(1, len(level.statements) + 1):
                row.append(self._colour(level.level, index))
            rows.append(row)
        return rows

    def _colour(self, level: int, index: int) -> Rag:
        if self.gap is None or (level, index) < (self.gap.level, self.gap.index):
            return "green"
        if (level, index) == (self.gap.level, self.gap.index):
            return "blank"
        return "amber"


def first_gap(answers: list[list[bool]]) -> Gap | None:
    """Where the sheet's first untrue statement is, from answers given level by level.

    Levels not answered (the person stopped after a level they do not meet) count
    as not true; it makes no difference, as everything after the gap is amber.
    """
    for level_number, answered in enumerate(answers, 1):
        for index, true in enumerate(answered, 1):
            if not true:
                return Gap(level_number, index)
    return None if len(answers) >= SHEET_LEVELS else Gap(len(answers) + 1, 1)


def sheet_from_answers(answers: list[list[bool]]) -> Sheet:
    return Sheet(gap=first_gap(answers))


def standing(level_reached: int, expected: int | None) -> Standing | None:
    """Below, at or beyond the level expected for the grade (None when the grade is unknown)."""
    if expected is None:
        return None
    if level_reached < expected:
        return "below"
    return "at" if level_reached == expected else "beyond"
