"""Praise that says nothing specific gets a gentle prompt in the form, which the author
may ignore (SMART's Expected Standards, level 6 iv)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commend.specific import GENERIC, says_something_specific
from messages.ids import CommendIds as Ids
from messages.limits import view_problems


@pytest.mark.parametrize(
    "message",
    [
        "Thanks!",
        "Thank you so much",
        "Thanks so much for all your hard work this week!",
        "Great job, superstar",
    ],
)
def test_generic_or_very_short_praise_is_not_specific(message):
    assert not says_something_specific(message)


@pytest.mark.parametrize(
    "message",
    [
        "Thank you for covering 9C at short notice: they finished the essay plan.",
        "Your phonics display made the Year 1 corridor a place children stop and read.",
    ],
)
def test_praise_that_says_what_they_did_is_specific(message):
    assert says_something_specific(message)


@given(st.lists(st.sampled_from(sorted(GENERIC)), max_size=40))
def test_any_amount_of_generic_words_is_never_specific(words):
    assert not says_something_specific(" ".join(words))


def _values(message: str, recipients=("UBOB",)) -> dict:
    return {
        Ids.RECIPIENTS_BLOCK: {
            Ids.RECIPIENTS_ACTION: {
                "type": "multi_users_select",
                "selected_users": list(recipients),
            }
        },
        Ids.MESSAGE_BLOCK: {Ids.MESSAGE_ACTION: {"type": "plain_text_input", "value": message}},
        Ids.VALUE_BLOCK: {
            Ids.VALUE_ACTION: {"type": "static_select", "selected_option": {"value": "P"}}
        },
        Ids.SHARE_BLOCK: {Ids.SHARE_ACTION: {"type": "checkboxes", "selected_options": []}},
    }


@pytest.mark.usefixtures("school")
def test_the_form_prompts_once_and_the_author_may_send_it_as_it_is(slack, fake_slack):
    slack.command("/commend", "", user_id="UALICE")
    slack.drain()
    modal = fake_slack.calls_to("views.open")[-1].params["view"]

    answer = slack.view_submission(modal, _values("Thanks so much!"), user_id="UALICE").json()
    assert answer["response_action"] == "update"
    prompted = answer["view"]
    assert view_problems(prompted) == []
    assert "what they did and what difference it made" in str(prompted["blocks"])
    message = next(b for b in prompted["blocks"] if b.get("block_id") == Ids.MESSAGE_BLOCK)
    assert message["element"]["initial_value"] == "Thanks so much!"  # what they typed, kept
    recipients = next(b for b in prompted["blocks"] if b.get("block_id") == Ids.RECIPIENTS_BLOCK)
    assert recipients["element"]["initial_users"] == ["UBOB"]
    slack.drain()
    assert fake_slack.messages_to("UBOB") == []  # nothing sent yet

    response = slack.view_submission(prompted, _values("Thanks so much!"), user_id="UALICE")
    slack.drain()
    assert response.status_code == 200 and response.text == ""
    (received,) = fake_slack.messages_to("UBOB")
    assert "Thanks so much!" in received["text"]


@pytest.mark.usefixtures("school")
def test_specific_praise_is_sent_at_once(slack, fake_slack):
    slack.command("/commend", "", user_id="UALICE")
    slack.drain()
    modal = fake_slack.calls_to("views.open")[-1].params["view"]
    text = "Thank you for covering 9C at short notice: they finished the essay plan."
    response = slack.view_submission(modal, _values(text), user_id="UALICE")
    slack.drain()
    assert response.text == ""
    assert len(fake_slack.messages_to("UBOB")) == 1


@pytest.mark.usefixtures("school")
def test_other_problems_are_shown_before_the_prompt(slack, fake_slack):
    slack.command("/commend", "", user_id="UALICE")
    slack.drain()
    modal = fake_slack.calls_to("views.open")[-1].params["view"]
    answer = slack.view_submission(modal, _values("Thanks!", recipients=()), user_id="UALICE")
    assert answer.json()["response_action"] == "errors"
