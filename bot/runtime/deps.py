"""What handlers and jobs are given: settings, the trust's framework, the database, a clock."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

from bot.core.calendar import SchoolCalendar
from bot.core.framework import Framework
from bot.runtime.config import Settings
from storage.db import Database


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Deps:
    settings: Settings
    framework: Framework
    db: Database
    clock: Callable[[], datetime] = field(default=utc_now)
    # Messages queued by a request are sent here, after the request is answered. A
    # small pool bounds how much of the interpreter sending can take from new
    # requests, which must ack within Slack's 3 s; the outbox keeps what waits.
    delivery_pool: Executor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=4, thread_name_prefix="delivery")
    )
    # What a request does after its ack (stores a form, answers a command) runs here,
    # never on the threads that ack: a writer waiting for the database must not keep
    # the next request from answering Slack within 3 s.
    work_pool: Executor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=8, thread_name_prefix="work")
    )

    @cached_property
    def calendar(self) -> SchoolCalendar:
        return SchoolCalendar(self.framework)
