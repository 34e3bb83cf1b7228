"""Every standard's descriptors can be read where feedback is given: walking the real
form through signed requests, each standard of every SMART set (teacher, teaching
assistant, support staff, professional meetings, headteacher) shows its name, its
"Outstanding" and "Below minimum standards" descriptors or its guidance, in full."""

from __future__ import annotations

import json

import pytest

from messages import slack_escape
from messages.limits import view_problems
from tests.factories import add_staff
from tests.test_feedback import _next, _open_form, step1, step2

pytestmark = pytest.mark.usefixtures("school")


def _texts(view) -> str:
    return "\n".join(
        b["text"]["text"] for b in view["blocks"] if b["type"] == "section" and "text" in b
    )


def assert_every_standard_readable(slack, fake_slack, standard_set, observee, context, user_id):
    standards = standard_set.standards
    for start in range(0, len(standards), 4):
        chosen = standards[start : start + 4]
        view = _open_form(slack, fake_slack, f"<@{observee}>", user_id)
        answer = _next(slack, view, step1(observee, context=context), user_id)
        answer = _next(slack, answer["view"], step2(*[s.code for s in chosen]), user_id)
        write_view = answer["view"]
        assert view_problems(write_view) == []
        shown = _texts(write_view)
        for standard in chosen:
            assert f"*{standard.code} {slack_escape(standard.name)}*" in shown
            if standard.outstanding:
                assert f"*Outstanding:* {slack_escape(standard.outstanding)}" in shown
            if standard.below:
                assert f"*Below minimum standards:* {slack_escape(standard.below)}" in shown
            for line in standard.guidance:
                assert slack_escape(line) in shown, line


@pytest.mark.parametrize(
    ("set_key", "observee", "context"),
    [
        ("teacher", "UBOB", "lesson"),
        ("ta", "UCAROL", "lesson"),
        ("support", "USAM", "other"),
        ("meetings", "UBOB", "meeting"),
        ("headteacher", "UHEAD", "lesson"),
    ],
)
def test_every_descriptor_is_reachable(
    slack, fake_slack, database, framework, set_key, observee, context
):
    add_staff(database, "Sam", slack_user_id="USAM", role="support", grade="G")
    fake_slack.add_user("USAM", "sam@school.example")
    assert_every_standard_readable(
        slack, fake_slack, framework.standard_sets[set_key], observee, context, "UALICE"
    )


def test_support_staff_see_their_headings_and_key(slack, fake_slack, database):
    add_staff(database, "Sam", slack_user_id="USAM", role="support", grade="G")
    fake_slack.add_user("USAM", "sam@school.example")
    view = _open_form(slack, fake_slack, "<@USAM>", "UALICE")
    standards_view = _next(slack, view, step1("USAM", context="other"), "UALICE")["view"]
    groups = standards_view["blocks"][1]["element"]["option_groups"]
    assert [g["label"]["text"] for g in groups] == [
        "Expect the best: Self-management",
        "Question deeply: Effective participation",
        "Question deeply: Creative Thinker",
        "Understand: Reflective",
        "Inspire learning: Enquiry",
        "Praise positive: Team Worker",
    ]
    shown = json.dumps(standards_view, ensure_ascii=False)
    assert (
        "Key: L&amp;C = Leading and Communicating, C&amp;P = Collaborating and Partnering and "
        "BC4A = Building Capacity for All." in shown
    )
    # Names too long for an option are cut at a word and given whole beneath the list.
    options = [o["text"]["text"] for g in groups for o in g["options"]]
    assert "UR4 Metacognition, using examples to show how people learned/ Share your…" in options
    assert (
        "*UR4* Metacognition, using examples to show how people learned/ Share your own learning"
        in shown
    )
