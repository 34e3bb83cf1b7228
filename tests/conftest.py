from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlmodel import SQLModel
from starlette.testclient import TestClient

from bot.core.framework import Framework, load_framework
from bot.localslack.client import SlackClient
from bot.localslack.signer import SIGNING_SECRET, SlackSender, TrackingExecutor
from bot.localslack.webapi import FakeSlack
from bot.runtime.app import create_app
from bot.runtime.config import Settings
from bot.runtime.deps import Deps
from bot.runtime.server import create_asgi_app
from storage.db import Database
from tests.factories import add_staff

LONDON = ZoneInfo("Europe/London")
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


class Clock:
    """The app's notion of now; tests set it to real school-year dates."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="session")
def framework() -> Framework:
    return load_framework()


@pytest.fixture(scope="session")
def _postgres() -> Iterator[Database]:
    if not TEST_DATABASE_URL:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (set by .ci/run)")
    # A schema of this run's own, so runs sharing the database cannot collide.
    schema = f"staffroom_test_{os.getpid()}"
    admin = Database(TEST_DATABASE_URL)
    with admin.engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in TEST_DATABASE_URL else "?"
    db = Database(f"{TEST_DATABASE_URL}{separator}options=-csearch_path%3D{schema}")
    db.migrate()
    yield db
    db.dispose()
    with admin.engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database: a fresh SQLite file, or the CI PostgreSQL emptied."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'staffroom.db'}")
        db.migrate()
        yield db
        db.dispose()
        return
    db = request.getfixturevalue("_postgres")
    tables = ", ".join(t.name for t in SQLModel.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield db


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()
    refused = [(c.method, c.problems) for c in fake.refused_for_block_kit()]
    assert not refused, f"the app sent what Slack would refuse: {refused}"


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 23, 10, 30, tzinfo=LONDON))  # a Monday in term


@pytest.fixture
def settings(fake_slack: FakeSlack, database: Database) -> Settings:
    return Settings(
        slack_bot_token=SecretStr("xoxb-test"),
        slack_signing_secret=SecretStr(SIGNING_SECRET),
        slack_api_url=fake_slack.api_url,
        database_url=database.url,
    )


@pytest.fixture
def pools() -> Iterator[tuple[TrackingExecutor, TrackingExecutor, TrackingExecutor]]:
    """Bolt's listener pool, the pool for work after the ack, and the delivery pool, each
    drainable by tests (in that order: each hands work only to the ones after it)."""
    listeners, work, deliveries = TrackingExecutor(), TrackingExecutor(), TrackingExecutor()
    yield listeners, work, deliveries
    for pool in (listeners, work, deliveries):
        pool.drain()  # work after ack must finish before the database goes
        pool.shutdown()


@pytest.fixture
def deps(
    settings: Settings,
    framework: Framework,
    database: Database,
    clock: Clock,
    pools: tuple[TrackingExecutor, TrackingExecutor, TrackingExecutor],
) -> Deps:
    return Deps(
        settings=settings,
        framework=framework,
        db=database,
        clock=clock,
        work_pool=pools[1],
        delivery_pool=pools[2],
    )


@pytest.fixture
def slack(
    deps: Deps,
    fake_slack: FakeSlack,
    pools: tuple[TrackingExecutor, TrackingExecutor, TrackingExecutor],
) -> Iterator[SlackSender]:
    """Slack's side of the conversation: signed requests to the app's real HTTP endpoint."""
    app = create_app(deps, listener_executor=pools[0])
    asgi = create_asgi_app(app, deps.db, signing_secret=SIGNING_SECRET)
    with TestClient(asgi, base_url="http://staffroom.test") as http:
        yield SlackSender(http, fake_slack.response_url(), pools)


@pytest.fixture
def export(deps: Deps, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """`staffroom export --email E`, run as the IT admin would, parsed."""
    from bot.cli import main

    def run(email: str) -> dict:
        monkeypatch.setenv("DATABASE_URL", deps.db.url)
        assert main(["export", "--email", email]) == 0
        return json.loads(capsys.readouterr().out)

    return run


@dataclass
class Staffroom:
    """The cast of a small school, each known to Slack and on the roster."""

    head: object
    appraiser: object
    alice: object
    bob: object
    carol: object


@pytest.fixture
def school(database: Database, fake_slack: FakeSlack) -> Staffroom:
    head = add_staff(
        database, "Hannah", slack_user_id="UHEAD", role="leader", grade="Head", leader="school"
    )
    appraiser = add_staff(database, "Amir", slack_user_id="UAMIR", grade="TLR2", appraiser=head)
    alice = add_staff(database, "Alice", slack_user_id="UALICE", appraiser=appraiser)
    bob = add_staff(database, "Bob", slack_user_id="UBOB", appraiser=appraiser)
    carol = add_staff(
        database, "Carol", slack_user_id="UCAROL", role="ta", grade="F", appraiser=head
    )
    for person in (head, appraiser, alice, bob, carol):
        fake_slack.add_user(person.slack_user_id, person.email, name=person.name.lower())
    fake_slack.add_user("UROBOT", None, name="quizbot", is_bot=True)
    fake_slack.add_user("UVISITOR", "visitor@elsewhere.example", name="visitor")
    return Staffroom(head, appraiser, alice, bob, carol)


@pytest.fixture
def people(slack: SlackSender, fake_slack: FakeSlack) -> SlackClient:
    """People's Slack clients: type a command, press a button, fill in and submit a form
    (bot.localslack.client), each request signed and sent to the app; call `slack.drain()`
    to wait for what the app does after answering."""
    from handlers import slash_commands

    return SlackClient(
        fake_slack.workspace,
        slack,
        fake_slack.base_url + "/response",
        commands=slash_commands(),
    )
