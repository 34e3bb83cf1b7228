"""Duplicates from people and from Slack, forms that cannot be stored, and an ack path
that never waits (issue #12): each through signed requests and the Slack stand-in."""

from __future__ import annotations

import sqlite3
import time

import pytest
from sqlalchemy import text

from messages.ids import StarIds as Ids
from storage.commendations import commendations_given
from tests.test_commend import _modal_values, _modal_view
from tests.test_star import _buttons, _last_reply, _start_project

pytestmark = pytest.mark.usefixtures("school")
ALICE = 3
WORDS = "You rehung the whole Year 6 display after school: thank you!"


def _praise(deps) -> list[str]:
    with deps.db.session() as session:
        return [c.message for c in commendations_given(session=session, staff_id=ALICE)]


def test_a_double_click_moves_a_star_project_on_once(slack, fake_slack):
    _start_project(slack, fake_slack)
    slack.command("/star", "", user_id="UBOB")
    slack.drain()
    button = _buttons(_last_reply(fake_slack))[Ids.NEXT_STAGE]
    for _ in range(2):  # the same button, twice, before the message changes
        slack.click(Ids.NEXT_STAGE, button, user_id="UBOB")
    slack.drain()
    assert all("stage 2 of 6" in r["text"] for r in fake_slack.responses()[-2:])


def test_a_form_submitted_twice_is_stored_once(slack, fake_slack, deps):
    view = {**_modal_view(deps), "id": "V0DOUBLE"}  # the same view, submitted twice
    for _ in range(2):
        response = slack.view_submission(view, _modal_values(["UBOB"], WORDS), user_id="UALICE")
        assert response.status_code == 200
    slack.drain()
    assert _praise(deps) == [WORDS]
    assert len(fake_slack.messages_to("UBOB")) == 1


def test_a_command_body_seen_twice_is_stored_once(slack, fake_slack, deps):
    for _ in range(2):
        slack.command("/commend", "<@UBOB> thanks", user_id="UALICE", trigger_id="T.same")
    slack.drain()
    assert _praise(deps) == ["thanks"]
    assert len(fake_slack.messages_to("UBOB")) == 1


def test_an_event_slack_delivers_three_times_is_handled_once(slack, fake_slack):
    event = {"type": "app_home_opened", "user": "UBOB", "channel": "D1", "tab": "home"}
    for retry in range(3):
        headers = {"X-Slack-Retry-Num": str(retry)} if retry else {}
        assert slack.event(event, event_id="Ev0THRICE", **headers).status_code == 200
    slack.drain()
    assert len(fake_slack.calls_to("views.publish")) == 1


@pytest.fixture
def commendations_refused(deps):
    """A database that refuses to store a commendation after the form was answered (as a
    lock held past the busy timeout, or a read-only file, would)."""
    sqlite = deps.db.url.startswith("sqlite")
    with deps.db.engine.begin() as connection:
        if sqlite:
            connection.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON commendation "
                    "BEGIN SELECT RAISE(ABORT, 'database is locked'); END"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                    "RAISE EXCEPTION 'database is locked'; END $$ LANGUAGE plpgsql"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON commendation "
                    "FOR EACH ROW EXECUTE FUNCTION refuse()"
                )
            )
    yield
    with deps.db.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER refuse" + ("" if sqlite else " ON commendation")))
        if not sqlite:
            connection.execute(text("DROP FUNCTION refuse()"))


@pytest.mark.usefixtures("commendations_refused")
def test_a_form_whose_words_cannot_be_stored_comes_back_by_dm(slack, fake_slack, deps):
    words = "You stayed late to rehang the whole Year 6 display. Thank you!"
    response = slack.view_submission(
        _modal_view(deps), _modal_values(["UBOB"], words), user_id="UALICE"
    )
    assert response.status_code == 200 and response.text == ""  # the form closed
    slack.drain()
    (dm,) = fake_slack.messages_to("UALICE")
    assert dm["text"].startswith(":warning: Your commendation was not saved")
    assert words in str(dm["blocks"])
    assert fake_slack.messages_to("UBOB") == []
    assert _praise(deps) == []


def test_the_ack_never_waits_for_a_writer(slack, fake_slack, deps, database):
    if not database.url.startswith("sqlite"):
        pytest.skip("PostgreSQL writers do not hold a database-wide lock")
    holder = sqlite3.connect(database.url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds SQLite's write lock
    try:
        slowest = 0.0
        for n in range(10):
            started = time.monotonic()
            response = slack.command("/commend", f"<@UBOB> thanks {n}", user_id="UALICE")
            slowest = max(slowest, time.monotonic() - started)
            assert response.status_code == 200
        health = slack.http.get("/healthz")
        assert health.status_code == 200
        assert slowest < 3.0, f"an ack took {slowest:.1f} s while a writer held the database"
    finally:
        holder.execute("COMMIT")
        holder.close()
    slack.drain()
    assert sorted(_praise(deps)) == sorted(f"thanks {n}" for n in range(10))
