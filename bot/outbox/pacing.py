"""Pacing bulk delivery to the rate Slack allows a workspace."""

from __future__ import annotations

import time
from collections.abc import Callable


class Pacer:
    """Spaces chat.postMessage calls in a delivery run, learning the workspace's limit.

    Slack's limit for posting depends on the workspace, so the pacer starts quick,
    speeds up a little after each run of successes, and on a 429 waits the
    Retry-After it was given and settles above the spacing that was refused.
    """

    START = 0.02  # seconds between calls at first
    SPEED_UP_AFTER = 10
    SPEED_UP = 0.8
    MARGIN = 1.25

    def __init__(
        self,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = self.START
        self.floor = 0.0
        self._sleep = sleep
        self._clock = clock
        self._last = -float("inf")
        self._streak = 0
        self.waited = 0.0  # seconds spent waiting out 429s

    def wait_turn(self) -> None:
        delay = self._last + self.interval - self._clock()
        if delay > 0:
            self._sleep(delay)
        self._last = self._clock()

    def succeeded(self) -> None:
        self._streak += 1
        if self._streak >= self.SPEED_UP_AFTER:
            self._streak = 0
            self.interval = max(self.interval * self.SPEED_UP, self.floor)

    def limited(self, retry_after: float) -> None:
        self._streak = 0
        self.floor = max(self.floor, self.interval * self.MARGIN)
        self.interval = max(self.interval * 2, self.floor)
        self._sleep(retry_after)
        self.waited += retry_after
        self._last = self._clock()
