"""Typed text is text (issue #13): what a person types reaches Slack as they typed it,
pings nobody and links nothing, and numbers and dates are read as staff write them.
Each case through the real request path."""

from __future__ import annotations

import json

import pytest

from messages.limits import message_problems
from storage.commendations import commendations_given
from tests.test_commend import _modal_values, _modal_view
from tests.test_star import _last_reply, _start_project

pytestmark = pytest.mark.usefixtures("school")


def test_a_mention_typed_into_the_commend_form_pings_nobody_in_the_public_post(
    slack, fake_slack, deps
):
    view = _modal_view(deps)
    values = _modal_values(
        ["UBOB"], "Ask <@UHEAD> and <!channel> about https://evil.example", share=True
    )
    slack.view_submission(view, values, user_id="UALICE")
    slack.drain()
    (post,) = fake_slack.messages_to("#celebrations")
    text = json.dumps(post)
    assert "<@UHEAD>" not in text and "<!channel>" not in text
    assert "&lt;@UHEAD&gt;" in text and "&lt;!channel&gt;" in text
    texts = [t for t in _mrkdwn(post)]
    assert texts and all(t["verbatim"] is True for t in texts)  # no auto-linked URL either
    assert message_problems(post) == []


def test_a_mention_typed_into_a_command_stays_literal(slack, fake_slack):
    # Slack escapes what a person types: &lt;@U…&gt; is typed text, never a mention.
    slack.command("/commend", "<@UBOB|bob> thanks from &lt;@UHEAD&gt;", user_id="UALICE")
    slack.drain()
    (to_bob,) = fake_slack.messages_to("UBOB")
    assert "<@UHEAD>" not in json.dumps(to_bob)
    assert "&lt;@UHEAD&gt;" in to_bob["blocks"][1]["text"]["text"]


@pytest.mark.parametrize("words", ["\u200b\u200b", "\u200b \u2060\ufeff"])
def test_a_commendation_of_invisible_characters_is_empty(slack, fake_slack, deps, words):
    answer = slack.view_submission(
        _modal_view(deps), _modal_values(["UBOB"], words), user_id="UALICE"
    ).json()
    assert answer["response_action"] == "errors"
    slack.command("/commend", f"<@UBOB> {words}", user_id="UALICE")
    slack.drain()
    assert "Write a message" in fake_slack.responses()[-1]["text"]
    with deps.db.session() as session:
        assert commendations_given(session=session, staff_id=3) == []


def test_direction_overrides_are_removed(slack, fake_slack, deps):
    slack.command("/commend", "<@UBOB> well \u202edone\u202c", user_id="UALICE")
    slack.drain()
    with deps.db.session() as session:
        (stored,) = commendations_given(session=session, staff_id=3)
    assert stored.message == "well done"


@pytest.mark.parametrize("typed", ["1,5", "7_1", "1e3", "inf", "NaN"])
def test_numbers_staff_would_not_write_are_refused(slack, fake_slack, export, typed):
    _start_project(slack, fake_slack)
    slack.command("/star", f"measure {typed}", user_id="UBOB")
    slack.drain()
    assert f"'{typed}' is not a number" in _last_reply(fake_slack)["text"]
    assert export("bob@school.example")["star_projects"][0]["measurements"] == []


def test_a_huge_typed_number_never_breaks_a_button(slack, fake_slack):
    _start_project(slack, fake_slack, baseline="62")
    slack.command("/star", "measure " + "0" * 2100 + "71 final", user_id="UBOB")
    slack.drain()
    question = _last_reply(fake_slack)
    assert message_problems(question) == []
    assert "Record *71* as the *final* measurement?" in json.dumps(question)


@pytest.mark.parametrize(
    ("typed", "reply"),
    [
        ("20261001", "'20261001' is not a date"),
        ("2026-10-01", "Lesson visit logged"),
        ("1/10/2026", "Lesson visit logged"),
    ],
)
def test_visit_dates_as_staff_write_them(slack, fake_slack, typed, reply):
    slack.command("/feedback", f"visit <@UBOB> {typed}", user_id="UAMIR")
    slack.drain()
    said = [r["text"] for r in fake_slack.responses()] + [
        m["text"] for m in fake_slack.messages_to("UAMIR")
    ]
    assert any(reply in text for text in said), said


def _mrkdwn(message):
    for block in message.get("blocks", []):
        if isinstance(block.get("text"), dict) and block["text"].get("type") == "mrkdwn":
            yield block["text"]
        for element in block.get("elements", []):
            if element.get("type") == "mrkdwn":
                yield element
