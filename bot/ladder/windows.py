"""Checkpoint windows: when in an academic year each checkpoint is open.

Every checkpoint of the framework, optional ones included (a trust's January and
May check points), has a window; the ladder sheet opens in each of them when the
framework has a ladder. `checkpoint_windows` / `open_checkpoint` / `next_checkpoint`
are about checkpoints as such (objective reviews use them too); `ladder_windows` /
`open_window` / `next_window` are the ones that open the ladder sheet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.core.calendar import AcademicYear
from bot.core.framework import Framework
from bot.core.framework_parts import Checkpoint


@dataclass(frozen=True)
class Window:
    checkpoint: Checkpoint
    year: AcademicYear
    opens: date
    closes: date

    @property
    def key(self) -> str:
        return self.checkpoint.key

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


def checkpoint_windows(framework: Framework, year: AcademicYear) -> list[Window]:
    """Every checkpoint of the year, optional ones included, in the order they open."""
    return sorted((window_of(c, year) for c in framework.checkpoints), key=lambda w: w.opens)


def checkpoint_window(framework: Framework, key: str, year: AcademicYear) -> Window | None:
    """The window of checkpoint `key` in an academic year (None: no such checkpoint)."""
    checkpoint = framework.checkpoint(key)
    return window_of(checkpoint, year) if checkpoint else None


def open_checkpoint(framework: Framework, today: date) -> Window | None:
    year = AcademicYear.of(today)
    return next((w for w in checkpoint_windows(framework, year) if w.contains(today)), None)


def next_checkpoint(framework: Framework, today: date) -> Window:
    """The next checkpoint to open after `today` (this academic year or the next)."""
    return _next(checkpoint_windows, framework, today)


def ladder_windows(framework: Framework, year: AcademicYear) -> list[Window]:
    """The windows in which the ladder sheet is filled: every checkpoint, if there is a ladder."""
    return checkpoint_windows(framework, year) if framework.has_ladder else []


def open_window(framework: Framework, today: date) -> Window | None:
    return open_checkpoint(framework, today) if framework.has_ladder else None


def next_window(framework: Framework, today: date) -> Window:
    """The next ladder checkpoint to open after `today` (ValueError without a ladder)."""
    return _next(ladder_windows, framework, today)


def _next(
    windows_of: Callable[[Framework, AcademicYear], list[Window]], framework: Framework, today: date
) -> Window:
    year = AcademicYear.of(today)
    for candidate in (year, AcademicYear(year.first_year + 1)):
        upcoming = [w for w in windows_of(framework, candidate) if w.opens > today]
        if upcoming:
            return upcoming[0]
    raise ValueError("the framework defines no checkpoints for this")
