"""The outbox: each message is queued once and sent once, and Slack's 429s,
server errors and refusals end as retries or as failures with their reason."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from bot.outbox.pacing import Pacer
from bot.outbox.queue import Delivery, enqueue
from bot.outbox.sender import LEASE, MAX_ATTEMPTS, deliver
from bot.runtime.config import Settings
from bot.runtime.slack_client import make_client
from storage.models import OutboxStatus
from storage.outbox import claim, count_by_status, message_by_key

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _paced_client(fake_slack):
    return make_client(
        Settings(slack_bot_token="xoxb-test", slack_api_url=fake_slack.api_url), paced=True
    )


def _client(fake_slack):
    return make_client(Settings(slack_bot_token="xoxb-test", slack_api_url=fake_slack.api_url))


def _queue(db, key="k1", channel="UBOB", text="Hello"):
    with db.session() as session:
        return enqueue(
            session=session,
            now=NOW,
            deliveries=[
                Delivery(
                    key=key,
                    channel=channel,
                    template="notice",
                    context={"text": text, "warning": False},
                )
            ],
        )


def _row(db, key="k1"):
    with db.session() as session:
        return message_by_key(session=session, key=key)


def test_queueing_a_key_twice_keeps_one_message(database):
    first = _queue(database)
    second = _queue(database, text="a different text")
    assert first == second
    assert _row(database).payload["text"] == "Hello"
    with database.session() as session:
        assert count_by_status(session=session) == {"pending": 1}


def test_deliver_sends_once_with_the_key_in_metadata(database, fake_slack):
    _queue(database)
    client = _client(fake_slack)

    first = deliver(db=database, client=client, now=NOW)
    again = deliver(db=database, client=client, now=NOW + timedelta(hours=1))

    assert (first.sent, again.sent) == (1, 0)
    (call,) = fake_slack.calls_to("chat.postMessage")
    assert call.params["channel"] == "UBOB"
    assert call.params["metadata"] == {
        "event_type": "staffroom_outbox",
        "event_payload": {"key": "k1"},
    }
    row = _row(database)
    assert row.status is OutboxStatus.SENT and row.slack_ts and row.sent_at == NOW


def test_concurrent_deliveries_send_each_message_once(database, fake_slack):
    for n in range(20):
        _queue(database, key=f"k{n}", channel=f"U{n}")
    barrier = threading.Barrier(4)

    def run():
        barrier.wait()
        deliver(db=database, client=_client(fake_slack), now=NOW)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    channels = sorted(c.params["channel"] for c in fake_slack.calls_to("chat.postMessage"))
    assert channels == sorted(f"U{n}" for n in range(20))
    with database.session() as session:
        assert count_by_status(session=session) == {"sent": 20}


def test_one_429_is_waited_out_inside_the_call(database, fake_slack):
    _queue(database)
    fake_slack.rate_limit("chat.postMessage", retry_after=1)

    report = deliver(db=database, client=_client(fake_slack), now=NOW)

    assert report.sent == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 2


def test_429_beyond_the_wait_budget_is_left_for_a_later_tick(database, fake_slack):
    _queue(database)
    fake_slack.rate_limit("chat.postMessage", retry_after=30, times=2)
    client = _paced_client(fake_slack)

    def run(seconds_later: int):
        return deliver(
            db=database, client=client, now=NOW + timedelta(seconds=seconds_later), wait_budget=10
        )

    report = run(0)
    assert (report.sent, report.retrying) == (0, 1)
    row = _row(database)
    assert row.status is OutboxStatus.PENDING
    assert row.next_attempt_at == NOW + timedelta(seconds=30)
    assert "ratelimited" in row.last_error
    assert run(29).sent == 0  # held until Retry-After has passed
    assert run(30).retrying == 1  # a second 429
    assert run(60).sent == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 3


def test_server_errors_back_off_then_fail_with_the_reason(database, fake_slack):
    _queue(database)
    fake_slack.script("chat.postMessage", status=500, error="internal_error", times=MAX_ATTEMPTS)
    client = _client(fake_slack)
    moment = NOW
    waits = []
    for _ in range(MAX_ATTEMPTS - 1):
        assert deliver(db=database, client=client, now=moment).retrying == 1
        waits.append(_row(database).next_attempt_at - moment)
        moment = _row(database).next_attempt_at
    report = deliver(db=database, client=client, now=moment)

    assert waits == [
        timedelta(seconds=30),
        timedelta(seconds=60),
        timedelta(seconds=120),
        timedelta(seconds=240),
    ]
    assert report.failed == 1
    row = _row(database)
    assert row.status is OutboxStatus.FAILED
    assert row.last_error == f"internal_error (gave up after {MAX_ATTEMPTS} attempts)"


def test_errors_no_retry_can_fix_fail_at_once(database, fake_slack):
    _queue(database, channel="#celebrations")
    fake_slack.script("chat.postMessage", error="not_in_channel")

    report = deliver(db=database, client=_client(fake_slack), now=NOW)

    assert report.failed == 1 and report.errors == ["k1: not_in_channel"]
    assert _row(database).status is OutboxStatus.FAILED


def test_slack_unreachable_is_retried_later(database):
    _queue(database)
    dead = make_client(
        Settings(slack_bot_token="xoxb-test", slack_api_url="http://127.0.0.1:9/api/")
    )

    report = deliver(db=database, client=dead, now=NOW)

    assert report.retrying == 1
    assert _row(database).last_error.startswith("connection:")


def test_a_claim_from_another_host_is_taken_over_after_the_lease(database, fake_slack):
    (row_id,) = _queue(database)
    with database.session() as session:
        assert claim(session=session, message_id=row_id, now=NOW, claimant="elsewhere:1:1")
    client = _client(fake_slack)

    assert deliver(db=database, client=client, now=NOW + LEASE - timedelta(seconds=1)).sent == 0
    report = deliver(db=database, client=client, now=NOW + LEASE + timedelta(seconds=1))
    assert (report.sent, report.recovered) == (1, 0)  # Slack did not have it: sent once
    assert _row(database).status is OutboxStatus.SENT


def test_a_claim_of_a_dead_process_here_is_finished_at_once_without_sending_twice(
    database, fake_slack
):
    import subprocess
    import sys

    from bot.outbox import claimant

    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    host = claimant.current().split(":")[0]
    dead = f"{host}:{finished.stdout.strip()}:1"
    assert claimant.is_dead(dead) and not claimant.is_dead(claimant.current())
    delivered, lost = (
        _queue(database, key="k-delivered"),
        _queue(database, key="k-lost", channel="UCAROL"),
    )
    with database.session() as session:
        for (row_id,) in (delivered, lost):
            claim(session=session, message_id=row_id, now=NOW, claimant=dead)
    # Slack accepted the first before its sender died; the second never reached Slack.
    fake_slack.history["DUBOB"] = [
        {
            "ts": "1.5",
            "text": "Hello",
            "metadata": {"event_type": "staffroom_outbox", "event_payload": {"key": "k-delivered"}},
        }
    ]

    report = deliver(db=database, client=_client(fake_slack), now=NOW)

    assert (report.recovered, report.sent) == (1, 1)
    assert [c.params["channel"] for c in fake_slack.accepted()] == ["UCAROL"]
    assert _row(database, "k-delivered").slack_ts == "1.5"
    assert _row(database, "k-lost").status is OutboxStatus.SENT


def test_429s_are_waited_out_within_the_run(database, fake_slack):
    for n in range(3):
        _queue(database, key=f"k{n}", channel=f"U{n}")
    fake_slack.rate_limit("chat.postMessage", retry_after=1, times=2)
    slept = []

    pacer = Pacer(sleep=slept.append)
    report = deliver(db=database, client=_paced_client(fake_slack), now=NOW, pacer=pacer)

    assert report.sent == 3
    assert [c.params["channel"] for c in fake_slack.accepted()] == ["U0", "U1", "U2"]
    assert slept.count(1) == 2  # waited Retry-After twice, then carried on
    assert pacer.interval > Pacer.START  # and slowed down


def test_the_pacer_learns_the_rate_slack_allows(database, fake_slack):
    for n in range(60):
        _queue(database, key=f"k{n}", channel=f"U{n}")
    fake_slack.limit_rate("chat.postMessage", interval=0.05)

    report = deliver(db=database, client=_paced_client(fake_slack), now=NOW)

    assert report.sent == 60
    assert len(fake_slack.accepted()) == 60
    assert fake_slack.limited <= 12  # a few 429s while it learns (under load, a few more)


def test_a_slack_timeout_is_retried_later(database, fake_slack):
    _queue(database)
    fake_slack.delays["chat.postMessage"] = 1.5
    client = _paced_client(fake_slack)
    client.timeout = 1
    client.retry_handlers = []

    report = deliver(db=database, client=client, now=NOW)

    assert report.retrying == 1
    assert "timed out" in _row(database).last_error
