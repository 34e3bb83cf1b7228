"""What happened in a local workspace, in order: the log the demo's page and transcripts
read, with a condition readers wait on, so that they can poll cheaply."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    """One thing that happened in the workspace, for transcripts and the page."""

    seq: int
    kind: str  # message, ephemeral, updated, deleted, modal, modal_closed, home, error
    channel: str | None = None
    user: str | None = None  # whom it concerns (ephemerals, modals, home tabs)
    ts: str | None = None
    view_id: str | None = None
    detail: str = ""


class ChangeLog:
    """The log of a workspace's changes, and the lock that guards the whole workspace."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._changed = threading.Condition(self.lock)
        self.changes: list[Change] = []
        self._seq = itertools.count(1)

    @property
    def version(self) -> int:
        with self.lock:
            return len(self.changes)

    def wait_for_change(self, since: int, timeout: float) -> int:
        """Block until something changes after `since` (or the timeout); the new version."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.changes) > since, timeout=timeout)
            return len(self.changes)

    def changes_since(self, since: int) -> list[Change]:
        with self.lock:
            return self.changes[since:]

    def note(self, kind: str, **fields: Any) -> None:
        with self._changed:
            self.changes.append(Change(next(self._seq), kind, **fields))
            self._changed.notify_all()
