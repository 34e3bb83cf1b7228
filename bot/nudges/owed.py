"""A reminder a feature owes someone, before it becomes an outbox delivery."""

from __future__ import annotations

from dataclasses import dataclass

from storage.staff import RosterEntry


@dataclass(frozen=True)
class Owed:
    person: RosterEntry
    key: str  # the natural key: queued once however many ticks ask
    template: str
    context: dict[str, object]
    optional: bool = False  # a person may mute optional ones; deadlines owed are never optional
