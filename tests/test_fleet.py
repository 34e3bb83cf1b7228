"""Several `staffroom serve` instances against one PostgreSQL, as a trust runs them behind
a load balancer: migrations under a lock, instances that only answer requests, and a
fan-out of 1,000 DMs shared by two schedulers, one of them killed half way."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import httpx2 as httpx
import pytest
from sqlalchemy import insert, text

from bot.outbox.queue import Delivery, enqueue
from storage.db import Database
from storage.models import Role, Staff
from tests.conftest import TEST_DATABASE_URL
from tests.outbox_support import quick_lookups
from tests.slack_requests import SIGNING_SECRET, command_payload, signed_headers

FAN_OUT = 1000
on_postgresql = pytest.mark.parametrize("database", ["postgresql"], indirect=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _until(check: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _env(database_url: str, fake_slack) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "STAFFROOM_"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        DATABASE_URL=database_url,
    )
    return env


class Instance:
    """One `staffroom serve` process on a port of its own."""

    def __init__(self, env: dict[str, str], log: Path, *flags: str) -> None:
        self.port = _free_port()
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", *flags],
            env={**env, "PORT": str(self.port)},
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def healthy(self) -> bool:
        assert self.process.poll() is None, self.log.read_text()
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def command(self, command: str, text: str, *, user_id: str, response_url: str) -> int:
        body = urlencode(
            command_payload(
                command, text, user_id=user_id, channel_id="C1", response_url=response_url
            )
        )
        response = httpx.post(
            f"{self.url}/slack/events", content=body, headers=signed_headers(body), timeout=5
        )
        return response.status_code

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture
def instances(tmp_path) -> Iterator[list[Instance]]:
    started: list[Instance] = []
    yield started
    for instance in started:
        instance.stop()


@on_postgresql
def test_two_instances_with_their_schedulers_deliver_a_fan_out_once_though_one_is_killed(
    database, fake_slack, instances, tmp_path
):
    # A trust-wide announcement of 1,000 DMs is owed, and Slack allows 100 posts a second.
    with database.session() as session:
        session.execute(insert(Staff), [_person(n) for n in range(FAN_OUT + 3)])
    people = {"UALICE": FAN_OUT, "UBOB": FAN_OUT + 1, "UAMIR": FAN_OUT + 2}
    for user_id in people:
        fake_slack.add_user(user_id, f"{user_id.lower()}@school.example")
    _name(database, people)
    with database.session() as session:
        enqueue(
            session=session,
            now=datetime.now(UTC),
            deliveries=[
                Delivery(
                    f"announcement:{n}", f"U{n:05d}", "notice", {"text": "Hi", "warning": False}
                )
                for n in range(FAN_OUT)
            ],
        )
    quick_lookups(database)
    fake_slack.limit_rate("chat.postMessage", interval=0.01)
    env = _env(database.url, fake_slack)

    first = Instance(env, tmp_path / "first.log")
    second = Instance(env, tmp_path / "second.log")
    instances.extend([first, second])
    _until(lambda: first.healthy() and second.healthy(), 60, "both instances to answer")
    # Commendations, requests alternated between the instances, while both fan out.
    for n, instance in enumerate([first, second] * 3):
        status = instance.command(
            "/commend",
            f"<@UBOB|bob> thanks for the cover, part {n}",
            user_id="UALICE",
            response_url=fake_slack.response_url(),
        )
        assert status == 200
    _until(lambda: len(_commendation_dms(fake_slack)) == 6 * 3, 30, "the commendations' DMs")
    announced = lambda: len(_announcements(fake_slack))  # noqa: E731
    _until(lambda: announced() >= 300, 60, "300 announcements")
    assert announced() < 800, "the fan-out ended too soon to kill it half way"
    senders = _sent_by(database)
    assert senders[first.process.pid] and senders[second.process.pid], senders  # both fanned out

    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)
    killed_at = announced()
    assert (
        second.command(
            "/commend",
            "<@UBOB|bob> and after",
            user_id="UALICE",
            response_url=fake_slack.response_url(),
        )
        == 200
    )
    _until(lambda: announced() == FAN_OUT, 120, "the survivor to finish the fan-out")
    _until(lambda: len(_commendation_dms(fake_slack)) == 7 * 3, 30, "the last commendation")
    time.sleep(1)  # anything sent twice would arrive now

    per_person = Counter(m["channel"] for m in _announcements(fake_slack))
    assert len(per_person) == FAN_OUT and set(per_person.values()) == {1}
    commendations = Counter((m["channel"], m["text"]) for m in _commendation_dms(fake_slack))
    assert set(commendations.values()) == {1} and len(commendations) == 21
    _until(lambda: _statuses(database) == {"sent": FAN_OUT + 21}, 30, "every row sent")
    assert 300 <= killed_at < FAN_OUT


def _person(n: int) -> dict[str, object]:
    now = datetime(2026, 9, 1, tzinfo=UTC)
    return {
        "email": f"staff{n}@school.example",
        "name": f"Staff {n}",
        "school": "Saltash Primary",
        "role": Role.TEACHER,
        "grade": "M3",
        "slack_user_id": f"U{n:05d}",
        "active": True,
        "mute_nudges": True,  # today's optional reminders would only slow the fan-out
        "created_at": now,
        "updated_at": now,
    }


def _name(database: Database, people: dict[str, int]) -> None:
    """Alice, Bob and Amir (Bob's appraiser), by their Slack ids."""
    with database.session() as session:
        for user_id, index in people.items():
            session.execute(
                text("UPDATE staff SET slack_user_id = :user WHERE email = :email"),
                {"user": user_id, "email": f"staff{index}@school.example"},
            )
        session.execute(
            text(
                "UPDATE staff SET appraiser_id ="
                " (SELECT id FROM staff WHERE slack_user_id = 'UAMIR')"
                " WHERE slack_user_id = 'UBOB'"
            )
        )


def _delivered(fake_slack) -> list[dict[str, object]]:
    return [
        {**message, "channel": conversation.removeprefix("D")}
        for conversation, messages in list(fake_slack.history.items())
        for message in list(messages)
    ]


def _announcements(fake_slack) -> list[dict[str, object]]:
    return [m for m in _delivered(fake_slack) if m["text"] == "Hi"]


def _commendation_dms(fake_slack) -> list[dict[str, object]]:
    """Not the reminders the schedulers send on the real clock in working hours."""
    return [m for m in _delivered(fake_slack) if _key(m).startswith("commend:")]


def _key(message: dict[str, object]) -> str:
    metadata = message.get("metadata") or {}
    assert isinstance(metadata, dict)
    return str((metadata.get("event_payload") or {}).get("key", ""))


def _sent_by(database: Database) -> Counter[int]:
    """How many messages each process sent (a claim names its host, process and run)."""
    with database.session() as session:
        claimants = session.execute(
            text("SELECT claimed_by FROM outbox WHERE status = 'sent'")
        ).scalars()
        return Counter(int(c.split(":")[1]) for c in claimants if c)


def _statuses(database: Database) -> dict[str, int]:
    """The announcement's and commendations' rows by status (not the reminders the
    schedulers queue for today's date, which wait for working hours)."""
    with database.session() as session:
        rows = session.execute(
            text("SELECT status, count(*) FROM outbox WHERE key NOT LIKE 'nudge:%' GROUP BY status")
        ).all()
    return {str(status): int(count) for status, count in rows}


# --- serving, with and without the scheduler and migrations ------------------------------------


@on_postgresql
def test_an_instance_without_a_scheduler_answers_but_never_delivers_on_its_own(
    database, fake_slack, instances, tmp_path
):
    with database.session() as session:
        enqueue(
            session=session,
            now=datetime.now(UTC),
            deliveries=[Delivery("k1", "UBOB", "notice", {"text": "Hi", "warning": False})],
        )
    env = _env(database.url, fake_slack)
    quiet = Instance(env, tmp_path / "quiet.log", "--no-scheduler", "--no-migrate")
    instances.append(quiet)
    _until(quiet.healthy, 60, "the instance to answer")
    time.sleep(2)
    assert fake_slack.delivered() == []  # owed, but left to instances with a scheduler

    ticking = Instance(env, tmp_path / "ticking.log")
    instances.append(ticking)
    _until(lambda: fake_slack.delivered("UBOB"), 60, "the scheduler's first tick")
    assert [m["text"] for m in fake_slack.delivered("UBOB")] == ["Hi"]


def test_serve_without_migrating_refuses_a_database_that_needs_upgrading(tmp_path, fake_slack):
    env = {**_env(f"sqlite:///{tmp_path / 'new.db'}", fake_slack), "PORT": str(_free_port())}

    refused = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve", "--no-migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert refused.returncode == 2
    assert refused.stderr.strip().endswith("needs upgrading: run `staffroom migrate` first")
    migrated = subprocess.run(
        [sys.executable, "-m", "bot.cli", "migrate"], env=env, capture_output=True, text=True
    )
    assert migrated.returncode == 0, migrated.stderr
    assert Database(env["DATABASE_URL"]).schema_is_current()


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs TEST_DATABASE_URL (set by .ci/run)")
def test_instances_starting_together_migrate_one_at_a_time(fake_slack):
    schema = f"staffroom_migrate_{os.getpid()}"
    admin = Database(TEST_DATABASE_URL)
    with admin.engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in TEST_DATABASE_URL else "?"
    url = f"{TEST_DATABASE_URL}{separator}options=-csearch_path%3D{schema}"
    try:
        env = _env(url, fake_slack)
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "migrate"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(3)
        ]
        outcomes = [(run.wait(timeout=120), run.communicate()) for run in runs]
        assert [code for code, _ in outcomes] == [0, 0, 0], outcomes
        assert Database(url).schema_is_current()
    finally:
        with admin.engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
