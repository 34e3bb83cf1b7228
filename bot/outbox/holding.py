"""Holding a claim: one delivery run's hold on the outbox rows it claims.

A run claims rows under a token of its own. On PostgreSQL it also holds an advisory
lock on each row, on a connection of its own, which the database releases if the
process dies (storage.claims); on SQLite the claim is a lease by the wall clock,
renewed before any wait that could outlast it. Every change to a claimed row is
conditional on the claim still being the run's, and a Slack call is made only while
the claim still holds.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.outbox.outcomes import classify, describe
from bot.outbox.pacing import Pacer
from storage.claims import ClaimLocks, claim_locks
from storage.db import Database
from storage.models import OutboxMessage
from storage.outbox_claims import renew
from storage.ratelimit import Slot

LEASE_SAFETY = timedelta(seconds=30)  # a lease shorter than a call plus this is renewed first


class LostClaim(Exception):
    """Another sender holds the row now: leave it alone."""


class Later(Exception):
    """Slack's limit is paused beyond what a run waits: leave the row for later."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"waiting {seconds:.0f}s for Slack's rate limit")
        self.seconds = seconds


class Holder:
    """The claims of one delivery run, under its token."""

    def __init__(
        self,
        db: Database,
        pacer: Pacer,
        *,
        lease: timedelta,
        max_wait: float,
        call_timeout: float,
    ) -> None:
        self.db = db
        self.pacer = pacer
        self.lease = lease  # SQLite: how long a claim holds unless renewed
        self.max_wait = max_wait  # seconds to wait for Slack's limit before leaving a row
        self.call_timeout = call_timeout  # how long a Slack call may take to be answered
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
        self._locks: ClaimLocks | None = None

    def wall(self) -> datetime:
        return datetime.fromtimestamp(self.pacer.wall(), UTC)

    @property
    def locks(self) -> ClaimLocks:
        if self._locks is None:
            self._locks = claim_locks(self.db.engine)
        return self._locks

    def close(self) -> None:
        if self._locks is not None:
            self._locks.close()

    def finish(self, change: Callable[..., bool], message: OutboxMessage, **values: Any) -> None:
        """Record a change to a claimed row (a storage.outbox_claims function), only while
        the claim is still the run's."""
        assert message.id is not None
        with self.db.session() as session:
            done = change(session=session, message_id=message.id, claimant=self.token, **values)
        if not done:
            raise LostClaim("the row changed hands")

    def paced(
        self,
        message: OutboxMessage,
        method: str,
        slot: Slot | None,
        call: Callable[[], SlackResponse],
    ) -> SlackResponse:
        """Make `call` at a moment reserved for `method`, waiting out Slack's 429s, holding
        on to the claim on `message` meanwhile."""
        while True:
            if slot is None:
                with self.db.session() as session:
                    slot = self.pacer.reserve(session, method)
            self._wait(message, slot, method)
            try:
                response = call()
            except SlackApiError as exc:
                failure = classify(exc)
                if failure.retry_after is None:
                    raise
                self.pacer.refused(slot, failure.retry_after, method)
                slot = None
                continue
            self.pacer.succeeded(slot, method)
            return response

    def _wait(self, message: OutboxMessage, slot: Slot, method: str) -> None:
        """Wait for the slot, holding on to the claim: a lease is renewed first if it could
        run out before the call is answered; a lock must still be held."""
        assert message.id is not None
        delay = slot.at - self.pacer.wall()
        if delay > self.max_wait:
            raise Later(delay)
        if not self.locks.held_by_database:
            needed = self.wall() + timedelta(seconds=max(delay, 0) + self.call_timeout)
            if message.lease_until is None or message.lease_until < needed + LEASE_SAFETY:
                until = needed + self.lease
                with self.db.session() as session:
                    if not renew(
                        session=session,
                        message_id=message.id,
                        claimant=self.token,
                        lease_until=until,
                    ):
                        raise LostClaim("its lease ran out")
                message.lease_until = until
        self.pacer.wait(slot, method)
        if self.locks.held_by_database:
            try:
                held = self.locks.holds(message.id)
            except Exception as exc:
                raise LostClaim(describe(exc)) from exc
            if not held:
                raise LostClaim("its lock is gone")
