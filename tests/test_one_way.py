"""Each job done one way: the small divergences that once disagreed, each pinned by a test."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.framework import ROLES
from bot.summary.figures import summarise
from storage.ladder import save_sheet
from storage.models import Role, StarNote
from tests.conftest import LONDON
from tests.factories import add_staff, start_star_project

NOW = datetime(2026, 9, 30, 10, 0, tzinfo=LONDON)  # a Wednesday; the September window is open


def test_one_role_list():
    assert tuple(role.value for role in Role) == ROLES


@pytest.mark.parametrize("grade", ["UPS 1", "ups1", "UPS\u00a01", "UPS\t1", " UPS1 "])
def test_one_grade_normaliser_for_people_and_for_summaries(deps, grade):
    """A grade the framework recognises is recognised the same way in a leader's summary
    (once Python stripped any white space and SQL only ASCII spaces)."""
    assert deps.framework.expected_level(grade) == deps.framework.expected_level("UPS1")
    person = add_staff(deps.db, "Uma", slack_user_id="UUMA", grade=grade)
    with deps.db.session() as session:
        save_sheet(
            session=session,
            staff_id=person.id,
            academic_year="2026-27",
            checkpoint="sep",
            held=[[False]],  # the first statement not true: level 0 reached
            level_reached=0,
            target_level=1,
            now=NOW,
        )
    summary = summarise(
        db=deps.db, framework=deps.framework, calendar=deps.calendar, school=None, now=NOW
    )
    (school,) = summary.schools
    assert (school.this_week.ladder_filled, school.this_week.below_expected) == (1, 1)


def test_a_visit_on_the_first_day_of_a_window_counts_in_one_week_only(deps, school):
    from bot.feedback import visits
    from tests.factories import person

    boundary = (NOW - timedelta(days=7)).date()  # the day the last 7 days start
    visits.log_visit(
        db=deps.db,
        calendar=deps.calendar,
        observer=person(deps.db, "UAMIR"),
        observee_slack_id="UBOB",
        visit_date=boundary.isoformat(),
        now=NOW,
        is_bot=lambda _: False,
    )
    summary = summarise(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        school="Saltash Primary",
        now=NOW,
    )
    (saltash,) = summary.schools
    assert saltash.this_week.visits + saltash.last_week.visits == 1


def test_trust_totals_count_a_commendation_once_whatever_schools_its_recipients_are_in(
    deps, school
):
    from bot.commend.give import Commend, CommendRequest
    from bot.summary.post import post_context
    from messages import render
    from tests.factories import person

    add_staff(deps.db, "Lily", slack_user_id="ULILY", school="Looe Primary")
    Commend(
        db=deps.db,
        framework=deps.framework,
        author=person(deps.db, "UALICE"),
        request=CommendRequest(["UBOB", "ULILY"], "Both brilliant"),
        now=NOW - timedelta(days=1),
        is_bot=lambda _: False,
    )()
    summary = summarise(
        db=deps.db, framework=deps.framework, calendar=deps.calendar, school=None, now=NOW
    )
    by_school = {s.school: s.this_week.commendations for s in summary.schools}
    assert by_school["Saltash Primary"] == by_school["Looe Primary"] == 1
    assert summary.commendations == 1
    post = render("summary", **post_context(summary, deps.framework))
    assert post["text"].endswith(". 1 commendations and 0 pieces of feedback.")


def test_star_notes_are_dated_in_the_trusts_time_zone(deps, school):
    from bot.star import projects
    from tests.factories import person

    started = start_star_project(deps, "UBOB", NOW.date(), NOW.date() + timedelta(days=60), NOW)
    late_evening = datetime(2026, 9, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 October in London
    with deps.db.session() as session:
        session.add(
            StarNote(
                project_id=started.status.project_id, stage=1, text="n", created_at=late_evening
            )
        )
    status = projects.status(
        db=deps.db, calendar=deps.calendar, owner=person(deps.db, "UBOB"), now=NOW
    )
    assert status is not None
    assert [note.written_on.isoformat() for note in status.notes] == ["2026-10-01"]


def test_weekday_names_come_from_one_place(deps):
    from messages import render

    reply = render("summary_reply", reply="subscribed", weekday=4, at="15:00")
    assert reply["text"] == "This channel will get the summary every Friday at 15:00."


def test_charts_can_be_drawn_from_several_threads_at_once():
    from datetime import date

    from messages.chart import weekly_chart

    weeks = [(date(2026, 9, 7) + timedelta(weeks=n), n, 2 * n) for n in range(8)]
    start = threading.Barrier(4)

    def draw(title: str) -> bytes:
        start.wait()
        return weekly_chart(title, weeks)

    with ThreadPoolExecutor(max_workers=4) as pool:
        charts = list(pool.map(draw, [f"School {n}" for n in range(4)]))
    assert all(chart.startswith(b"\x89PNG") for chart in charts)
    assert len(set(charts)) == 4  # each its own title, none drawn on another's figure
