"""A message about someone's record that waited goes only to whoever may still see it.

Carol writes feedback about Bob while Slack is failing: the DMs wait to be retried.
Before they go, Bob's appraiser changes from Amir to Hannah, or Amir leaves the
roster: Amir's copy is dropped (and keeps no words), while Bob's and Carol's go. In
the meantime, Amir's export lists his copy without Carol's words about Bob.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import text

from bot.runtime.slack_client import make_client
from bot.runtime.tick import tick
from storage.outbox import messages_to
from tests.conftest import LONDON
from tests.test_feedback import _complete

pytestmark = pytest.mark.usefixtures("school")

WORDS = "Zebra-crossing plenary was superb"
LATER = datetime(2026, 11, 23, 11, 0, tzinfo=LONDON)  # a Monday, in working hours


def _feedback_while_slack_is_down(slack, fake_slack) -> None:
    fake_slack.outage("chat.postMessage", status=503)
    _complete(slack, fake_slack, user_id="UCAROL", strengths=WORDS)
    fake_slack.end_outage("chat.postMessage")
    assert fake_slack.accepted() == []


def _tick(deps):
    return tick(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        client=make_client(deps.settings, paced=True),
        now=LATER,
    )


def _copy_to_amir(deps):
    with deps.db.read_session() as session:
        (copy,) = [m for m in messages_to(session=session, channel="UAMIR") if ":copy:" in m.key]
    return copy


def _got_the_words(fake_slack) -> set[str]:
    return {c.params["channel"] for c in fake_slack.accepted() if WORDS in json.dumps(c.params)}


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE staff SET appraiser_id = 1 WHERE slack_user_id = 'UBOB'",  # Hannah now
        "UPDATE staff SET active = false WHERE slack_user_id = 'UAMIR'",  # Amir left
    ],
)
def test_a_copy_waiting_for_a_former_appraiser_is_dropped(deps, slack, fake_slack, change):
    _feedback_while_slack_is_down(slack, fake_slack)
    with deps.db.session() as session:
        session.execute(text(change))

    report = _tick(deps)

    assert _got_the_words(fake_slack) == {"UBOB", "UCAROL"}  # the subject and the author
    copy = _copy_to_amir(deps)
    assert copy.status.value == "dropped" and copy.payload == {}
    assert copy.last_error in ("no longer allowed to see this record", "no longer on the roster")
    assert report.dropped == 1


def test_the_copy_goes_to_the_appraiser_who_still_is_one(deps, slack, fake_slack):
    _feedback_while_slack_is_down(slack, fake_slack)
    _tick(deps)
    assert _got_the_words(fake_slack) == {"UBOB", "UCAROL", "UAMIR"}


def test_an_export_lists_a_copy_about_someone_else_without_its_words(
    deps, slack, fake_slack, export
):
    _feedback_while_slack_is_down(slack, fake_slack)

    amirs = export("amir@school.example")["messages"]
    bobs = export("bob@school.example")["messages"]

    (copy,) = amirs
    assert copy["key"].endswith(":copy:2") and copy["status"] == "pending"
    assert (copy["text"], copy["blocks"]) == (None, None)
    assert WORDS not in json.dumps(amirs)
    assert any(WORDS in json.dumps(m) for m in bobs)  # his own record, in his export


def test_an_export_lists_a_dropped_message(deps, slack, fake_slack, export):
    _feedback_while_slack_is_down(slack, fake_slack)
    with deps.db.session() as session:
        session.execute(text("UPDATE staff SET active = false WHERE slack_user_id = 'UAMIR'"))
    _tick(deps)
    (copy,) = [m for m in export("amir@school.example")["messages"] if ":copy:" in m["key"]]
    assert copy["status"] == "dropped" and copy["text"] is None
