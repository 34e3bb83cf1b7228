"""What is due at a moment, for each kind of nudge, with real 2026-27 dates
(the September window opens Tuesday 1 Sep and closes Thursday 15 Oct; the autumn
half term is 26-30 Oct; Christmas 21 Dec - 1 Jan)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.feedback import visits
from bot.nudges.due import due_at
from storage.ladder import save_sheet
from tests.conftest import LONDON
from tests.factories import add_staff, held_up_to, person, start_star_project
from tests.outbox_support import quick_lookups

pytestmark = pytest.mark.usefixtures("school")


def _due(deps, day: date, hour: int = 9):
    moment = datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)
    return due_at(db=deps.db, framework=deps.framework, calendar=deps.calendar, now=moment)


def _keys(deps, day: date, prefix: str = "nudge:") -> set[str]:
    return {n.delivery.key for n in _due(deps, day).nudges if n.delivery.key.startswith(prefix)}


def _fill_sheet(deps, staff_id: int, checkpoint="sep", year="2026-27"):
    with deps.db.session() as session:
        save_sheet(
            session=session,
            staff_id=staff_id,
            academic_year=year,
            checkpoint=checkpoint,
            held=held_up_to(1),
            level_reached=1,
            target_level=2,
            now=datetime(2026, 9, 2, 9, 0, tzinfo=LONDON),
        )


def test_checkpoint_opening_is_due_from_the_first_working_day(deps):
    assert (
        _keys(deps, date(2026, 8, 31), "nudge:cp-open") == set()
    )  # bank holiday, before the window
    opening = _keys(deps, date(2026, 9, 1), "nudge:cp-open")
    assert opening == {f"nudge:cp-open:2026-27:sep:{n}" for n in range(1, 6)}  # all five staff
    _fill_sheet(deps, 4)  # Bob fills it in
    assert "nudge:cp-open:2026-27:sep:4" not in _keys(deps, date(2026, 9, 2), "nudge:cp-open")
    assert _keys(deps, date(2026, 10, 16), "nudge:cp-open") == set()  # closed: never announced


def test_a_window_opening_at_a_weekend_waits_for_monday(deps, framework):
    from bot.core.calendar import SchoolCalendar
    from bot.runtime.deps import Deps

    moved = framework.model_copy(
        update={
            "checkpoints": [
                c.model_copy(update={"opens": c.opens.model_copy(update={"day": 5})})
                if c.key == "sep"
                else c
                for c in framework.checkpoints
            ]
        }
    )  # opens Saturday 5 Sep 2026
    shifted = Deps(settings=deps.settings, framework=moved, db=deps.db, clock=deps.clock)
    assert SchoolCalendar(moved).is_working_day(date(2026, 9, 7))
    assert _keys(shifted, date(2026, 9, 5), "nudge:cp-open") == set()
    assert _keys(shifted, date(2026, 9, 6), "nudge:cp-open") == set()
    assert len(_keys(shifted, date(2026, 9, 7), "nudge:cp-open")) == 5


def test_closing_reminder_seven_days_before_the_window_closes(deps):
    _fill_sheet(deps, 4)
    assert _keys(deps, date(2026, 10, 7), "nudge:cp-closing") == set()
    assert _keys(deps, date(2026, 10, 8), "nudge:cp-closing") == {
        f"nudge:cp-closing:2026-27:sep:{n}" for n in (1, 2, 3, 5)
    }
    assert len(_keys(deps, date(2026, 10, 15), "nudge:cp-closing")) == 4
    assert _keys(deps, date(2026, 10, 16), "nudge:cp-closing") == set()


def test_appraisers_get_a_weekly_list_and_one_after_the_window_closes(deps):
    _fill_sheet(deps, 3)  # Alice done; Bob (appraiser Amir=2) and Carol (appraiser Hannah=1) not
    first_week = _due(deps, date(2026, 9, 1))
    lists = {
        n.delivery.key: n.delivery.context["appraisees"]
        for n in first_week.nudges
        if n.delivery.key.startswith("nudge:cp-appraisees")
    }
    assert lists == {
        "nudge:cp-appraisees:2026-27:sep:2:week-2026-08-31": ["<@UBOB>"],
        "nudge:cp-appraisees:2026-27:sep:1:week-2026-08-31": ["<@UAMIR>", "<@UCAROL>"],
    }
    assert _keys(deps, date(2026, 9, 8), "nudge:cp-appraisees:2026-27:sep:2") == {
        "nudge:cp-appraisees:2026-27:sep:2:week-2026-09-07"
    }
    _fill_sheet(deps, 4)
    assert _keys(deps, date(2026, 9, 15), "nudge:cp-appraisees:2026-27:sep:2") == set()  # all done
    after = _keys(deps, date(2026, 10, 16), "nudge:cp-appraisees")
    assert after == {"nudge:cp-appraisees:2026-27:sep:1:closed"}
    assert _keys(deps, date(2026, 10, 22), "nudge:cp-appraisees") == {
        "nudge:cp-appraisees:2026-27:sep:1:closed"
    }
    assert (
        _keys(deps, date(2026, 10, 24), "nudge:cp-appraisees") == set()
    )  # a week on, no longer relevant


def test_written_feedback_reminder_and_overdue_over_half_term(deps):
    # Visit Thursday 15 Oct: 10 working days skip the half term -> written due Thursday 5 Nov.
    outcome = visits.log_visit(
        db=deps.db,
        calendar=deps.calendar,
        observer=person(deps.db, "UAMIR"),
        observee_slack_id="UBOB",
        visit_date="2026-10-15",
        now=datetime(2026, 10, 15, 12, 0, tzinfo=LONDON),
        is_bot=lambda _: False,
    )
    assert outcome.written_due == date(2026, 11, 5)
    visit = outcome.visit_id
    assert _keys(deps, date(2026, 11, 2), "nudge:written") == set()
    assert _keys(deps, date(2026, 11, 3), "nudge:written") == {
        f"nudge:written-due:{visit}"
    }  # 2 days before
    assert _keys(deps, date(2026, 11, 5), "nudge:written") == {f"nudge:written-due:{visit}"}
    overdue = _due(deps, date(2026, 11, 6))
    assert {
        (n.delivery.key, n.delivery.channel, n.optional)
        for n in overdue.nudges
        if n.delivery.key.startswith("nudge:written")
    } == {
        (f"nudge:written-overdue:{visit}:observer", "UAMIR", False),
        (f"nudge:written-overdue:{visit}:manager", "UHEAD", False),  # Amir's line manager
    }


def test_star_needs_become_nudges_for_owner_and_appraiser(deps):
    at = datetime(2025, 11, 3, 9, 0, tzinfo=LONDON)
    start_star_project(deps, "UBOB", date(2025, 11, 3), date(2026, 3, 1), at)
    october = _due(deps, date(2026, 10, 5))
    assert {
        (n.delivery.key, n.delivery.channel) for n in october.nudges if "star" in n.delivery.key
    } == {("nudge:star-evaluation:1", "UBOB"), ("nudge:star-evaluation:1:appraiser", "UAMIR")}


def test_people_slack_has_not_resolved_are_skipped_and_counted_once(deps):
    add_staff(deps.db, "Nina", slack_user_id=None)
    due = _due(deps, date(2026, 10, 8))  # both the opening and the closing reminder are due
    assert due.skipped_without_slack == 1
    assert all(n.delivery.channel for n in due.nudges)
    assert len([n for n in due.nudges if "cp-closing" in n.delivery.key]) == 5


# --- re-checked when sent, and one failure is one failure -------------------------------------


def _tick(deps, fake_slack, at: datetime):
    from bot.runtime.slack_client import make_client
    from bot.runtime.tick import tick

    return tick(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        client=make_client(deps.settings, paced=True),
        now=at,
    )


def _outbox(deps):
    from sqlmodel import select

    from storage.models import OutboxMessage

    with deps.db.read_session() as session:
        return {m.key: m for m in session.exec(select(OutboxMessage)).all()}


def test_a_held_reminder_whose_reason_went_away_is_dropped_when_its_moment_comes(deps, fake_slack):
    from bot.core.people import set_reminders_muted
    from storage.models import Staff

    before_hours = _tick(deps, fake_slack, datetime(2026, 9, 1, 7, 0, tzinfo=LONDON))
    assert (before_hours.queued, before_hours.held) == (7, 7)
    # 07:30: Bob and Carol fill in their sheets, Amir turns reminders off, Alice leaves.
    _fill_sheet(deps, 4)
    _fill_sheet(deps, 5)
    set_reminders_muted(deps.db, person(deps.db, "UAMIR"), True)
    with deps.db.session() as session:
        alice = session.get(Staff, 3)
        alice.active = False
        session.add(alice)

    report = _tick(deps, fake_slack, datetime(2026, 9, 1, 8, 0, tzinfo=LONDON))

    assert (report.sent, report.dropped, report.failed) == (2, 5, 0)
    assert {c.params["channel"] for c in fake_slack.accepted()} == {"UHEAD"}
    opening, appraisees = sorted(
        (c.params["text"] for c in fake_slack.accepted()), key=lambda t: "appraisees" in t
    )
    assert opening.startswith("The September checkpoint is open: please fill in")
    assert appraisees == (  # Hannah's list as it is now: Carol has filled hers in
        "The September checkpoint is open until 15 October 2026. These appraisees "
        "have not filled in their ladder sheet yet: <@UAMIR>."
    )
    rows = _outbox(deps)
    sheet_done = "the ladder sheet has been filled in, or its window has closed"
    assert {key: (m.status.value, m.last_error) for key, m in rows.items()} == {
        "nudge:cp-open:2026-27:sep:1": ("sent", None),
        "nudge:cp-open:2026-27:sep:2": ("dropped", "reminders muted"),
        "nudge:cp-open:2026-27:sep:3": ("dropped", "no longer on the roster"),
        "nudge:cp-open:2026-27:sep:4": ("dropped", sheet_done),
        "nudge:cp-open:2026-27:sep:5": ("dropped", sheet_done),
        "nudge:cp-appraisees:2026-27:sep:1:week-2026-08-31": ("sent", None),
        "nudge:cp-appraisees:2026-27:sep:2:week-2026-08-31": ("dropped", "reminders muted"),
    }
    sent = rows["nudge:cp-appraisees:2026-27:sep:1:week-2026-08-31"]
    assert sent.payload == {} and sent.slack_ts  # Slack has the words; the outbox keeps its ts


def test_a_retry_that_falls_after_working_hours_waits_for_the_next_morning(deps, fake_slack):
    quick_lookups(deps.db)
    _fill_sheet(deps, 1)
    for staff_id in (2, 3, 4, 5):
        _fill_sheet(deps, staff_id)
    add_staff(deps.db, "Dan", slack_user_id="UDAN")
    fake_slack.add_user("UDAN", "dan@school.example")
    fake_slack.outage("chat.postMessage", status=503)

    first = _tick(deps, fake_slack, datetime(2026, 9, 1, 16, 59, tzinfo=LONDON))
    assert (first.queued, first.retrying) == (1, 1)  # Dan's opening DM, retried at 16:59:30
    fake_slack.end_outage("chat.postMessage")
    evening = _tick(deps, fake_slack, datetime(2026, 9, 1, 17, 5, tzinfo=LONDON))
    assert evening.sent == 0 and fake_slack.delivered() == []
    (row,) = _outbox(deps).values()
    assert row.next_attempt_at == datetime(2026, 9, 2, 8, 0, tzinfo=LONDON)
    morning = _tick(deps, fake_slack, datetime(2026, 9, 2, 8, 0, tzinfo=LONDON))
    assert morning.sent == 1
    assert [m["text"][:40] for m in fake_slack.delivered("UDAN")] == [
        "The September checkpoint is open: please"
    ]


def test_a_failing_weekly_summary_stops_no_reminder_and_goes_once_it_can(deps, fake_slack, caplog):
    from sqlalchemy import text

    from bot.summary.weekly import subscribe

    subscribe(db=deps.db, leader=person(deps.db, "UHEAD"), channel_id="C0STAFF", now=deps.clock())
    friday = datetime(2026, 10, 2, 15, 5, tzinfo=LONDON)
    with deps.db.engine.begin() as connection:  # the summary's figures cannot be read
        connection.execute(text("ALTER TABLE commendation RENAME TO commendation_away"))
    try:
        report = _tick(deps, fake_slack, friday)
    finally:
        with deps.db.engine.begin() as connection:
            connection.execute(text("ALTER TABLE commendation_away RENAME TO commendation"))

    # Every reminder due went: the ladder's 7, and 4 "write your objectives" (from 1 October:
    # not to Hannah, whom nobody on the roster appraises).
    assert report.sent == report.queued == 11
    (error,) = report.errors
    assert error.startswith("weekly summary for C0STAFF: database: ")
    assert "commendation" in error
    assert any(
        "could not queue weekly summary for C0STAFF" in r.getMessage() for r in caplog.records
    )
    assert fake_slack.messages_to("C0STAFF") == []

    later = _tick(deps, fake_slack, friday + timedelta(minutes=2))
    assert (later.queued, later.sent, later.errors) == (1, 1, [])
    (post,) = fake_slack.messages_to("C0STAFF")
    assert post["text"].startswith("Appraisal this week: Saltash Primary")
