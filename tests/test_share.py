"""A second trust as a file: the whole app run on SHARE MAT's framework (STAFFROOM_FRAMEWORK
=share), through signed requests, as its staff would use it. Nothing in the code names
either trust: what differs here comes from bot/frameworks/share.yml."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from bot.core.framework import Framework, load_framework
from bot.nudges.due import due_at
from messages.ids import CommendIds, LadderIds
from messages.limits import message_problems, view_problems
from tests.conftest import LONDON
from tests.test_feedback import _next, _open_form, step1, step2, step3

pytestmark = pytest.mark.usefixtures("school")


@pytest.fixture(scope="module")
def framework() -> Framework:
    """This module's trust: SHARE MAT (overrides the SMART framework of conftest)."""
    return load_framework("share")


def test_staffroom_framework_share_selects_the_file(monkeypatch, tmp_path):
    from bot.cli.common import start
    from bot.runtime.config import Mode

    monkeypatch.setenv("STAFFROOM_FRAMEWORK", "share")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'share.db'}")
    _settings, framework, db = start(Mode.OFFLINE)
    db.dispose()
    assert (framework.name, framework.trust) == ("SHARE", "SHARE MAT")


def test_feedback_end_to_end_on_shares_standards(slack, fake_slack, export):
    view = _open_form(slack, fake_slack)
    standards_view = _next(slack, view, step1())["view"]
    assert view_problems(standards_view) == []
    select = standards_view["blocks"][1]
    assert select["hint"]["text"].startswith(
        "From the SHARE 12 Teacher and Middle Leader Standards"
    )
    (group,) = select["element"]["option_groups"]
    options = [o["text"]["text"] for o in group["options"]]
    assert len(options) == 12
    assert options[0] == "1 Secure high standards of behaviour from all pupils"
    assert options[4] == "5 Adapt, design or develop a curriculum that is ambitious for all pupils…"
    in_full = standards_view["blocks"][2]["elements"][0]["text"]
    assert (
        "*5* Adapt, design or develop a curriculum that is ambitious for all pupils, including "
        "the disadvantaged and those with SEND" in in_full
    )

    write_view = _next(slack, standards_view, step2("3", "12"))["view"]
    assert view_problems(write_view) == []
    shown = json.dumps(write_view, ensure_ascii=False)
    assert "SHARE RAGG* Ratings. G* Gold: an exceptional standard has been achieved" in shown
    assert "_All staff should be familiar with and act in accordance with the requirements" in shown
    assert "• Act on any concerns about a child's welfare immediately" in shown
    assert "• Help pupils apply mathematical knowledge, concepts and procedures" in shown

    assert _next(slack, write_view, step3({"3": "A", "12": "G*"})) == {}
    slack.drain()
    (to_bob,) = fake_slack.messages_to("UBOB")
    assert message_problems(to_bob) == []
    body = json.dumps(to_bob["blocks"], ensure_ascii=False)
    assert (
        "*3* Ensure that pupils are kept safe from harm, in school and beyond: `A` Amber "
        "(high standards are being achieved but not consistently)" in body
    )
    (received,) = export("bob@school.example")["feedback_received"]
    assert received["ratings"] == {"3": "A", "12": "G*"}
    assert export("bob@school.example")["ladder"] == []


def test_a_meeting_uses_the_persons_own_standards_when_the_trust_has_no_meeting_set(
    slack, fake_slack
):
    view = _open_form(slack, fake_slack)
    standards_view = _next(slack, view, step1(context="meeting"))["view"]
    assert (
        "SHARE 12 Teacher and Middle Leader Standards"
        in standards_view["blocks"][1]["hint"]["text"]
    )


@pytest.mark.parametrize("text", ["", "<@UBOB|bob>"])
def test_ladder_says_the_trust_has_none(slack, fake_slack, clock, text):
    clock.now = datetime(2026, 9, 15, 10, 0, tzinfo=LONDON)  # a window the checkpoints open
    slack.command("/ladder", text, user_id="UAMIR")
    slack.drain()
    reply = fake_slack.responses()[-1]
    assert reply["text"] == (
        "SHARE MAT has no leadership ladder in its framework, so there is no ladder sheet to "
        "fill in or to see."
    )
    assert fake_slack.calls_to("views.open") == []
    slack.click(LadderIds.OPEN_SHEET, "open", user_id="UAMIR")
    slack.drain()
    assert fake_slack.responses()[-1]["text"].startswith("SHARE MAT has no leadership ladder")


def test_help_and_home_do_not_offer_the_ladder(slack, fake_slack, clock):
    clock.now = datetime(2026, 9, 15, 10, 0, tzinfo=LONDON)
    slack.command("/staffroom", "", user_id="UBOB")
    slack.drain()
    help_text = json.dumps(fake_slack.responses()[-1])
    assert "/ladder" not in help_text and "ladder sheet" not in help_text
    slack.event({"type": "app_home_opened", "user": "UBOB", "tab": "home"})
    slack.drain()
    assert "/ladder" not in json.dumps(fake_slack.calls_to("views.publish")[-1].params["view"])


def test_commend_has_no_value_to_tag(slack, fake_slack):
    slack.command("/commend", "", user_id="UALICE")
    slack.drain()
    modal = fake_slack.calls_to("views.open")[-1].params["view"]
    assert view_problems(modal) == []
    assert CommendIds.VALUE_BLOCK not in [b.get("block_id") for b in modal["blocks"]]


def test_no_ladder_reminders_but_every_other_one(deps):
    from bot.feedback import visits
    from tests.factories import person

    opening = due_at(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        now=datetime(2026, 9, 1, 9, 0, tzinfo=LONDON),
    )
    assert [n.delivery.key for n in opening.nudges if ":cp-" in n.delivery.key] == []
    visits.log_visit(
        db=deps.db,
        calendar=deps.calendar,
        observer=person(deps.db, "UAMIR"),
        observee_slack_id="UBOB",
        visit_date="2026-09-14",
        now=datetime(2026, 9, 14, 12, 0, tzinfo=LONDON),
        is_bot=lambda _: False,
    )
    later = due_at(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        now=datetime(2026, 9, 21, 9, 0, tzinfo=LONDON),  # verbal due: 5 working days later
    )
    assert [n.delivery.key for n in later.nudges] == ["nudge:verbal-due:1"]


def test_shares_optional_check_points_are_windows(framework):
    from bot.core.calendar import AcademicYear
    from bot.ladder.windows import checkpoint_windows, open_checkpoint

    windows = checkpoint_windows(framework, AcademicYear(2026))
    assert [(w.key, w.opens) for w in windows] == [
        ("sep", date(2026, 9, 1)),
        ("jan", date(2027, 1, 4)),
        ("mid", date(2027, 2, 1)),
        ("may", date(2027, 5, 1)),
        ("jul", date(2027, 7, 1)),
    ]
    assert open_checkpoint(framework, date(2027, 5, 12)).checkpoint.name == "May PDP"


def test_every_share_standards_guidance_is_reachable(slack, fake_slack, framework):
    from tests.test_feedback_standards import assert_every_standard_readable

    assert_every_standard_readable(
        slack, fake_slack, framework.standard_sets["share"], "UBOB", "lesson", "UALICE"
    )
