"""Pacing calls to the rate Slack allows the workspace, learned and shared by every process.

Slack's limit for posting depends on the workspace and is not published as a number,
so it is learned: Slack's 429s mark spacings that are too short (the floor), runs of
calls that all went through mark spacings that work (the ceiling), and the spacing
used moves between the two until they are within a few per cent. What is learned
is kept in the database (`storage.ratelimit`), so it survives from tick to tick,
and every process reserves its moments from the same row, so that a fleet keeps
to the limit together.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session

from storage.db import Database
from storage.ratelimit import Slot, locked, reserve

POST = "chat.postMessage"
# The spacing tried first for each method (seconds): chat.postMessage allows bursts and
# several hundred a minute; the others are Tier 3 (50+ a minute), Tier 2 for the list.
FIRST_INTERVAL = {
    POST: 0.02,
    "conversations.open": 1.2,
    "conversations.history": 1.2,
    "conversations.list": 3.0,
}
TOLERANCE = 0.05  # floor and ceiling this close: the limit is known
SLOW_DOWN = 2.0  # after a 429 while nothing is known to work
SPEED_UP = 0.7  # after a streak while nothing has been refused
ABOVE_FLOOR = 1.1  # after a 429 at a spacing that used to work
FORGET = 0.998  # the floor relaxes a little with each streak, so a raised limit is found
SHORTEST = 0.001
STREAK = 50  # calls in a row that went through at one spacing


@dataclass(frozen=True)
class Limit:
    interval: float  # the spacing used now
    floor: float = 0.0  # the longest spacing Slack refused; 0: none yet
    ceiling: float | None = None  # the shortest spacing a whole streak went through at


def refused(limit: Limit, spacing: float) -> Limit:
    """Slack answered 429 to a call made at `spacing`."""
    floor = max(limit.floor, spacing)
    if spacing < limit.interval:  # someone has slowed down past it already
        return Limit(limit.interval, floor, _above(limit.ceiling, floor))
    ceiling = _above(limit.ceiling, floor)
    if ceiling is not None:
        interval = (floor + ceiling) / 2
    elif limit.ceiling is not None:
        interval = floor * ABOVE_FLOOR
    else:
        interval = floor * SLOW_DOWN
    return Limit(interval, floor, ceiling)


def held(limit: Limit, spacing: float) -> Limit:
    """A streak of calls made at `spacing` all went through."""
    if abs(spacing - limit.interval) > limit.interval * 1e-6:
        return limit  # the spacing changed during the streak: it tells nothing new
    ceiling = spacing if limit.ceiling is None else min(limit.ceiling, spacing)
    floor = limit.floor * FORGET
    if floor == 0:
        interval = spacing * SPEED_UP
    elif ceiling > floor * (1 + TOLERANCE):
        interval = (floor + ceiling) / 2
    else:
        interval = ceiling
    return Limit(max(interval, SHORTEST), floor, ceiling)


def _above(ceiling: float | None, floor: float) -> float | None:
    return ceiling if ceiling is not None and ceiling > floor * (1 + TOLERANCE) else None


class Pacer:
    """One delivery run's use of the shared limits: reserve a moment, wait for it, report
    how the call went."""

    def __init__(
        self,
        db: Database,
        *,
        wall: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        streak: int = STREAK,
    ) -> None:
        self._db = db
        self._wall = wall
        self._sleep = sleep
        self._streak_length = streak
        self._streaks: dict[str, tuple[float, int]] = {}
        self._last_call: dict[str, float] = {}
        self.waited = 0.0  # seconds this run spent waiting for its moments

    def wall(self) -> float:
        return self._wall()

    def reserve(self, session: Session, method: str = POST) -> Slot:
        """The caller's moment to call `method` (in the caller's transaction)."""
        return reserve(
            session=session,
            method=method,
            wall=self._wall(),
            first_interval=FIRST_INTERVAL.get(method, 1.0),
            now=_utc(self._wall()),
        )

    def wait(self, slot: Slot, method: str = POST) -> None:
        """Wait for the slot, and never call sooner than the spacing after this run's own
        previous call (a call made late must not squeeze the gap before the next)."""
        target = max(slot.at, self._last_call.get(method, 0.0) + slot.interval)
        delay = target - self._wall()
        if delay > 0:
            self._sleep(delay)
            self.waited += delay
        self._last_call[method] = self._wall()

    def succeeded(self, slot: Slot, method: str = POST) -> None:
        spacing, count = self._streaks.get(method, (slot.interval, 0))
        count = count + 1 if spacing == slot.interval else 1
        if count < self._streak_length:
            self._streaks[method] = (slot.interval, count)
            return
        self._streaks.pop(method, None)
        self._learn(method, lambda limit: held(limit, slot.interval), pause_until=None)

    def refused(self, slot: Slot, retry_after: float, method: str = POST) -> None:
        """Slack answered 429: nobody calls `method` again until Retry-After has passed."""
        self._streaks.pop(method, None)
        self._learn(
            method,
            lambda limit: refused(limit, slot.interval),
            pause_until=self._wall() + retry_after,
        )

    def _learn(
        self, method: str, change: Callable[[Limit], Limit], *, pause_until: float | None
    ) -> None:
        with self._db.session() as session:
            row = locked(
                session=session,
                method=method,
                first_interval=FIRST_INTERVAL.get(method, 1.0),
                now=_utc(self._wall()),
            )
            learned = change(Limit(row.interval, row.floor, row.ceiling))
            row.interval, row.floor, row.ceiling = learned.interval, learned.floor, learned.ceiling
            if pause_until is not None:
                row.next_slot = max(row.next_slot, pause_until)
            row.updated_at = _utc(self._wall())
            session.add(row)


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
