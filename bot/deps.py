"""What handlers and jobs are given: settings, the trust's framework, the database, a clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.config import Settings
from bot.framework import Framework
from storage.db import Database


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Deps:
    settings: Settings
    framework: Framework
    db: Database
    clock: Callable[[], datetime] = field(default=utc_now)
