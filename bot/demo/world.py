"""One demo: the real app as `staffroom serve` builds it, the local Slack stand-in,
the sample trust, and a clock that moves when told.

`Demo.start()` binds the page's port (one line if it is taken), opens the
database (a temporary SQLite file unless a path is given), seeds the sample
trust into an empty one, starts the stand-in's Web API and serves the app and
the page on 127.0.0.1 with uvicorn. People act through `demo.client`; `settle()`
waits for everything the app does after acknowledging.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import uvicorn
from pydantic import SecretStr
from sqlmodel import select
from starlette.applications import Starlette

from bot.core.calendar import SchoolCalendar
from bot.core.errors import StaffroomError
from bot.core.framework import Framework, load_framework
from bot.demo import trust
from bot.demo.sample import Person, sample
from bot.localslack.client import SlackClient
from bot.localslack.signer import HttpTransport, SlackSender, TrackingExecutor
from bot.localslack.webapi import FakeSlack
from bot.localslack.workspace import Workspace, dm_channel
from bot.runtime.config import Settings
from bot.runtime.deps import Deps
from bot.runtime.tick import TickReport, tick
from storage.db import Database
from storage.models import Staff

log = logging.getLogger(__name__)
DEMO_SECRET = "demo-signing-secret"  # only this process's stand-in signs with it
APP_NAME = "staffroom"


class PortInUse(StaffroomError):
    pass


class DemoClock:
    """The demo's now. It starts at the sample trust's moment and moves when told;
    with `running`, it also goes on with real time between moves (the page)."""

    def __init__(
        self,
        start: datetime,
        *,
        running: bool,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._base = start
        self._running = running
        self._monotonic = monotonic
        self._since = monotonic()
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            if not self._running:
                return self._base
            from datetime import timedelta

            return self._base + timedelta(seconds=self._monotonic() - self._since)

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._base = moment
            self._since = self._monotonic()

    def timestamp(self) -> float:
        return self().timestamp()


class Demo:
    def __init__(
        self,
        *,
        port: int = 8080,
        database: Path | None = None,
        running_clock: bool = True,
        framework: Framework | None = None,
        page: bool = True,
    ) -> None:
        self.port = port
        self.database_path = database
        self.framework = framework or load_framework()
        self.calendar = SchoolCalendar(self.framework)
        start = trust.START.replace(tzinfo=self.framework.zone)
        self.clock = DemoClock(start, running=running_clock)
        self.page = page
        self.workspace = Workspace(clock=self.clock.timestamp)
        self.slack = FakeSlack(self.workspace)
        self.slack.keep_calls = False  # a long demo need not remember every call
        self.listeners = TrackingExecutor(max_workers=16, thread_name_prefix="listener")
        self.work = TrackingExecutor(max_workers=8, thread_name_prefix="work")
        self.deliveries = TrackingExecutor(max_workers=4, thread_name_prefix="delivery")
        self._tmp: Path | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._scheduler: Any = None
        self.db: Database | None = None
        self.deps: Deps | None = None
        self.client: SlackClient | None = None
        self.history: trust.History | None = None

    # --- start and stop -----------------------------------------------------
    def start(self) -> Demo:
        sock = _bind(self.port)
        try:
            self._start(sock)
        except BaseException:
            sock.close()
            self.stop()
            raise
        return self

    def _start(self, sock: socket.socket) -> None:
        from bot.runtime.app import create_app
        from bot.runtime.server import create_asgi_app
        from bot.runtime.slack_client import make_client

        self.port = sock.getsockname()[1]
        if self.database_path is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="staffroom-demo-"))
            path = self._tmp / "staffroom.db"
        else:
            path = self.database_path
        self.db = Database(f"sqlite:///{path}")
        self.db.migrate()
        self.slack.start()
        settings = Settings(
            slack_bot_token=SecretStr("xoxb-local-demo"),
            slack_signing_secret=SecretStr(DEMO_SECRET),
            slack_app_token=None,
            slack_api_url=self.slack.api_url,
            database_url=self.db.url,
            port=self.port,
            staffroom_framework=None,
        )
        self.deps = Deps(
            settings=settings,
            framework=self.framework,
            db=self.db,
            clock=self.clock,
            work_pool=self.work,
            delivery_pool=self.deliveries,
        )
        self._people_into_slack()
        if self._empty():
            self.history = trust.seed(db=self.db, framework=self.framework, calendar=self.calendar)
        app = create_app(self.deps, listener_executor=self.listeners)
        asgi = create_asgi_app(app, self.db, signing_secret=DEMO_SECRET)
        served: Starlette = asgi
        if self.page:
            from bot.demo.web import create_page

            served = create_page(self, asgi)
        config = uvicorn.Config(served, log_level="warning", lifespan="off", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True, name="demo-http"
        )
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise StaffroomError("the demo's web server did not start")
            time.sleep(0.02)
        sender = SlackSender(
            HttpTransport(self.url),
            "",
            (self.listeners, self.work, self.deliveries),
            secret=DEMO_SECRET,
        )
        from handlers import slash_commands

        self.client = SlackClient(
            self.workspace,
            sender,
            self.slack.base_url + "/response",
            commands=slash_commands(),
        )
        self.bulk_client = make_client(settings, paced=True)
        self.run_scheduler()

    def start_scheduler(self) -> None:
        """The scheduler `serve` runs, ticking by the demo's clock (for the page)."""
        from bot.runtime.scheduler import start_scheduler

        assert self.deps is not None
        self._scheduler = start_scheduler(self.deps, self.bulk_client)

    def stop(self) -> None:
        if self._scheduler is not None:
            with contextlib.suppress(Exception):
                self._scheduler.shutdown(wait=False)
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        for pool in (self.listeners, self.work, self.deliveries):
            pool.shutdown(wait=True, cancel_futures=True)
        with contextlib.suppress(Exception):
            self.slack.stop()
        if self.db is not None:
            self.db.dispose()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- the world ----------------------------------------------------------
    def _empty(self) -> bool:
        assert self.db is not None
        with self.db.read_session() as session:
            return session.exec(select(Staff).limit(1)).first() is None

    def _people_into_slack(self) -> None:
        ws = self.workspace
        ws.add_user("UBOT", None, name=APP_NAME, real_name=APP_NAME, is_bot=True)
        sample_trust = sample()
        for person in sample_trust.people:
            ws.add_user(
                person.slack_user_id,
                person.email,
                name=person.key,
                real_name=person.name,
                title=f"{person.job}, {person.school}",
            )
        everyone = [p.slack_user_id for p in sample_trust.people]
        for channel in sample_trust.channels:
            keys = channel.members
            ids = everyone if keys is None else [sample_trust.person(k).slack_user_id for k in keys]
            ws.add_channel(channel.id, channel.name, members=ids)

    def person(self, name: str) -> Person | None:
        """A person of the sample trust by first name, key or full name (any case)."""
        wanted = name.strip().lstrip("@").lower()
        for person in sample().people:
            if wanted in (person.key, person.name.lower(), person.first_name.lower()):
                return person
        return None

    def home_channel(self, person: Person) -> str:
        """Where a person types commands in a script: their school's staff channel
        (a trust leader's: the leaders' channel)."""
        if person.leader is not None and person.leader.value == "trust":
            return "C0LEADERS"
        return sample().staff_channel(person.school)

    def name_of(self, some_id: str) -> str:
        """How a user or channel id is shown."""
        user = self.workspace.users.get(some_id)
        if user is not None:
            return str(user.get("real_name") or user.get("name"))
        if some_id.startswith("D"):
            return self.name_of(some_id[1:])
        return self.workspace.channel_name(some_id)

    def dm_of(self, person: Person) -> str:
        return dm_channel(person.slack_user_id)

    def settle(self) -> None:
        """Wait until the app has done everything it started (replies, DMs)."""
        assert self.client is not None
        self.client.sender.drain()

    def move_time(self, moment: datetime) -> TickReport:
        """Set the clock and do what the scheduler would do at that moment."""
        self.clock.set(moment)
        return self.run_scheduler()

    def run_scheduler(self) -> TickReport:
        assert self.deps is not None and self.db is not None
        report = tick(
            db=self.db,
            framework=self.framework,
            calendar=self.calendar,
            client=self.bulk_client,
            now=self.clock(),
        )
        self.settle()
        return report


def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise PortInUse(
                f"port {port} is in use: stop what is using it or choose another with --port"
            ) from None
        raise StaffroomError(f"cannot listen on 127.0.0.1:{port}: {error.strerror}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock
