"""Slack asking the app to slow down while a person waits for a form.

A trigger_id lasts 3 seconds: a brief 429 is waited out and the form opens; a long one
is answered at once (try again in a minute) instead of holding a worker for its wait.
"""

from __future__ import annotations

import pytest

from messages.ids import CommendIds

pytestmark = pytest.mark.usefixtures("school")


def test_a_brief_429_is_waited_out_and_the_form_opens(slack, fake_slack):
    fake_slack.rate_limit("views.open", retry_after=1)

    slack.command("/commend", "", user_id="UALICE", trigger_id="1337.42.abcdef")
    slack.drain()

    refused, opened = fake_slack.calls_to("views.open")
    assert not refused.accepted
    assert opened.accepted and opened.params["view"]["callback_id"] == CommendIds.MODAL
    assert fake_slack.responses() == []


def test_a_long_429_is_answered_at_once_without_waiting(slack, fake_slack):
    fake_slack.rate_limit("views.open", retry_after=30)

    slack.command("/commend", "", user_id="UALICE", trigger_id="1337.42.abcdef")
    slack.drain()

    assert len(fake_slack.calls_to("views.open")) == 1  # not tried again after 30 s
    (reply,) = fake_slack.responses()
    assert "try again in a minute" in reply["text"]
