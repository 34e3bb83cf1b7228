"""The school holidays run out: SMART's file lists them to the summer of 2028; four weeks
before, the trust's IT admin (`admin_email`, on the roster) gets one direct message."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.core.framework import Framework, load_framework
from bot.nudges.due import due_at
from messages import render
from messages.limits import message_problems
from tests.conftest import LONDON

pytestmark = pytest.mark.usefixtures("school")


@pytest.fixture(scope="module")
def framework() -> Framework:
    smart = load_framework()
    return smart.model_copy(update={"admin_email": "hannah@school.example"})


def _holiday_nudges(deps, day: date):
    moment = datetime(day.year, day.month, day.day, 9, 0, tzinfo=LONDON)
    due = due_at(db=deps.db, framework=deps.framework, calendar=deps.calendar, now=moment)
    return [n for n in due.nudges if n.delivery.key.startswith("nudge:holidays")]


def test_the_admin_is_told_four_weeks_before_the_holidays_run_out(deps):
    assert _holiday_nudges(deps, date(2028, 8, 2)) == []
    (nudge,) = _holiday_nudges(deps, date(2028, 8, 3))
    assert (nudge.delivery.key, nudge.delivery.channel, nudge.optional) == (
        "nudge:holidays:2028-08-31",
        "UHEAD",
        False,
    )
    message = render(nudge.delivery.template, **nudge.delivery.context)
    assert message_problems(message) == []
    assert message["text"] == (
        "The school holidays in staffroom's framework file run out on 31 August 2028 (the last "
        "listed is Summer 2028). After that, half terms and holidays count as working days for "
        "feedback deadlines and reminders. Please add the 2028-29 term dates to "
        "`school_holidays` in the framework file and restart staffroom."
    )


def test_no_admin_email_no_message(deps):
    bare = deps.framework.model_copy(update={"admin_email": None})
    moment = datetime(2028, 8, 10, 9, 0, tzinfo=LONDON)
    due = due_at(db=deps.db, framework=bare, calendar=deps.calendar, now=moment)
    assert not [n for n in due.nudges if n.delivery.key.startswith("nudge:holidays")]


def test_a_file_without_holidays_tells_the_admin_at_once(deps):
    from bot.core.calendar import SchoolCalendar

    bare = deps.framework.model_copy(update={"school_holidays": []})
    moment = datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)
    due = due_at(db=deps.db, framework=bare, calendar=SchoolCalendar(bare), now=moment)
    (nudge,) = [n for n in due.nudges if n.delivery.key.startswith("nudge:holidays")]
    assert nudge.delivery.key == "nudge:holidays:none"
    assert render(nudge.delivery.template, **nudge.delivery.context)["text"].startswith(
        "staffroom's framework file lists no school holidays."
    )
