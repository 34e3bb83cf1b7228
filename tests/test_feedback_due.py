"""What written feedback is due or overdue at a moment (for the scheduler's reminders)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.core.calendar import SchoolCalendar
from bot.feedback import due, visits
from bot.feedback import form as fb
from tests.conftest import LONDON
from tests.factories import person


def _log(database, calendar, day: date) -> int:
    return visits.log_visit(
        db=database,
        calendar=calendar,
        observer=person(database, "UAMIR"),
        observee_slack_id="UBOB",
        visit_date=day.isoformat(),
        now=datetime(2027, 1, 20, 9, 0, tzinfo=LONDON),
        is_bot=lambda _: False,
    ).visit_id


@pytest.mark.usefixtures("school")
def test_due_and_overdue_written_feedback(database, framework):
    calendar = SchoolCalendar(framework)
    over_christmas = _log(database, calendar, date(2026, 12, 17))  # written due Thu 14 Jan 2027
    early_january = _log(database, calendar, date(2027, 1, 5))  # written due Tue 19 Jan
    mid_january = _log(database, calendar, date(2027, 1, 8))  # written due Fri 22 Jan

    def due_on(day: date, hour: int = 9):
        moment = datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)
        return {
            (d.visit_id, d.status, d.working_days_left)
            for d in due.written_feedback_due_at(db=database, calendar=calendar, now=moment)
        }

    # Tuesday 12 Jan: 14 Jan is two working days away; 19 and 22 Jan are further.
    assert due_on(date(2027, 1, 12)) == {(over_christmas, "due", 2)}
    assert due_on(date(2027, 1, 11)) == set()
    assert due_on(date(2027, 1, 14)) == {(over_christmas, "due", 0)}
    # Friday 15 Jan: the first is overdue; 19 Jan (Tue) is two working days away over the weekend.
    assert due_on(date(2027, 1, 15)) == {(over_christmas, "overdue", 0), (early_january, "due", 2)}
    assert due_on(date(2027, 1, 20)) == {
        (over_christmas, "overdue", 0),
        (early_january, "overdue", 0),
        (mid_january, "due", 2),
    }


@pytest.mark.usefixtures("school")
def test_written_feedback_is_no_longer_due(database, framework):
    calendar = SchoolCalendar(framework)
    visit_id = _log(database, calendar, date(2027, 1, 5))
    fb.RecordFeedback(
        db=database,
        framework=framework,
        calendar=calendar,
        is_bot=lambda _: False,
        now=datetime(2027, 1, 20, 9, 0, tzinfo=LONDON),
        request=fb.FeedbackRequest(
            subject=fb.Subject(person(database, "UAMIR"), "UBOB", date(2027, 1, 5), "lesson"),
            standards=["UR3"],
            next_steps="Try exit tickets",
        ),
    )()
    moment = datetime(2027, 1, 25, 9, 0, tzinfo=LONDON)
    assert [
        d.visit_id for d in due.written_feedback_due_at(db=database, calendar=calendar, now=moment)
    ] == []
    assert visit_id
