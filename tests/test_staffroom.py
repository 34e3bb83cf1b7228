"""/staffroom: help, with what the person has to do now."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from bot.star import evaluation as star_evaluation
from bot.star import measure as star_measure
from bot.star import projects as star_projects
from messages.limits import message_problems
from tests.conftest import LONDON
from tests.factories import person, start_star_project

pytestmark = pytest.mark.usefixtures("school")


def _help(slack, fake_slack, user_id):
    slack.command("/staffroom", "", user_id=user_id)
    slack.drain()
    reply = fake_slack.responses()[-1]
    assert reply["response_type"] == "ephemeral"
    assert message_problems(reply) == []
    return reply["blocks"][0]["text"]["text"]


def test_pending_actions_from_every_feature(slack, fake_slack, deps, clock):
    clock.now = datetime(2026, 9, 30, 10, 0, tzinfo=LONDON)  # the September window is open
    slack.command("/feedback", "visit <@UBOB> 2026-09-14", user_id="UAMIR")  # written due 28 Sep
    slack.drain()
    start = date(2026, 9, 1)
    start_star_project(deps, "UBOB", start, date(2026, 12, 1), clock.now)

    amir = _help(slack, fake_slack, "UAMIR")
    assert (
        "Fill in your September ladder sheet with `/ladder` (it closes on 15 October 2026)." in amir
    )
    assert (
        "*Overdue:* Your lesson visit to <@UBOB> on 14 September 2026 owes verbal feedback by "
        "21 September 2026 and written feedback by 28 September 2026."
    ) in amir
    assert "Start this year's STAR project with `/star new`." in amir

    bob = _help(slack, fake_slack, "UBOB")
    assert "Start this year's STAR project" not in bob
    assert "Take your STAR project's baseline measurement" in bob  # 10 working days after 1 Sep

    project_id = star_projects.status(
        db=deps.db, calendar=deps.calendar, owner=person(deps.db, "UBOB"), now=clock.now
    ).project_id
    star_measure.Measure(
        db=deps.db,
        calendar=deps.calendar,
        owner=person(deps.db, "UBOB"),
        reading=star_measure.Reading("1", None, same_way=False),
        now=clock.now,
    )()
    for _ in range(4):
        star_projects.advance(
            db=deps.db,
            calendar=deps.calendar,
            owner=person(deps.db, "UBOB"),
            project_id=project_id,
            now=clock.now,
        )
    star_evaluation.Evaluate(
        db=deps.db,
        calendar=deps.calendar,
        owner=person(deps.db, "UBOB"),
        evaluation=star_evaluation.Evaluation(
            project_id=project_id, learned="L", would_share=False
        ),
        now=clock.now,
    )()
    assert "Confirm <@UBOB>'s STAR project evaluation" in _help(slack, fake_slack, "UAMIR")


def test_nothing_to_do(slack, fake_slack, deps, clock):
    clock.now = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)  # no window open
    # a project starting after Christmas: its baseline is not due until the week before
    start_star_project(deps, "UCAROL", date(2027, 1, 11), date(2027, 3, 1), clock.now)
    from tests.test_objectives_nudges import agreed

    agreed(deps, "UCAROL", "UHEAD", date(2026, 9, 25))  # her objectives are agreed
    text = _help(slack, fake_slack, "UCAROL")
    assert text == "*To do now*\nNothing right now. :sparkles:"
    assert "`/feedback visit @colleague [YYYY-MM-DD]`" in json.dumps(fake_slack.responses()[-1])


def test_not_on_the_roster(slack, fake_slack):
    slack.command("/staffroom", "", user_id="UVISITOR")
    slack.drain()
    assert "You are not on the staff roster" in fake_slack.responses()[-1]["text"]


def test_muting_optional_reminders_keeps_deadlines_owed_to_others(slack, fake_slack, deps):
    from bot.feedback import visits
    from bot.nudges.due import due_at

    _help(slack, fake_slack, "UAMIR")
    button = fake_slack.responses()[-1]["blocks"][3]["accessory"]
    assert button["text"]["text"] == "Turn optional reminders off"
    slack.click(button["action_id"], button["value"], user_id="UAMIR")
    slack.drain()
    updated = fake_slack.responses()[-1]
    assert updated["replace_original"] is True
    assert "optional reminders are off" in json.dumps(updated)

    visits.log_visit(
        db=deps.db,
        calendar=deps.calendar,
        observer=person(deps.db, "UAMIR"),
        observee_slack_id="UBOB",
        visit_date="2026-09-14",
        now=datetime(2026, 9, 14, 12, 0, tzinfo=LONDON),
        is_bot=lambda _: False,
    )
    due = due_at(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        now=datetime(2026, 9, 29, 9, 0, tzinfo=LONDON),
    )
    to_amir = {
        n.delivery.key.rsplit(":", 1)[0] for n in due.nudges if n.delivery.channel == "UAMIR"
    }
    # no checkpoint or appraisee reminders; feedback he owes others still comes
    assert to_amir == {"nudge:written-overdue:1", "nudge:verbal-overdue:1"}
    assert any(n.delivery.channel == "UBOB" and "cp-open" in n.delivery.key for n in due.nudges)

    slack.click(button["action_id"], "on", user_id="UAMIR")
    slack.drain()
    assert "Turn optional reminders off" in json.dumps(fake_slack.responses()[-1])


def test_objectives_owed_are_listed(slack, fake_slack, deps, clock):
    from tests.test_objectives_nudges import agreed, written

    clock.now = datetime(2027, 2, 10, 10, 0, tzinfo=LONDON)  # Mid-year open
    written(deps, "UALICE", date(2026, 9, 21))
    agreed(deps, "UBOB", "UAMIR", date(2026, 9, 25))
    text = _help(slack, fake_slack, "UAMIR")
    assert "Write this year's three objectives with `/objectives`." in text
    assert "Agree the objectives of <@UALICE>, from the message each sent you" in text
    assert "Review the objectives of <@UBOB> at the Mid-year checkpoint" in text
