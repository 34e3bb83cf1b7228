"""Verbal feedback after a lesson visit (SHARE MAT's QA policy §7.1: "ideally on the day
(and no later than 5 working days)"): the observer is reminded on the day it is due if they
have not marked it given, and the observer and their line manager are told when it is
overdue, on real dates around the October half term, through `staffroom tick` and the fake
Slack."""

from __future__ import annotations

import pytest

from bot.cli import main
from messages.ids import FeedbackIds
from messages.limits import message_problems

pytestmark = pytest.mark.usefixtures("school")


@pytest.fixture
def tick(monkeypatch, database, fake_slack, capsys):
    for name in ("SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "STAFFROOM_FRAMEWORK"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", fake_slack.api_url)
    monkeypatch.setenv("DATABASE_URL", database.url)

    def run(at: str) -> list[str]:
        before = len(fake_slack.calls_to("chat.postMessage"))
        assert main(["tick", "--at", at]) == 0
        capsys.readouterr()
        return [
            f"{call.params['channel']}: {call.params['text']}"
            for call in fake_slack.calls_to("chat.postMessage")[before:]
            if "erbal feedback for" in call.params["text"]
        ]

    return run


def _log_visit(slack, fake_slack, clock, day: str) -> dict:
    from datetime import date, datetime

    from tests.conftest import LONDON

    clock.now = datetime.combine(date.fromisoformat(day), datetime.min.time(), LONDON).replace(
        hour=12
    )
    slack.command("/feedback", f"visit <@UBOB> {day}", user_id="UAMIR")
    slack.drain()
    return fake_slack.responses()[-1]


def test_reminded_on_the_day_then_told_with_the_line_manager(slack, fake_slack, clock, tick):
    # Wednesday 21 October: five working days skip the half term (26-30 October).
    reply = _log_visit(slack, fake_slack, clock, "2026-10-21")
    assert "Verbal feedback is due by 4 November 2026" in reply["text"]

    assert tick("2026-10-23T10:00") == []
    assert tick("2026-11-02T10:00") == []  # back from half term: not yet due
    (due,) = tick("2026-11-04T10:00")
    assert due == (
        "UAMIR: Verbal feedback for your lesson visit to <@UBOB> on 21 October 2026 is due "
        "today, 4 November 2026."
    )
    assert tick("2026-11-04T14:00") == []  # once
    overdue = tick("2026-11-05T10:00")
    assert overdue == [
        "UAMIR: Verbal feedback for your lesson visit to <@UBOB> on 21 October 2026 was due on "
        "4 November 2026 and is overdue.",
        "UHEAD: <@UAMIR>'s verbal feedback for their lesson visit to <@UBOB> on 21 October 2026 "
        "was due on 4 November 2026 and is overdue.",
    ]
    assert tick("2026-11-06T10:00") == []
    for call in fake_slack.calls_to("chat.postMessage"):
        assert message_problems(call.params) == []


def test_marking_it_given_from_the_reminder_stops_them(slack, fake_slack, clock, tick):
    _log_visit(slack, fake_slack, clock, "2026-10-21")
    tick("2026-11-04T10:00")
    reminder = next(
        call.params
        for call in fake_slack.calls_to("chat.postMessage")
        if call.params["text"].startswith("Verbal feedback for your lesson visit")
    )
    button = reminder["blocks"][0]["accessory"]
    assert (button["action_id"], button["text"]["text"]) == (
        FeedbackIds.VISIT_VERBAL,
        "Verbal feedback given",
    )
    slack.click(button["action_id"], button["value"], user_id="UAMIR")
    slack.drain()
    assert "Verbal feedback: given" in fake_slack.responses()[-1]["text"]
    assert tick("2026-11-05T10:00") == []


def test_a_visit_completed_by_its_written_feedback_needs_no_reminder(deps, tick):
    from datetime import date, datetime

    from bot.feedback import form, visits
    from tests.conftest import LONDON
    from tests.factories import person

    visits.log_visit(
        db=deps.db,
        calendar=deps.calendar,
        observer=person(deps.db, "UAMIR"),
        observee_slack_id="UBOB",
        visit_date="2026-10-21",
        now=datetime(2026, 10, 21, 12, 0, tzinfo=LONDON),
        is_bot=lambda _: False,
    )
    form.RecordFeedback(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        request=form.FeedbackRequest(
            subject=form.Subject(
                person(deps.db, "UAMIR"), "UBOB", date(2026, 10, 21), "lesson", "Y8"
            ),
            standards=["ES1"],
            strengths="Calm start",
        ),
        now=datetime(2026, 10, 22, 12, 0, tzinfo=LONDON),
        is_bot=lambda _: False,
    )()
    assert tick("2026-11-04T10:00") == []
    assert tick("2026-11-05T10:00") == []
