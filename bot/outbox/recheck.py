"""What a re-check says about a held message at the moment it is to be sent.

The sender asks a `Recheck` (given by the tick: bot.nudges.still_due) before
posting; messages it does not know are sent as queued.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.models import OutboxMessage


@dataclass(frozen=True)
class Send:
    payload: dict[str, Any] | None = None  # as it should go now (None: as queued)


@dataclass(frozen=True)
class Drop:
    reason: str


@dataclass(frozen=True)
class Hold:
    until: datetime
    reason: str


Verdict = Send | Drop | Hold
Recheck = Callable[[OutboxMessage, datetime], Verdict]
