"""The school calendar: academic years, working days, the trust's local time.

One module, used everywhere a date is reasoned about. A working day is Monday
to Friday, not an England and Wales bank holiday (the `holidays` package, with
substitute days) and not one of the trust's school holidays (framework file).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property

import holidays

from bot.core.framework import Framework

SEPTEMBER = 9
AUGUST = 8
HOLIDAY_NOTICE = timedelta(weeks=4)  # the IT admin is told this long before the holidays run out


@dataclass(frozen=True)
class AcademicYear:
    """September to the following August, labelled like `2026-27`."""

    first_year: int

    @property
    def label(self) -> str:
        return f"{self.first_year}-{(self.first_year + 1) % 100:02d}"

    @property
    def starts(self) -> date:
        return date(self.first_year, SEPTEMBER, 1)

    @property
    def ends(self) -> date:
        return date(self.first_year + 1, SEPTEMBER, 1) - timedelta(days=1)

    @staticmethod
    def of(day: date) -> AcademicYear:
        return AcademicYear(day.year if day.month >= SEPTEMBER else day.year - 1)


def holidays_run_out(framework: Framework) -> date | None:
    """The last day of the last school holiday the framework lists (None: it lists none)."""
    return max((h.end for h in framework.school_holidays), default=None)


def holidays_cover(framework: Framework, year: AcademicYear) -> bool:
    """Whether the listed holidays reach that year's summer holiday (into its August)."""
    last = holidays_run_out(framework)
    return last is not None and last >= date(year.first_year + 1, AUGUST, 1)


def first_uncovered_year(framework: Framework, today: date) -> AcademicYear | None:
    """This academic year or the next, if the school holidays do not cover it."""
    this_year = AcademicYear.of(today)
    for year in (this_year, AcademicYear(this_year.first_year + 1)):
        if not holidays_cover(framework, year):
            return year
    return None


def holiday_notice_due(framework: Framework, today: date) -> bool:
    """Whether the IT admin should be told now that the school holidays run out soon."""
    last = holidays_run_out(framework)
    return last is None or today >= last - HOLIDAY_NOTICE


class SchoolCalendar:
    def __init__(self, framework: Framework) -> None:
        self.framework = framework

    @cached_property
    def _bank_holidays(self) -> holidays.HolidayBase:
        return holidays.country_holidays("GB", subdiv="ENG")  # fills in years as asked

    def today(self, now: datetime) -> date:
        """The date in the trust's time zone at the moment `now`."""
        return now.astimezone(self.framework.zone).date()

    def is_bank_holiday(self, day: date) -> bool:
        return day in self._bank_holidays

    def is_school_holiday(self, day: date) -> bool:
        return any(h.start <= day <= h.end for h in self.framework.school_holidays)

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() < 5 and not self.is_bank_holiday(day) and not self.is_school_holiday(day)
        )

    def first_working_day(self, day: date) -> date:
        """`day` if it is a working day, else the next one."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def in_working_hours(self, now: datetime) -> bool:
        """A working day, between the trust's working hours (local time)."""
        local = now.astimezone(self.framework.zone)
        hours = self.framework.working_hours
        return self.is_working_day(local.date()) and hours.start <= local.time() < hours.end

    def next_working_moment(self, now: datetime) -> datetime:
        """`now` if it is within working hours, else the start of the next working hours."""
        if self.in_working_hours(now):
            return now
        local = now.astimezone(self.framework.zone)
        day = local.date()
        if not self.is_working_day(day) or local.time() >= self.framework.working_hours.end:
            day = self.first_working_day(day + timedelta(days=1))
        start = datetime.combine(day, self.framework.working_hours.start, self.framework.zone)
        return start.astimezone(now.tzinfo)

    def add_working_days(self, start: date, count: int) -> date:
        """The `count`th working day after `start` (the start day itself never counts)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        day = start
        remaining = count
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def subtract_working_days(self, start: date, count: int) -> date:
        """The `count`th working day before `start` (the start day itself never counts)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        day = start
        remaining = count
        while remaining:
            day -= timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_until(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count
