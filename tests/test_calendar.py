"""Working days and academic years, with real dates from the 2026-27 school year.

The built-in framework's school holidays include Christmas 21 Dec 2026 - 1 Jan
2027, February half term 15-19 Feb 2027 and Easter 29 Mar - 9 Apr 2027.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.core.calendar import AcademicYear, SchoolCalendar


@pytest.fixture(scope="module")
def calendar(framework):
    return SchoolCalendar(framework)


@pytest.mark.parametrize(
    ("start", "count", "expected", "why"),
    [
        (date(2026, 11, 23), 5, date(2026, 11, 30), "Monday + 5 crosses one weekend"),
        (date(2026, 11, 27), 1, date(2026, 11, 30), "Friday + 1 is Monday"),
        (date(2026, 11, 28), 1, date(2026, 11, 30), "from a Saturday"),
        (
            date(2026, 12, 17),
            5,
            date(2027, 1, 7),
            "over the Christmas holiday (the issue's example)",
        ),
        (
            date(2026, 12, 17),
            10,
            date(2027, 1, 14),
            "over the Christmas holiday (the issue's example)",
        ),
        (date(2027, 2, 11), 2, date(2027, 2, 22), "over the February half term"),
        (
            date(2027, 3, 24),
            3,
            date(2027, 4, 13),
            "over Good Friday, the Easter holiday and Monday",
        ),
    ],
)
def test_add_working_days(calendar, start, count, expected, why):
    assert calendar.add_working_days(start, count) == expected, why


def test_bank_holidays_count_even_without_school_holidays(framework):
    bare = SchoolCalendar(framework.model_copy(update={"school_holidays": []}))
    # Thursday 24 Dec 2026: Christmas Day (Fri), Boxing Day observed (Mon 28), New Year (Fri 1 Jan)
    assert bare.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert bare.add_working_days(date(2026, 12, 24), 4) == date(2027, 1, 4)
    # Easter 2027 without the school holiday: Good Friday 26 Mar and Easter Monday 29 Mar
    assert bare.add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)
    assert bare.is_bank_holiday(date(2027, 5, 31))  # Spring bank holiday
    assert bare.is_working_day(date(2026, 12, 22))  # a Tuesday in the school holiday


def test_working_day_rules(calendar):
    assert calendar.is_working_day(date(2026, 11, 23))
    assert not calendar.is_working_day(date(2026, 11, 22))  # Sunday
    assert not calendar.is_working_day(date(2026, 12, 25))  # bank holiday
    assert not calendar.is_working_day(date(2026, 10, 28))  # autumn half term
    assert calendar.working_days_until(date(2026, 12, 17), date(2027, 1, 14)) == 10
    assert calendar.working_days_until(date(2027, 1, 14), date(2027, 1, 14)) == 0
    with pytest.raises(ValueError):
        calendar.add_working_days(date(2026, 11, 23), 0)


@pytest.mark.parametrize(
    ("day", "label", "starts"),
    [
        (date(2026, 9, 1), "2026-27", date(2026, 9, 1)),
        (date(2027, 7, 20), "2026-27", date(2026, 9, 1)),
        (date(2026, 8, 31), "2025-26", date(2025, 9, 1)),
        (date(2099, 12, 1), "2099-00", date(2099, 9, 1)),
    ],
)
def test_academic_year(day, label, starts):
    year = AcademicYear.of(day)
    assert (year.label, year.starts) == (label, starts)
    assert year.ends == date(starts.year + 1, 8, 31)


def test_today_is_in_the_trust_time_zone(calendar):
    assert calendar.today(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == date(2026, 7, 1)
    assert calendar.today(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2026, 12, 31)


# The standard set feedback uses (bot.feedback.rules), a pure rule like the calendar's.


@pytest.mark.parametrize(
    ("role", "grade", "override", "context", "expected"),
    [
        ("teacher", "M3", None, "lesson", "teacher"),
        ("leader", "AH", None, "lesson", "headteacher"),  # leaders: the Headteacher Standards
        ("teacher", "DH", None, "lesson", "headteacher"),  # deputies and heads, by grade
        ("teacher", "Head", None, "duty", "headteacher"),
        ("ta", "F", None, "lesson", "ta"),
        ("ta", "F", None, "duty", "ta"),
        ("support", "G", None, "other", "support"),
        ("governor", "LGC", None, "lesson", "meetings"),
        ("teacher", "M3", None, "meeting", "meetings"),
        ("support", "G", None, "meeting", "meetings"),
        ("support", "G", "ta", "lesson", "ta"),  # the roster's `standards` column
        ("teacher", "DH", "teacher", "lesson", "teacher"),
    ],
)
def test_standard_set_by_roster_grade_role_and_context(
    framework, role, grade, override, context, expected
):
    from bot.feedback.rules import standard_set_for
    from storage.models import FeedbackContext, Role, Staff

    person = Staff(email="x@y.z", name="X", school="S", role=Role(role), grade=grade)
    person.standards = override
    assert standard_set_for(framework, person, FeedbackContext(context)) == expected


def test_working_days_before_a_day_skip_half_term(framework):
    calendar = SchoolCalendar(framework)
    # Monday 2 November 2026, after the half term of 26-30 October: five working days
    # before it are in the week of 19 October.
    assert calendar.subtract_working_days(date(2026, 11, 2), 1) == date(2026, 10, 23)
    assert calendar.subtract_working_days(date(2026, 11, 2), 5) == date(2026, 10, 19)
    with pytest.raises(ValueError):
        calendar.subtract_working_days(date(2026, 11, 2), 0)


@pytest.mark.parametrize(
    ("today", "uncovered"),
    [
        (date(2026, 11, 30), None),  # 2026-27 and 2027-28 are listed
        (date(2027, 8, 31), None),
        (date(2027, 9, 1), "2028-29"),  # from September 2027 the next year is missing
        (date(2028, 9, 1), "2028-29"),  # and then this one
    ],
)
def test_which_academic_year_the_holidays_do_not_cover(framework, today, uncovered):
    from bot.core.calendar import first_uncovered_year

    year = first_uncovered_year(framework, today)
    assert (year.label if year else None) == uncovered


def test_no_holidays_listed_covers_nothing(framework):
    from bot.core.calendar import first_uncovered_year, holiday_notice_due

    bare = framework.model_copy(update={"school_holidays": []})
    assert first_uncovered_year(bare, date(2026, 11, 30)).label == "2026-27"
    assert holiday_notice_due(bare, date(2026, 11, 30))


@pytest.mark.parametrize(
    ("today", "due"),
    [(date(2028, 8, 2), False), (date(2028, 8, 3), True), (date(2028, 9, 10), True)],
)
def test_the_admin_is_told_four_weeks_before_the_holidays_run_out(framework, today, due):
    from bot.core.calendar import holiday_notice_due, holidays_run_out

    assert holidays_run_out(framework) == date(2028, 8, 31)
    assert holiday_notice_due(framework, today) is due
