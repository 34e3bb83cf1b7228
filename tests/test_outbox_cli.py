"""`staffroom outbox [--failed] [--retry ID… | --retry-failed]` (README: Operate): what is
owed, with why, and failed messages sent again, as an IT admin would run it."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.cli import main
from bot.outbox.queue import Delivery, enqueue
from storage.outbox import message_by_key
from tests.conftest import LONDON
from tests.outbox_support import quick_lookups


@pytest.fixture
def env(monkeypatch, database, fake_slack):
    for name in ("SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "PORT", "STAFFROOM_FRAMEWORK"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", fake_slack.api_url)
    monkeypatch.setenv("DATABASE_URL", database.url)
    return monkeypatch


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _owe(database, *keys_and_channels):
    with database.session() as session:
        enqueue(
            session=session,
            now=datetime(2026, 11, 23, 9, 0, tzinfo=LONDON),
            deliveries=[
                Delivery(key, channel, "notice", {"text": "hi", "warning": False})
                for key, channel in keys_and_channels
            ],
        )


@pytest.fixture
def owed(env, database, fake_slack, capsys):
    """Three messages: one refused for good, one Slack answered 503 to, one sent."""
    quick_lookups(database)
    _owe(database, ("k-gone", "#gone"), ("k-later", "UCAROL"), ("k-sent", "UBOB"))
    fake_slack.script("chat.postMessage", error="channel_not_found")
    fake_slack.script("chat.postMessage", status=503, error="service_unavailable")
    _run(capsys, "tick", "--at", "2026-11-23T09:05")
    return database


def test_lists_what_is_owed_with_why(owed, capsys):
    code, out, _ = _run(capsys, "outbox")

    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "1 pending, 0 sending, 1 failed (1 sent, 0 dropped)"
    assert len(lines) == 3
    gone = next(line for line in lines if "k-gone" in line)
    assert "failed" in gone and "to #gone" in gone and gone.endswith("channel_not_found")
    later = next(line for line in lines if "k-later" in line)
    assert "pending" in later and "1 attempt(s)" in later and "2026-11-23 09:05" in later
    assert "HTTP 503 service_unavailable" in later and "maybe sent" in later

    code, out, _ = _run(capsys, "outbox", "--failed")
    assert out.splitlines()[1:] == [gone]


def test_retry_failed_sends_them_again_on_the_next_tick(owed, capsys, fake_slack):
    code, out, _ = _run(capsys, "outbox", "--retry-failed")

    assert code == 0
    assert out == "queued again: 1 message(s) (1); the next tick sends them\n"
    row = _row(owed, "k-gone")
    assert (row.status.value, row.first_attempt_at) == ("pending", None)  # a new day of retries
    fake_slack.add_channel("C0GONE", "gone")  # the admin created the channel
    code, out, _ = _run(capsys, "tick")  # now: queued again from now
    assert out.startswith("queued 0, sent 2,")  # and k-later, whose retry was due
    assert [m["text"] for m in fake_slack.delivered("#gone")] == ["hi"]


def test_retry_by_id_leaves_what_has_not_failed(owed, capsys):
    code, out, _ = _run(capsys, "outbox", "--retry", "1", "2")

    assert code == 0
    assert out.splitlines() == [
        "queued again: 1 message(s) (1); the next tick sends them",
        "not failed, left as they are: 2",
    ]
    assert _row(owed, "k-later").status.value == "pending"

    code, _, err = _run(capsys, "outbox", "--retry", "1", "99")
    assert code == 2 and err == "staffroom: no outbox message with id 99\n"


def _row(database, key):
    with database.session() as session:
        return message_by_key(session=session, key=key)
