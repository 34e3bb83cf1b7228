"""`staffroom tick --at` through a whole September window, day by day, with the exact
DMs expected; ticking twice; working hours; two processes at once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter

import pytest

from bot.cli import main
from storage.ladder import save_sheet
from storage.outbox import count_by_status
from tests.conftest import LONDON
from tests.factories import held_up_to
from tests.outbox_support import leases_run_out, quick_lookups

pytestmark = pytest.mark.usefixtures("school")


@pytest.fixture
def tick(monkeypatch, database, fake_slack, capsys):
    for name in ("SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "STAFFROOM_FRAMEWORK"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", fake_slack.api_url)
    monkeypatch.setenv("DATABASE_URL", database.url)

    def run(at: str) -> str:
        assert main(["tick", "--at", at]) == 0
        return capsys.readouterr().out.splitlines()[0]

    return run


def _fill(database, staff_id, checkpoint="sep"):
    from datetime import datetime

    with database.session() as session:
        save_sheet(
            session=session,
            staff_id=staff_id,
            academic_year="2026-27",
            checkpoint=checkpoint,
            held=held_up_to(8),
            level_reached=8,
            target_level=8,
            now=datetime(2026, 9, 1, 12, 0, tzinfo=LONDON),
        )


def test_the_september_window_day_by_day(tick, fake_slack, database):
    # Monday 31 August: a bank holiday, and the window has not opened.
    assert tick("2026-08-31T09:00") == (
        "0 queued, 0 sent, 0 failed and will be retried, 0 failed for good, 0 dropped (no longer "
        "true), 0 skipped (no Slack account); waiting now: 0 until working hours, 0 to retry"
    )
    # Tuesday 1 September, 07:00: due, but before working hours: queued and held.
    line = tick("2026-09-01T07:00")
    assert line.startswith("7 queued, 0 sent, 0 failed and will be retried,")
    assert line.endswith("waiting now: 7 until working hours, 0 to retry")
    assert fake_slack.calls_to("chat.postMessage") == []
    # 08:00: working hours begin; everything held is delivered once.
    line = tick("2026-09-01T08:00")
    assert line.startswith("0 queued, 7 sent,") and line.endswith(
        "0 until working hours, 0 to retry"
    )
    openings = [
        c
        for c in fake_slack.calls_to("chat.postMessage")
        if c.params["text"].startswith("The September checkpoint is open: please fill in")
    ]
    assert sorted(c.params["channel"] for c in openings) == [
        "UALICE",
        "UAMIR",
        "UBOB",
        "UCAROL",
        "UHEAD",
    ]
    lists = {
        c.params["channel"]: c.params["text"]
        for c in fake_slack.calls_to("chat.postMessage")
        if "These appraisees" in c.params["text"]
    }
    assert lists == {
        "UAMIR": "The September checkpoint is open until 15 October 2026. These appraisees "
        "have not filled in their ladder sheet yet: <@UALICE> and <@UBOB>.",
        "UHEAD": "The September checkpoint is open until 15 October 2026. These appraisees "
        "have not filled in their ladder sheet yet: <@UAMIR> and <@UCAROL>.",
    }
    # The same moment again, and the next day: nothing new.
    assert tick("2026-09-01T08:00").startswith("0 queued, 0 sent,")
    assert tick("2026-09-02T09:00").startswith("0 queued, 0 sent,")
    # Alice, Bob and Amir fill in their sheets; Monday 7 September: Hannah's weekly list only.
    for staff_id in (2, 3, 4):
        _fill(database, staff_id)
    before = len(fake_slack.calls_to("chat.postMessage"))
    assert tick("2026-09-07T09:00").startswith("1 queued, 1 sent,")
    (weekly,) = fake_slack.calls_to("chat.postMessage")[before:]
    assert (weekly.params["channel"], weekly.params["text"].endswith("yet: <@UCAROL>.")) == (
        "UHEAD",
        True,
    )
    # Saturday 12 September: nothing is sent at a weekend, and nothing is due.
    line = tick("2026-09-12T10:00")
    assert line.startswith("0 queued, 0 sent,") and line.endswith(
        "0 until working hours, 0 to retry"
    )
    # Thursday 8 October: a week before the window closes, Carol and Hannah are reminded;
    # no tick ran earlier this week, so Hannah's weekly list is caught up too (and the four
    # with an appraiser, who have not written their appraisal objectives by 1 October, are
    # asked to: not Hannah, whom nobody on the roster appraises).
    before = len(fake_slack.calls_to("chat.postMessage"))
    assert tick("2026-10-08T09:00").startswith("7 queued, 7 sent,")
    this_week = fake_slack.calls_to("chat.postMessage")[before:]
    closing = [c for c in this_week if c.params["text"].startswith("Reminder")]
    assert sorted(c.params["channel"] for c in closing) == ["UCAROL", "UHEAD"]
    assert all(
        c.params["text"].startswith("Reminder: the September checkpoint closes on 15 October 2026")
        for c in closing
    )
    # Friday 16 October: closed. Hannah hears who did not fill it in; nobody is told it opened.
    # (Amir and Hannah also hear whose objectives are not agreed.)
    before = len(fake_slack.calls_to("chat.postMessage"))
    assert tick("2026-10-16T09:00").startswith("3 queued, 3 sent,")
    (closed,) = [
        c for c in fake_slack.calls_to("chat.postMessage")[before:] if "ladder" in c.params["text"]
    ]
    assert closed.params["text"] == (
        "The September checkpoint closed on 15 October 2026. These "
        "appraisees did not fill in their ladder sheet: <@UCAROL>."
    )
    # Monday 19 October, the half-term's last week: nothing more about the ladder (the two
    # appraisers hear whom nobody has commended this half-term).
    before = len(fake_slack.calls_to("chat.postMessage"))
    assert tick("2026-10-19T09:00").startswith("2 queued, 2 sent,")
    praise = fake_slack.calls_to("chat.postMessage")[before:]
    assert all(c.params["text"].startswith("Nobody has commended") for c in praise)
    every = [c.params["channel"] for c in fake_slack.calls_to("chat.postMessage")]
    assert len(every) == 7 + 1 + 7 + 3 + 2


def test_two_tick_processes_at_once_send_each_nudge_once(database, fake_slack):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "STAFFROOM_"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=fake_slack.api_url, DATABASE_URL=database.url
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "tick", "--at", "2026-09-01T09:00"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    channels = sorted(c.params["channel"] for c in fake_slack.calls_to("chat.postMessage"))
    assert channels == sorted(["UALICE", "UAMIR", "UBOB", "UCAROL", "UHEAD", "UAMIR", "UHEAD"])


def test_a_tick_killed_mid_delivery_loses_and_duplicates_nothing(database, fake_slack):
    import signal
    import time

    from tests.factories import add_staff

    for n in range(30):
        person = add_staff(database, f"Teacher{n}", slack_user_id=f"UT{n:03d}")
        fake_slack.add_user(person.slack_user_id, person.email)
    quick_lookups(database)
    fake_slack.delays["chat.postMessage"] = 0.05  # Slack has the message before the app hears back
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "STAFFROOM_"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=fake_slack.api_url, DATABASE_URL=database.url
    )
    command = [sys.executable, "-m", "bot.cli", "tick", "--at", "2026-09-01T09:00"]

    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while len(fake_slack.accepted()) < 12 and time.monotonic() < deadline:
        time.sleep(0.01)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert 12 <= len(fake_slack.accepted()) < 37  # killed part of the way through

    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    if database.url.startswith("sqlite"):
        # The killed tick's claim (if it held one) is a lease: nobody touches it for five
        # minutes; then it is looked for in Slack, and sent only if Slack does not have it.
        with database.session() as session:
            left = count_by_status(session=session).get("sending", 0)
        assert left <= 1
        assert leases_run_out(database) == left
        again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert again.returncode == 0, again.stderr
    per_person = Counter(
        m["channel"]
        for m in _delivered(fake_slack)
        if m["text"].startswith("The September checkpoint is open: please")
    )
    expected = {"UALICE", "UAMIR", "UBOB", "UCAROL", "UHEAD"} | {f"UT{n:03d}" for n in range(30)}
    assert set(per_person) == expected
    assert set(per_person.values()) == {1}  # one opening DM each: none lost, none twice
    assert len(fake_slack.delivered()) == 35 + 2  # and the two appraisers' lists, once

    third = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert third.stdout.startswith("0 queued, 0 sent,")


def _delivered(fake_slack):
    """Every message Slack holds, with the person whose DM it is in."""
    return [
        {**message, "channel": conversation.removeprefix("D")}
        for conversation, messages in fake_slack.history.items()
        for message in messages
    ]


def test_503s_for_twenty_minutes_then_recovery_deliver_each_reminder_once(
    tick, fake_slack, database
):
    quick_lookups(database)
    assert tick("2026-09-01T07:00").endswith("waiting now: 7 until working hours, 0 to retry")
    # Slack answers 503 from 08:00; the first answers were lost after Slack stored the DMs.
    fake_slack.outage("chat.postMessage", status=503, stored=True)
    line = tick("2026-09-01T08:00")
    assert line.startswith("0 queued, 0 sent, 7 failed and will be retried, 0 failed for good,")
    assert line.endswith("waiting now: 0 until working hours, 7 to retry")
    fake_slack.outage("chat.postMessage", status=503)
    for minute in range(2, 21, 2):
        line = tick(f"2026-09-01T08:{minute:02d}")
        assert ", 0 failed for good," in line, line
    assert len(fake_slack.delivered()) == 7  # what the first, lost answers had stored
    fake_slack.end_outage("chat.postMessage")
    for minute in range(22, 41, 2):
        tick(f"2026-09-01T08:{minute:02d}")

    per_person = Counter(m["channel"] for m in _delivered(fake_slack))
    assert per_person == {"UALICE": 1, "UBOB": 1, "UCAROL": 1, "UAMIR": 2, "UHEAD": 2}
    with database.session() as session:
        assert count_by_status(session=session) == {"sent": 7}
    assert tick("2026-09-01T09:00").startswith(
        "0 queued, 0 sent, 0 failed and will be retried, 0 failed for good,"
    )


def test_503s_that_stored_nothing_end_in_one_delivery_each(tick, fake_slack, database):
    quick_lookups(database)
    tick("2026-09-01T07:00")
    fake_slack.outage("chat.postMessage", status=503)
    for minute in range(0, 21, 2):
        tick(f"2026-09-01T08:{minute:02d}")
    assert fake_slack.delivered() == []
    fake_slack.end_outage("chat.postMessage")
    for minute in range(22, 41, 2):
        tick(f"2026-09-01T08:{minute:02d}")

    per_person = Counter(m["channel"] for m in _delivered(fake_slack))
    assert per_person == {"UALICE": 1, "UBOB": 1, "UCAROL": 1, "UAMIR": 2, "UHEAD": 2}


def test_one_tick_at_a_time_in_a_process(deps, fake_slack, caplog):
    """The interval job and the 08:00 job share the process's tick: never both at once."""
    import threading
    import time

    from bot.outbox.queue import Delivery, enqueue
    from bot.runtime.scheduler import ticker
    from bot.runtime.slack_client import make_client

    with deps.db.session() as session:
        enqueue(
            session=session,
            now=deps.clock(),
            deliveries=[
                Delivery(f"k{n}", f"U{n}", "notice", {"text": "hi", "warning": False})
                for n in range(3)
            ],
        )
    fake_slack.delays["chat.postMessage"] = 0.3
    caplog.set_level("INFO", logger="bot.runtime.scheduler")
    _running, run_tick = ticker(deps, make_client(deps.settings, paced=True))
    first = threading.Thread(target=run_tick)
    first.start()
    while not fake_slack.calls_to("chat.postMessage"):
        time.sleep(0.01)

    started = time.monotonic()
    run_tick()  # the 08:00 job, while the interval job is still delivering
    assert time.monotonic() - started < 0.2
    first.join()

    assert "tick skipped: the previous tick is still delivering" in caplog.text
    queued_here = [
        c.params["channel"]
        for c in fake_slack.accepted()
        if c.params["channel"] in ("U0", "U1", "U2")
    ]
    assert sorted(queued_here) == ["U0", "U1", "U2"]  # each once (reminders due then went too)
