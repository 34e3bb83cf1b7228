"""Logs carry no personal text or tokens (issue #13), even when everything fails.

A marker is planted in every text field people type (and in everyone's name); every
command, form and button is then used while the database refuses every write, as a
full disk or a broken replica would. The app logs each failure, and no log line, in
either format, holds the marker, a token or the signing secret. On PostgreSQL the
failure carries the row in its DETAIL, as PostgreSQL's own constraint errors do.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import text

from bot.localslack.signer import SIGNING_SECRET
from bot.localslack.workspace import dm_channel
from bot.runtime.logs import TEXT_FORMAT, JsonFormatter
from bot.runtime.tick import tick
from messages.ids import StaffroomIds, StarIds
from storage.db import Database
from tests.acting import fill_in
from tests.conftest import LONDON
from tests.factories import start_star_project
from tests.faults import FAILURE, writes_fail

pytestmark = pytest.mark.usefixtures("school")

MARKER = "Quokka-Marker-7731"


@pytest.fixture
def failing_writes(database: Database, records_before_failure) -> Iterator[None]:
    """From here on, every write fails (the records above were written before)."""
    with writes_fail(database):
        yield


@pytest.fixture
def records_before_failure(school, deps, slack, fake_slack):
    """Bob's STAR project to note on, Carol's at the evaluation stage; every name marked."""
    at = datetime(2026, 11, 23, 9, tzinfo=LONDON)
    bobs = start_star_project(deps, "UBOB", at.date(), at.date().replace(month=12), at)
    carols = start_star_project(deps, "UCAROL", at.date(), at.date().replace(month=12), at)
    with deps.db.session() as session:
        at_five = text("UPDATE star_project SET stage = 5 WHERE id = :id")
        session.execute(at_five, {"id": _project_id(carols)})
        session.execute(text("UPDATE staff SET name = name || :marker"), {"marker": " " + MARKER})
    return bobs, carols


def _project_id(outcome) -> int:
    return outcome.status.project_id


def _press(slack, fake_slack, action: str, value: str, user: str) -> None:
    trigger = fake_slack.workspace.new_trigger(user)
    slack.click(action, value, user_id=user, trigger_id=trigger)
    slack.drain()


def _steps(people, slack, fake_slack, deps, bobs, carols):
    """(what, does it write) for each thing people do; each is done when iterated."""

    def command(user: str, line: str, channel: str | None = None) -> None:
        people.command(user, channel or dm_channel(user), line)
        slack.drain()

    def submit_form(user: str, **chosen: str) -> None:
        fill_in(people, user, MARKER, **chosen)
        people.submit(user)
        slack.drain()

    command("UALICE", f"/commend @bob {MARKER}")
    yield "/commend @bob …", True
    command("UALICE", "/commend")
    submit_form("UALICE")
    people.submit("UALICE")  # sent as it is, past the prompt to say what they did
    slack.drain()
    yield "the commendation form", True
    command("UCAROL", "/feedback @bob")
    submit_form("UCAROL")  # who, when and where
    submit_form("UCAROL")  # the standards
    submit_form("UCAROL")  # what was seen
    yield "the feedback form", True
    command("UAMIR", "/feedback visit @bob 2026-11-20")
    yield "/feedback visit", True
    command("UALICE", "/star new")
    submit_form("UALICE", star_baseline="", star_end="2027-01-29")
    yield "the new STAR project form", True
    _press(slack, fake_slack, StarIds.ADD_NOTE, str(_project_id(bobs)), "UBOB")
    submit_form("UBOB")
    yield "a STAR note", True
    command("UBOB", "/star measure 12")
    yield "/star measure", True
    _press(slack, fake_slack, StarIds.EVALUATE, str(_project_id(carols)), "UCAROL")
    submit_form("UCAROL")
    yield "a STAR evaluation", True
    command("UBOB", "/ladder")
    yield "/ladder", False
    command("UHEAD", "/ladder @bob")
    yield "/ladder @bob", False
    fake_slack.workspace.add_channel("C0STAFF", "staff", members=["UHEAD"])
    command("UHEAD", "/summary", "C0STAFF")
    yield "/summary", False
    command("UHEAD", "/summary weekly", "C0STAFF")
    yield "/summary weekly", True
    command("UBOB", "/staffroom")
    yield "/staffroom", False
    _press(slack, fake_slack, StaffroomIds.REMINDERS, "off", "UBOB")
    yield "turning reminders off", True
    people.open_home("UBOB")
    slack.drain()
    yield "the App Home", False
    try:
        tick(
            db=deps.db,
            framework=deps.framework,
            calendar=deps.calendar,
            client=slack_client(deps),
            now=datetime(2027, 2, 1, 9, 30, tzinfo=LONDON),
        )
    except Exception:
        logging.getLogger("staffroom.scheduler").exception("tick failed")  # as the scheduler does
    yield "a scheduler tick", True


def _logged_failure(record: logging.LogRecord) -> str:
    """The error a line reports: its traceback's, or its message's (the tick's one-liners)."""
    return str(record.exc_info[1]) if record.exc_info else record.getMessage()


def slack_client(deps):
    from bot.runtime.slack_client import make_client

    return make_client(deps.settings)


@pytest.mark.usefixtures("failing_writes")
def test_no_log_line_holds_what_people_wrote_or_a_token(
    people, slack, fake_slack, deps, records_before_failure, caplog
):
    caplog.set_level(logging.INFO)  # as `staffroom serve` logs
    unlogged = []
    for what, writes in _steps(people, slack, fake_slack, deps, *records_before_failure):
        failures = [r for r in caplog.records if FAILURE in _logged_failure(r)]
        if writes and not failures:
            unlogged.append(what)
        lines = [logging.Formatter(TEXT_FORMAT).format(r) for r in caplog.records]
        lines += [JsonFormatter().format(r) for r in caplog.records]
        for line in lines:
            assert MARKER not in line, f"{what}: {line}"
            assert "xoxb-test" not in line and SIGNING_SECRET not in line, what
        caplog.clear()
    assert unlogged == [], "each of these should have failed to write, and said so in the log"
    # The people were told, and what they typed was given back to them (in Slack).
    assert any(MARKER in str(c.params) for c in fake_slack.calls_to("chat.postMessage"))
