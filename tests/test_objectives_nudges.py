"""The appraisal year's nudges, with real 2026-27 dates: objectives not written by
1 October; not agreed when the September checkpoint closes (Thursday 15 October);
reviews due at each review checkpoint, an optional January one included; and the
half-term's praise nudge (autumn half term 26-30 October)."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from bot.nudges.due import due_at
from bot.objectives.agree import agree
from bot.objectives.review import ReviewObjectives
from bot.objectives.write import Draft, WriteObjectives
from messages import render
from messages.limits import message_problems
from tests.conftest import LONDON
from tests.factories import person
from tests.test_objectives import framework  # noqa: F401  (with January and May check points)

pytestmark = pytest.mark.usefixtures("school")


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=LONDON)


def nudges(deps, day: date, kind: str) -> dict[str, dict]:
    due = due_at(db=deps.db, framework=deps.framework, calendar=deps.calendar, now=at(day))
    return {
        n.delivery.key: n.delivery
        for n in due.nudges
        if n.delivery.key.startswith(f"nudge:{kind}:")
    }


def written(deps, slack_id: str, day: date):
    common = {"db": deps.db, "framework": deps.framework, "calendar": deps.calendar}
    return WriteObjectives(
        **common,
        person=person(deps.db, slack_id),
        draft=Draft("Main role", "STAR hope", "Leadership", [], 3),
        now=at(day),
    )()


def agreed(deps, slack_id: str, appraiser: str, day: date) -> int:
    done = written(deps, slack_id, day)
    agree(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        appraiser=person(deps.db, appraiser),
        set_id=done.view.set_id,
        version=done.view.version,
        now=at(day),
    )
    return done.view.set_id


def test_objectives_not_written_by_1_october(deps):
    assert nudges(deps, date(2026, 9, 30), "obj-write") == {}
    written(deps, "UALICE", date(2026, 9, 20))
    due = nudges(deps, date(2026, 10, 1), "obj-write")
    # Not Hannah, the head: with no appraiser on the roster nobody here agrees hers.
    assert sorted(d.channel for d in due.values()) == ["UAMIR", "UBOB", "UCAROL"]
    message = next(d for d in due.values() if d.channel == "UBOB")
    assert message.context["agree_by"] == date(2026, 10, 15)
    rendered = render(message.template, **message.context)
    assert message_problems(rendered) == []
    assert rendered["text"].startswith(
        "Your three appraisal objectives for 2026-27 are not written"
    )


def test_objectives_not_agreed_when_the_september_checkpoint_closes(deps):
    written(deps, "UALICE", date(2026, 9, 20))
    assert nudges(deps, date(2026, 10, 15), "obj-unagreed") == {}
    due = nudges(deps, date(2026, 10, 16), "obj-unagreed")
    amir = due["nudge:obj-unagreed:2026-27:2"]
    assert amir.channel == "UAMIR"
    assert amir.context["written"] == ["<@UALICE>"] and amir.context["unwritten"] == ["<@UBOB>"]
    rendered = render(amir.template, **amir.context)
    assert message_problems(rendered) == []
    assert rendered["text"] == (
        "The September checkpoint closed on 15 October 2026 and these appraisees' objectives "
        "for 2026-27 are not agreed.\n"
        "• Written, waiting for you to agree: <@UALICE>.\n"
        "• Not written yet: <@UBOB>."
    )
    assert "Agree them from the message each sent you" in json.dumps(rendered["blocks"])
    agreed(deps, "UBOB", "UAMIR", date(2026, 10, 19))
    assert "nudge:obj-unagreed:2026-27:2" in nudges(deps, date(2026, 10, 20), "obj-unagreed")
    agree(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        appraiser=person(deps.db, "UAMIR"),
        set_id=1,
        version=1,
        now=at(date(2026, 10, 20)),
    )
    assert "nudge:obj-unagreed:2026-27:2" not in nudges(deps, date(2026, 10, 21), "obj-unagreed")


def test_an_appraiser_whose_appraisees_wrote_nothing_is_not_told_to_agree_them(deps):
    due = nudges(deps, date(2026, 10, 16), "obj-unagreed")
    # Hannah, the head, appraises Amir and Carol; nobody appraises her, so she is in no list.
    assert sorted(d.channel for d in due.values()) == ["UAMIR", "UHEAD"]
    hannah = next(d for d in due.values() if d.channel == "UHEAD")
    rendered = render(hannah.template, **hannah.context)
    assert message_problems(rendered) == []
    assert rendered["text"].endswith("are not agreed.\n• Not written yet: <@UAMIR> and <@UCAROL>.")
    shown = json.dumps(rendered, ensure_ascii=False)
    assert "Written, waiting" not in shown and "Agree them from the message" not in shown
    assert "Each writes them with `/objectives`" in shown


def test_reviews_due_at_an_optional_january_check_point_and_at_mid_year(deps):
    set_id = agreed(deps, "UALICE", "UAMIR", date(2026, 9, 25))
    assert nudges(deps, date(2027, 1, 1), "obj-review-open") == {}  # a holiday, not open yet
    (opening,) = nudges(deps, date(2027, 1, 4), "obj-review-open").values()
    assert opening.key == "nudge:obj-review-open:2026-27:jan:2" and opening.channel == "UAMIR"
    assert opening.context["due"] == [{"who": "<@UALICE>", "name": "Alice", "set_id": set_id}]
    assert nudges(deps, date(2027, 1, 14), "obj-review-closing") == {}
    assert list(nudges(deps, date(2027, 1, 15), "obj-review-closing")) == [
        "nudge:obj-review-closing:2026-27:jan:2"
    ]
    ReviewObjectives(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        appraiser=person(deps.db, "UAMIR"),
        set_id=set_id,
        checkpoint="jan",
        statuses={1: "on_track", 2: "on_track", 3: "on_track"},
        comments={},
        now=at(date(2027, 1, 15)),
    )()
    assert nudges(deps, date(2027, 1, 18), "obj-review-closing") == {}
    assert list(nudges(deps, date(2027, 2, 1), "obj-review-open")) == [
        "nudge:obj-review-open:2026-27:mid:2"
    ]


def test_praise_nudge_once_a_half_term_about_appraisees_nobody_commended(deps, slack):
    assert nudges(deps, date(2026, 10, 16), "praise") == {}  # more than a week left
    due = nudges(deps, date(2026, 10, 19), "praise")
    assert sorted(due) == ["nudge:praise:2026-09-01:1", "nudge:praise:2026-09-01:2"]
    assert due["nudge:praise:2026-09-01:2"].context["unpraised"] == ["<@UALICE>", "<@UBOB>"]

    slack.command(
        "/commend", "<@UALICE> thank you for covering 9C: they finished the plan", user_id="UBOB"
    )
    slack.drain()
    due = nudges(deps, date(2026, 10, 20), "praise")
    assert due["nudge:praise:2026-09-01:2"].context["unpraised"] == ["<@UBOB>"]
    assert nudges(deps, date(2026, 11, 2), "praise") == {}  # the next half-term has begun


def test_the_praise_nudge_names_the_half_terms_first_school_day(deps):
    # Half term ended on Friday 30 October 2026: the half-term began on Monday 2 November.
    due = nudges(deps, date(2026, 12, 14), "praise")
    assert {n.context["since"] for n in due.values()} == {date(2026, 11, 2)}
