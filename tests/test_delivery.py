"""The outbox: each message is queued once and reaches Slack once, whatever happens on
the way. Slack's 429s are waited out; answers lost after Slack stored the message
(timeouts, resets, cut-short answers, 5xx) are looked for in the conversation before
posting again; claims are fenced; nothing is given up before a day of retries."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import OperationalError

from bot.outbox.queue import Delivery, enqueue
from bot.outbox.recheck import Send
from bot.outbox.sender import Policy, deliver
from bot.runtime.config import Settings
from bot.runtime.slack_client import make_client
from storage.db import Database
from storage.models import OutboxStatus
from storage.outbox import count_by_status, message_by_key
from storage.outbox_claims import Claim, claim, mark_retry, mark_sent, take_over
from storage.ratelimit import current
from tests.outbox_support import quick_lookups

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _quick_lookups(database):
    quick_lookups(database)


def _posting_client(fake_slack, timeout: float = 10):
    client = make_client(
        Settings(slack_bot_token="xoxb-test", slack_api_url=fake_slack.api_url), paced=True
    )
    client.timeout = timeout
    return client


def _interactive_client(fake_slack):
    """The client the app's requests use: it retries dropped connections on its own."""
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


def _seconds(wait: timedelta) -> int:
    return round(wait.total_seconds())


def _row(db, key="k1"):
    with db.session() as session:
        return message_by_key(session=session, key=key)


def _statuses(db):
    with db.session() as session:
        return count_by_status(session=session)


def _texts(fake_slack, channel="UBOB"):
    """What the person sees in Slack."""
    return [m["text"] for m in fake_slack.delivered(channel)]


def test_queueing_a_key_twice_keeps_one_message(database):
    first = _queue(database)
    second = _queue(database, text="a different text")
    assert first == second
    assert _row(database).payload["text"] == "Hello"
    assert _statuses(database) == {"pending": 1}


def test_deliver_sends_once_with_the_key_in_metadata(database, fake_slack):
    _queue(database)
    client = _posting_client(fake_slack)

    first = deliver(db=database, client=client, now=NOW)
    again = deliver(db=database, client=client, now=NOW + timedelta(hours=1))

    assert (first.sent, again.sent) == (1, 0)
    assert (first.sent_keys, again.sent_keys) == (["k1"], [])
    (call,) = fake_slack.calls_to("chat.postMessage")
    assert call.params["channel"] == "UBOB"
    assert call.params["metadata"] == {
        "event_type": "staffroom_outbox",
        "event_payload": {"key": "k1"},
    }
    row = _row(database)
    assert row.status is OutboxStatus.SENT and row.slack_ts
    assert NOW <= row.sent_at < NOW + timedelta(seconds=5)  # the tick's moment, moved on
    assert _texts(fake_slack) == ["Hello"]


def test_concurrent_deliveries_send_each_message_once(database, fake_slack):
    for n in range(20):
        _queue(database, key=f"k{n}", channel=f"U{n}")
    barrier = threading.Barrier(4)

    def run():
        barrier.wait()
        deliver(db=database, client=_posting_client(fake_slack), now=NOW)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    channels = sorted(c.params["channel"] for c in fake_slack.calls_to("chat.postMessage"))
    assert channels == sorted(f"U{n}" for n in range(20))
    assert _statuses(database) == {"sent": 20}


# --- answers lost after Slack stored the message ----------------------------------------------


@pytest.mark.parametrize("fault", ["timeout", "reset", "incomplete"])
def test_an_answer_lost_after_slack_stored_the_message_is_not_posted_again(
    database, fake_slack, fault
):
    _queue(database)
    fake_slack.fault("chat.postMessage", fault, delay=1.5)
    client = _posting_client(fake_slack, timeout=1)

    first = deliver(db=database, client=client, now=NOW)

    assert (first.sent, first.retrying) == (0, 1)
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # the client did not retry itself
    row = _row(database)
    assert row.status is OutboxStatus.PENDING and row.maybe_sent_at is not None
    assert 30 <= _seconds(row.next_attempt_at - NOW) <= 32  # after the answer was given up on

    second = deliver(db=database, client=client, now=NOW + timedelta(minutes=1))

    assert (second.recovered, second.sent, second.retrying) == (1, 0, 0)
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # found in the DM, not re-posted
    (history,) = fake_slack.calls_to("conversations.history")
    assert history.params["channel"] == "DUBOB"
    assert float(history.params["oldest"]) < row.maybe_sent_at.timestamp()
    assert _texts(fake_slack) == ["Hello"]
    row = _row(database)
    assert row.status is OutboxStatus.SENT
    assert row.slack_ts == fake_slack.delivered("UBOB")[0]["ts"]


def test_a_reset_before_slack_stored_it_is_posted_again_after_looking(database, fake_slack):
    _queue(database)
    fake_slack.fault("chat.postMessage", "reset_before")
    client = _posting_client(fake_slack)

    assert deliver(db=database, client=client, now=NOW).retrying == 1
    assert fake_slack.delivered("UBOB") == []
    report = deliver(db=database, client=client, now=NOW + timedelta(minutes=1))

    assert report.sent == 1
    assert len(fake_slack.calls_to("conversations.history")) == 1  # looked first
    assert _texts(fake_slack) == ["Hello"]


def test_the_apps_own_retrying_client_never_retries_a_post(database, fake_slack):
    """Requests hand their client (which retries dropped connections) to the outbox."""
    _queue(database)
    fake_slack.fault("chat.postMessage", "reset")

    report = deliver(db=database, client=_interactive_client(fake_slack), now=NOW)

    assert report.retrying == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    deliver(db=database, client=_interactive_client(fake_slack), now=NOW + timedelta(minutes=1))
    assert _texts(fake_slack) == ["Hello"]


def test_an_interrupted_channel_post_is_looked_for_in_the_channel(database, fake_slack):
    fake_slack.add_channel("C0CELEB", "celebrations")
    _queue(database, channel="#celebrations", text="Well done, Bob")
    fake_slack.fault("chat.postMessage", "timeout", delay=1.5)
    client = _posting_client(fake_slack, timeout=1)

    deliver(db=database, client=client, now=NOW)
    report = deliver(db=database, client=client, now=NOW + timedelta(minutes=1))

    assert report.recovered == 1
    assert fake_slack.calls_to("conversations.history")[0].params["channel"] == "C0CELEB"
    assert _texts(fake_slack, "C0CELEB") == ["Well done, Bob"]


def test_a_failed_history_check_keeps_the_message_owed_and_maybe_sent(database, fake_slack):
    _queue(database)
    fake_slack.fault("chat.postMessage", "timeout", delay=1.5)
    client = _posting_client(fake_slack, timeout=1)
    deliver(db=database, client=client, now=NOW)
    fake_slack.script("conversations.history", error="missing_scope")

    report = deliver(db=database, client=client, now=NOW + timedelta(minutes=1))

    assert report.retrying == 1 and report.sent == 0
    row = _row(database)
    assert row.maybe_sent_at is not None and row.last_error == "missing_scope"
    deliver(db=database, client=client, now=NOW + timedelta(minutes=5))
    assert _texts(fake_slack) == ["Hello"]
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_server_errors_that_stored_the_message_are_not_posted_twice(database, fake_slack):
    _queue(database)
    fake_slack.outage("chat.postMessage", status=503, stored=True)
    client = _posting_client(fake_slack)
    assert deliver(db=database, client=client, now=NOW).retrying == 1
    assert _row(database).last_error == "HTTP 503 service_unavailable"
    fake_slack.end_outage("chat.postMessage")

    deliver(db=database, client=client, now=NOW + timedelta(minutes=1))

    assert _texts(fake_slack) == ["Hello"]
    assert _row(database).status is OutboxStatus.SENT


def test_a_database_error_after_slack_took_the_message_ends_in_a_retry_that_finds_it(
    database, fake_slack
):
    _queue(database)
    flaky = _FailsOnceAfterAPost(database, fake_slack)
    client = _posting_client(fake_slack)

    first = deliver(db=flaky, client=client, now=NOW)

    assert (first.sent, first.retrying) == (0, 1)
    row = _row(database)
    assert row.status is OutboxStatus.PENDING
    assert row.last_error == "database: database is locked"
    second = deliver(db=database, client=client, now=NOW + timedelta(minutes=1))
    assert (second.recovered, second.sent) == (1, 0)
    assert _texts(fake_slack) == ["Hello"]


class _FailsOnceAfterAPost(Database):
    """The same database, but the first transaction begun after Slack took a post fails,
    as SQLite does when another writer holds the lock past the busy timeout."""

    def __init__(self, db: Database, fake_slack) -> None:
        self.url, self.engine, self._reader = db.url, db.engine, db._reader
        self._fake = fake_slack
        self._failed = False

    def session(self):
        if not self._failed and self._fake.accepted():
            self._failed = True
            raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))
        return super().session()


def test_an_exception_in_the_recheck_ends_in_a_retry_with_its_reason(database, fake_slack):
    _queue(database)

    def broken(message, now):
        raise RuntimeError("the framework file changed under us")

    report = deliver(db=database, client=_posting_client(fake_slack), now=NOW, recheck=broken)

    assert report.retrying == 1
    assert _row(database).last_error == "RuntimeError: the framework file changed under us"
    report = deliver(
        db=database,
        client=_posting_client(fake_slack),
        now=NOW + timedelta(minutes=1),
        recheck=lambda message, now: Send(),
    )
    assert report.sent == 1


# --- giving up, in days -------------------------------------------------------------------------


def test_retries_go_on_for_a_day_with_capped_back_off_then_fail_once_logged(
    database, fake_slack, caplog
):
    _queue(database)
    fake_slack.outage("chat.postMessage", status=500, error="internal_error")
    client = _posting_client(fake_slack)
    moment, waits = NOW, []
    caplog.set_level(logging.INFO, logger="bot.outbox.sender")
    while (report := deliver(db=database, client=client, now=moment)).failed == 0:
        assert report.retrying == 1
        row = _row(database)
        waits.append(_seconds(row.next_attempt_at - moment))
        moment = row.next_attempt_at

    assert waits[:6] == [30, 60, 120, 240, 480, 600]
    assert set(waits[5:]) == {600}
    assert moment - NOW >= timedelta(hours=24)
    row = _row(database)
    assert row.status is OutboxStatus.FAILED
    assert (
        row.last_error
        == f"HTTP 500 internal_error (gave up after 24 h and {row.attempts} attempts)"
    )
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in failures] == [f"outbox k1 failed: {row.last_error}"]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "retrying until 2026-11-24T10:00:00" in warnings[0].getMessage()


def test_errors_no_retry_can_fix_fail_at_once(database, fake_slack):
    _queue(database, channel="#celebrations")
    fake_slack.script("chat.postMessage", error="not_in_channel")

    report = deliver(db=database, client=_posting_client(fake_slack), now=NOW)

    assert report.failed == 1 and report.errors == ["k1: not_in_channel"]
    assert _row(database).status is OutboxStatus.FAILED


def test_slack_unreachable_is_retried_later_without_looking_first(database, fake_slack):
    _queue(database)
    dead = make_client(
        Settings(slack_bot_token="xoxb-test", slack_api_url="http://127.0.0.1:9/api/"),
        paced=True,
    )

    report = deliver(db=database, client=dead, now=NOW)

    assert report.retrying == 1
    row = _row(database)
    assert row.last_error.startswith("connection:") and row.maybe_sent_at is None
    deliver(db=database, client=_posting_client(fake_slack), now=NOW + timedelta(minutes=1))
    assert fake_slack.calls_to("conversations.history") == []  # it never reached Slack
    assert _texts(fake_slack) == ["Hello"]


# --- claims: fenced, and dying with their owner ------------------------------------------------


def test_a_sender_that_lost_its_claim_cannot_overwrite_the_outcome(database):
    (row_id,) = _queue(database)
    wall = datetime.now(UTC)
    with database.session() as session:
        claim(
            session=session,
            message_id=row_id,
            claimant="A",
            now=NOW,
            claimed_at=wall,
            lease_until=wall,
        )
    with database.session() as session:
        taken = take_over(
            session=session,
            claim=Claim(row_id, "A", wall, wall),
            claimant="B",
            claimed_at=wall,
            lease_until=wall + timedelta(minutes=5),
        )
        assert taken is not None and taken.maybe_sent_at == wall
        assert mark_sent(session=session, message_id=row_id, claimant="B", ts="1.5", now=NOW)
    with database.session() as session:
        assert not mark_retry(
            session=session, message_id=row_id, claimant="A", error="late", at=NOW
        )
        assert (
            take_over(
                session=session,
                claim=Claim(row_id, "A", wall, wall),
                claimant="C",
                claimed_at=wall,
                lease_until=wall,
            )
            is None
        )
    row = _row(database)
    assert (row.status, row.slack_ts, row.claimed_by) == (OutboxStatus.SENT, "1.5", "B")


def test_a_claim_whose_sender_is_gone_is_finished_without_sending_twice(database, fake_slack):
    """SQLite: the lease ran out. PostgreSQL: the lock went with the sender's connection."""
    delivered, lost = (
        _queue(database, key="k-delivered"),
        _queue(database, key="k-lost", channel="UCAROL"),
    )
    wall = datetime.now(UTC) - timedelta(minutes=10)
    dead = _DeadSender(database)
    with database.session() as session:
        for (row_id,) in (delivered, lost):
            dead.hold(row_id)
            claim(
                session=session,
                message_id=row_id,
                claimant="elsewhere:1:dead",
                now=NOW,
                claimed_at=wall,
                lease_until=wall + timedelta(minutes=5),
            )
    # Slack accepted the first before its sender died; the second never reached Slack.
    client = _posting_client(fake_slack)
    client.chat_postMessage(
        channel="UBOB",
        text="Hello",
        metadata={"event_type": "staffroom_outbox", "event_payload": {"key": "k-delivered"}},
    )
    if database.url.startswith("postgresql"):
        assert deliver(db=database, client=client, now=NOW).sent == 0  # its lock is still held
        dead.dies()

    report = deliver(db=database, client=client, now=NOW)

    assert (report.recovered, report.sent) == (1, 1)
    assert _texts(fake_slack, "UBOB") == ["Hello"] and _texts(fake_slack, "UCAROL") == ["Hello"]
    assert _row(database, "k-delivered").slack_ts == fake_slack.delivered("UBOB")[0]["ts"]
    assert _statuses(database) == {"sent": 2}


class _DeadSender:
    """Another sender's claim locks, on a connection of its own (PostgreSQL only)."""

    def __init__(self, db: Database) -> None:
        from storage.claims import claim_locks

        self.db = db
        self.locks = claim_locks(db.engine)

    def hold(self, row_id: int) -> None:
        assert self.locks.acquire(row_id)

    def dies(self) -> None:
        from sqlalchemy import text

        space = self.locks.space
        self.locks._connection.invalidate()  # as when its process is killed
        self.locks._connection.close()
        held = text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = (:c)::oid"
        )
        with self.db.engine.connect() as connection:  # the server notices the socket close
            _wait_for(lambda: connection.execute(held, {"c": space}).scalar() == 0)


def test_a_429_wait_longer_than_the_lease_keeps_the_claim_while_another_sender_runs(
    database, fake_slack
):
    _queue(database, key="k1", channel="U1")
    _queue(database, key="k2", channel="U2")
    fake_slack.rate_limit("chat.postMessage", retry_after=2)  # the first post waits 2 s
    policy = Policy(lease=timedelta(seconds=1))
    reports = {}

    def first():
        reports["first"] = deliver(
            db=database, client=_posting_client(fake_slack), now=NOW, only=[1], policy=policy
        )

    sender = threading.Thread(target=first)
    sender.start()
    _wait_for(lambda: fake_slack.limited or fake_slack.calls_to("chat.postMessage"))
    time.sleep(1.2)  # the first sender is waiting out Retry-After, beyond its original lease
    assert sender.is_alive()
    waiting = _row(database)
    assert waiting.status is OutboxStatus.SENDING
    if database.url.startswith("sqlite"):  # renewed before the wait, past its end
        assert waiting.lease_until > waiting.claimed_at + timedelta(seconds=2)
    reports["second"] = deliver(
        db=database, client=_posting_client(fake_slack), now=NOW, policy=policy
    )
    sender.join()

    posts = Counter(c.params["channel"] for c in fake_slack.accepted())
    assert posts == {"U1": 1, "U2": 1}
    assert reports["first"].sent == 1 and reports["second"].sent == 1
    assert _statuses(database) == {"sent": 2}


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_a_sender_whose_lock_went_with_its_connection_does_not_post(database, fake_slack):
    """The database drops the sender's connection while it waits for its moment (a restart,
    a network cut): the lock is gone, so it must not post; another run takes over."""
    from sqlalchemy import text

    from storage.claims import LOCK_SPACE

    _queue(database, key="k1", channel="U1")
    fake_slack.rate_limit("chat.postMessage", retry_after=2)
    reports = {}
    sender = threading.Thread(
        target=lambda: reports.setdefault(
            "cut", deliver(db=database, client=_posting_client(fake_slack), now=NOW)
        )
    )
    sender.start()
    _wait_for(lambda: fake_slack.limited or fake_slack.calls_to("chat.postMessage"))
    with database.engine.begin() as connection:  # this schema's outbox locks only
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks"
                " WHERE locktype = 'advisory' AND classid = (:c)::oid"
            ),
            {"c": connection.execute(text(LOCK_SPACE)).scalar_one()},
        )
    sender.join()

    assert reports["cut"].sent == 0
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # only the refused one
    assert _row(database).status is OutboxStatus.SENDING  # still its, until someone looks
    report = deliver(db=database, client=_posting_client(fake_slack), now=NOW)
    assert report.sent == 1
    assert len(fake_slack.calls_to("conversations.history")) == 1  # looked before posting
    assert _texts(fake_slack, "U1") == ["Hello"]


def _wait_for(check, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


# --- Slack's rate limit ---------------------------------------------------------------------------


def test_a_429_is_waited_out_within_the_run(database, fake_slack):
    for n in range(3):
        _queue(database, key=f"k{n}", channel=f"U{n}")
    fake_slack.rate_limit("chat.postMessage", retry_after=1, times=2)

    report = deliver(db=database, client=_posting_client(fake_slack), now=NOW)

    assert report.sent == 3
    assert [c.params["channel"] for c in fake_slack.accepted()] == ["U0", "U1", "U2"]
    with database.session() as session:
        learned = current(session=session, method="chat.postMessage")
    assert learned.floor > 0 and learned.interval > learned.floor  # and it slowed down


def test_a_429_beyond_what_a_run_waits_is_left_for_a_later_tick(database, fake_slack):
    _queue(database)
    fake_slack.rate_limit("chat.postMessage", retry_after=30)
    client = _posting_client(fake_slack)
    policy = Policy(max_wait=5)

    report = deliver(db=database, client=client, now=NOW, policy=policy)

    assert (report.sent, report.deferred) == (0, 1)
    row = _row(database)
    assert row.status is OutboxStatus.PENDING and row.attempts == 0
    assert NOW + timedelta(seconds=25) < row.next_attempt_at <= NOW + timedelta(seconds=31)
    assert "rate limit" in row.last_error
    # Every sender now waits for Slack: another run claims nothing.
    _queue(database, key="k2", channel="U2")
    assert (
        deliver(db=database, client=client, now=NOW + timedelta(minutes=5), policy=policy).sent == 0
    )
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_the_learned_limit_is_kept_for_the_next_run(database, fake_slack):
    for n in range(120):
        _queue(database, key=f"k{n}", channel=f"U{n}")
    fake_slack.limit_rate("chat.postMessage", interval=0.02)
    client = _posting_client(fake_slack)

    first = deliver(db=database, client=client, now=NOW, only=list(range(1, 61)))
    limited_while_learning = fake_slack.limited
    second = deliver(db=database, client=client, now=NOW)

    assert (first.sent, second.sent) == (60, 60)
    assert len(fake_slack.accepted()) == 120
    assert limited_while_learning >= 1
    assert fake_slack.limited - limited_while_learning <= 2  # it did not learn again
    with database.session() as session:
        learned = current(session=session, method="chat.postMessage")
    assert 0.02 <= learned.interval <= 0.04


def test_the_pacer_moves_between_what_slack_refused_and_what_held():
    from bot.outbox.pacing import Limit, held, refused

    limit = Limit(0.02)
    limit = refused(limit, 0.02)  # nothing known to work yet: slow right down
    assert (limit.interval, limit.floor) == (0.04, 0.02)
    limit = held(limit, 0.04)  # a streak at 0.04 went through: try between
    assert limit.ceiling == 0.04 and 0.02 < limit.interval < 0.04
    limit = refused(limit, limit.interval)
    assert 0.029 < limit.floor < limit.interval < 0.04
    for _ in range(10):
        limit = held(limit, limit.interval)
    assert limit.interval <= limit.floor * 1.06  # settled within a few per cent of the limit
    assert refused(limit, 0.001).interval == limit.interval  # an old refusal changes nothing
