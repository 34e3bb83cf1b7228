"""Checkpoint windows: when in an academic year each ladder checkpoint is open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.core.calendar import AcademicYear
from bot.core.framework import LADDER_CHECKPOINTS, Checkpoint, Framework


@dataclass(frozen=True)
class Window:
    checkpoint: Checkpoint
    year: AcademicYear
    opens: date
    closes: date

    def contains(self, day: date) -> bool:
        return self.opens <= day <= self.closes


def window_of(checkpoint: Checkpoint, year: AcademicYear) -> Window:
    """A checkpoint's dates in an academic year (September onwards in its first calendar year)."""

    def on(month: int, day: int) -> date:
        calendar_year = year.first_year if month >= 9 else year.first_year + 1
        return date(calendar_year, month, day)

    return Window(
        checkpoint=checkpoint,
        year=year,
        opens=on(checkpoint.opens.month, checkpoint.opens.day),
        closes=on(checkpoint.closes.month, checkpoint.closes.day),
    )


def ladder_windows(framework: Framework, year: AcademicYear) -> list[Window]:
    checkpoints = [c for c in framework.checkpoints if c.key in LADDER_CHECKPOINTS]
    return sorted((window_of(c, year) for c in checkpoints), key=lambda w: w.opens)


def open_window(framework: Framework, today: date) -> Window | None:
    year = AcademicYear.of(today)
    return next((w for w in ladder_windows(framework, year) if w.contains(today)), None)


def next_window(framework: Framework, today: date) -> Window:
    """The next ladder checkpoint to open after `today` (this academic year or the next)."""
    year = AcademicYear.of(today)
    for candidate in (year, AcademicYear(year.first_year + 1)):
        upcoming = [w for w in ladder_windows(framework, candidate) if w.opens > today]
        if upcoming:
            return upcoming[0]
    raise ValueError("the framework defines no ladder checkpoints")
