"""The App Home tab shows the person's recent praise."""

from __future__ import annotations

import pytest

from messages.limits import view_problems

pytestmark = pytest.mark.usefixtures("school")


def test_home_lists_praise_received(slack, fake_slack, clock):
    slack.command("/commend", "<@UBOB> thanks for the <b>display</b>", user_id="UALICE")
    slack.command("/commend", "<@UBOB> great cover lesson", user_id="UCAROL")
    slack.drain()

    response = slack.event(
        {"type": "app_home_opened", "user": "UBOB", "channel": "D1", "tab": "home"}
    )
    slack.drain()

    assert response.status_code == 200
    (call,) = fake_slack.calls_to("views.publish")
    assert call.params["user_id"] == "UBOB"
    view = call.params["view"]
    assert view_problems(view) == []
    texts = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]
    assert "*Praise you received* (2 in all)" in texts
    assert "<@UCAROL> on 23 November 2026:\ngreat cover lesson" in texts
    assert "<@UALICE> on 23 November 2026:\nthanks for the &lt;b&gt;display&lt;/b&gt;" in texts


def test_home_for_someone_not_on_the_roster(slack, fake_slack):
    slack.event({"type": "app_home_opened", "user": "UVISITOR", "channel": "D2", "tab": "home"})
    slack.drain()
    view = fake_slack.calls_to("views.publish")[0].params["view"]
    assert "not on the staff roster yet" in str(view["blocks"])


def test_messages_tab_publishes_nothing(slack, fake_slack):
    slack.event({"type": "app_home_opened", "user": "UBOB", "channel": "D1", "tab": "messages"})
    slack.drain()
    assert fake_slack.calls_to("views.publish") == []


def test_home_lists_feedback_received(slack, fake_slack):
    from tests.test_feedback import _complete

    _complete(slack, fake_slack, user_id="UCAROL", strengths="Calm <start> to the lesson")
    slack.event({"type": "app_home_opened", "user": "UBOB", "channel": "D1", "tab": "home"})
    slack.drain()
    view = fake_slack.calls_to("views.publish")[-1].params["view"]
    assert view_problems(view) == []
    texts = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]
    assert "<@UCAROL>, lesson on 23 November 2026:\nCalm &lt;start&gt; to the lesson" in texts
