"""The leadership ladder's ragging sheet (SMART's Expected Standards, ragging sheets).

The sheet's own rule: "Start with the first line and if true colour the box green
then progress to the next line down. When you get to one that is not true leave
it blank. [...] Fill in amber rather than green for all those boxes after the one
you left a blank." So a sheet is green up to its first gap; after the gap, what
the person does is amber and what they do not yet do stays blank too. Each blank
is a development point (the level 6-8 sheets exist "to identify development
points"). A statement not asked is blank as well, and ends the green run.

A sheet is what the person answered for each statement (`held`): True, False, or
None when it was not asked. Levels 1-5 are asked at every checkpoint; levels 6-8
when the expected or target level is 6 or more, or when the person chooses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Held = bool | None
Rag = Literal["green", "amber", "blank"]
# Where someone stands against the level expected for their grade (the chart's key):
# beyond it (green), at it (gold), just below it as someone new to the role may be
# (light brown: set objectives to improve), or further below (red: support to improve).
Band = Literal["beyond", "expected", "new_to_role", "red"]

ALWAYS_ASKED = 5  # levels 1-5 are one sheet, asked at every checkpoint
HIGHER_FROM = 6  # levels 6-8 are asked when the expected or target level is this or more


@dataclass(frozen=True, order=True)
class Point:
    """A statement's place on the sheet: its level and its index within the level (from 1)."""

    level: int
    index: int


@dataclass(frozen=True)
class Sheet:
    """The answers of one sheet, level by level (levels 1-8 in sheet order)."""

    held: tuple[tuple[Held, ...], ...]

    @staticmethod
    def of(answers: Sequence[Sequence[Held]], counts: Sequence[int]) -> Sheet:
        """A sheet shaped like the framework's (`counts` statements per level): answers
        missing at the end of a level, or for whole levels, are not asked (None)."""
        rows = []
        for level, count in enumerate(counts):
            given = list(answers[level]) if level < len(answers) else []
            rows.append(tuple((given + [None] * count)[:count]))
        return Sheet(held=tuple(rows))

    def colours(self) -> list[list[Rag]]:
        """Each level's statements coloured by the sheet's rule."""
        rows: list[list[Rag]] = []
        before_gap = True
        for answers in self.held:
            row: list[Rag] = []
            for held in answers:
                if held is True:
                    row.append("green" if before_gap else "amber")
                else:
                    row.append("blank")
                    before_gap = False
            rows.append(row)
        return rows

    @property
    def level_reached(self) -> int:
        """The highest level whose statements, and all below it, are green (0 if not level 1)."""
        reached = 0
        for answers in self.held:
            if not answers or not all(held is True for held in answers):
                break
            reached += 1
        return reached

    @property
    def development_points(self) -> list[Point]:
        """Every statement answered as not yet true: each is a blank to work on."""
        return [
            Point(level, index)
            for level, answers in enumerate(self.held, 1)
            for index, held in enumerate(answers, 1)
            if held is False
        ]

    @property
    def next_points(self) -> list[Point]:
        """The development points of the first level not yet reached: what to work on next."""
        wanted = self.level_reached + 1
        return [point for point in self.development_points if point.level == wanted]

    def asked(self, level: int) -> bool:
        """Whether the level's statements were asked at all."""
        answers = self.held[level - 1] if 0 < level <= len(self.held) else ()
        return any(held is not None for held in answers)


def asks_higher_levels(expected: int | None, target: int | None) -> bool:
    """Whether the level 6, 7 and 8 sheets are asked without the person choosing them."""
    return any(level is not None and level >= HIGHER_FROM for level in (expected, target))


def band(level_reached: int, expected: int | None, new_to_role_levels: int) -> Band | None:
    """Where a level reached stands against the expected level (None: no expected level)."""
    if expected is None:
        return None
    if level_reached > expected:
        return "beyond"
    if level_reached == expected:
        return "expected"
    return "new_to_role" if expected - level_reached <= new_to_role_levels else "red"


def parse_answers(encoded: str) -> list[Held]:
    """One level's answers as carried in a form: '1' true, '0' not true, '-' not asked."""
    if any(mark not in "10-" for mark in encoded):
        raise ValueError(f"not a level's answers: {encoded!r}")
    return [{"1": True, "0": False, "-": None}[mark] for mark in encoded]


def encode_answers(answers: Sequence[Held]) -> str:
    return "".join("1" if held is True else "0" if held is False else "-" for held in answers)
