"""The leaders' weekly summary counts a lesson visit's written feedback as the visit's, not
as informal feedback: a visit made, written up weeks later, and informal feedback the same
week, through signed requests on real dates."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.summary.figures import summarise
from messages.ids import FeedbackIds as Ids
from tests.conftest import LONDON
from tests.test_visits_once import _button, _log_visit, _open_from_button, _send, _to_last_step

pytestmark = pytest.mark.usefixtures("school")


def _figures(deps, at):
    summary = summarise(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        school="Saltash Primary",
        now=at,
    )
    (saltash,) = summary.schools
    return saltash.this_week


def test_written_feedback_for_a_visit_is_not_informal(slack, fake_slack, deps, clock):
    clock.now = datetime(2026, 11, 3, 12, 0, tzinfo=LONDON)  # Tuesday
    dm = _log_visit(slack, fake_slack, "2026-11-03")

    clock.now = datetime(2026, 11, 17, 12, 0, tzinfo=LONDON)  # two weeks on: written up
    _send(
        slack,
        _to_last_step(
            slack, _open_from_button(slack, fake_slack, _button(dm, Ids.VISIT_WRITE)), "2026-11-03"
        ),
    )
    slack.command("/feedback", "<@UBOB>", user_id="UAMIR")  # and informal feedback too
    slack.drain()
    _send(
        slack,
        _to_last_step(slack, fake_slack.calls_to("views.open")[-1].params["view"], "2026-11-17"),
    )

    visit_week = _figures(deps, datetime(2026, 11, 9, 7, 0, tzinfo=LONDON))
    assert (visit_week.visits, visit_week.feedback) == (1, 0)
    written_week = _figures(deps, datetime(2026, 11, 23, 7, 0, tzinfo=LONDON))
    assert (written_week.visits, written_week.feedback) == (0, 1)  # the informal one only
