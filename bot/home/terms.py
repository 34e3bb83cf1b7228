"""Terms and half-terms, from the trust's school holidays (framework file). Pure.

A half-term runs from the day after one school holiday (or 1 September) to the
day before the next; a term the same, counting only the long breaks (Christmas,
Easter, summer: at least TERM_BREAK_DAYS days), not the week-long half-term ones.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.core.calendar import AcademicYear
from bot.core.framework import Framework
from bot.core.framework_parts import Holiday

TERM_BREAK_DAYS = 10


def _start_after(holidays: list[Holiday], today: date) -> date:
    first = AcademicYear.of(today).starts
    ended = [h.end for h in holidays if h.end < today and h.end + timedelta(days=1) >= first]
    return max([first, *(end + timedelta(days=1) for end in ended)])


def half_term_start(framework: Framework, today: date) -> date:
    """The first day of the half-term `today` is in (or follows, in a holiday)."""
    return _start_after(list(framework.school_holidays), today)


def term_start(framework: Framework, today: date) -> date:
    """The first day of the term `today` is in."""
    breaks = [h for h in framework.school_holidays if (h.end - h.start).days + 1 >= TERM_BREAK_DAYS]
    return _start_after(breaks, today)


def next_holiday(framework: Framework, today: date) -> Holiday | None:
    """The next school holiday that starts after `today`, if the framework lists one."""
    coming = [h for h in framework.school_holidays if h.start > today]
    return min(coming, key=lambda h: h.start) if coming else None
