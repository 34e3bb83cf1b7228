"""Delivering the outbox: every message the app owes goes through here, exactly once.

A message is queued (rendered, under its natural key) in the same transaction as
the record it is about, then sent by `deliver`: right away by the request that
queued it, and by every scheduler tick for whatever is due.

- **Claims are fenced and die with their owner.** Each delivery run claims one row
  at a time under a token of its own. On PostgreSQL the run also holds an advisory
  lock on the row, on a connection of its own, which the database releases if the
  process dies; on SQLite the claim is a lease by the wall clock, renewed before any
  wait. Every change to a claimed row is conditional on the claim being the run's
  (bot.outbox.holding).
- **"Maybe sent" is treated as maybe sent.** A timeout, a reset, a 5xx or an
  interrupted sender leaves the row marked `maybe_sent_at`; before it is posted
  again, the conversation's history is searched for the outbox key, which every
  message carries in its metadata (bot.outbox.history). The posting client never
  retries on its own (bot.outbox.posting).
- **Nothing is given up silently.** Any exception ends in a retry with its reason,
  with a capped back-off, for `Policy.retry_for` (a day) from the first attempt;
  only then, or for an error no retry can fix, is the row `failed`, logged once.
- **Re-checked when sent.** A `Recheck` (given by the tick) says whether a held
  message is still due at the moment it goes; one that is not is `dropped`.
- **Paced to Slack's limit**, learned and shared by every process (`Pacer`).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient

from bot.outbox.history import History
from bot.outbox.holding import Holder, Later, LostClaim
from bot.outbox.outcomes import Failure, classify, describe
from bot.outbox.pacing import POST, Pacer
from bot.outbox.posting import post, posting_client, upload_chart
from bot.outbox.queue import CHART, CHART_TITLE
from bot.outbox.recheck import Drop, Hold, Recheck
from storage.db import Database
from storage.models import OutboxMessage
from storage.outbox_claims import (
    Claim,
    claim,
    claims,
    mark_dropped,
    mark_failed,
    mark_retry,
    mark_sent,
    next_due_id,
    release,
    replace_payload,
    take_over,
)
from storage.ratelimit import Slot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Policy:
    lease: timedelta = timedelta(minutes=5)  # SQLite: how long a claim holds unless renewed
    retry_for: timedelta = timedelta(hours=24)  # from the first attempt, before `failed`
    first_backoff: timedelta = timedelta(seconds=30)
    max_backoff: timedelta = timedelta(minutes=10)
    max_wait: float = 60.0  # seconds a run waits for Slack's limit before leaving the rest
    history_margin: timedelta = timedelta(minutes=2)  # searched before an interrupted attempt

    def backoff(self, attempts: int) -> timedelta:
        growth: int = 2 ** min(max(attempts - 1, 0), 30)
        return min(self.first_backoff * growth, self.max_backoff)


@dataclass
class DeliveryReport:
    sent: int = 0
    recovered: int = 0  # interrupted sends found already in Slack
    retrying: int = 0
    failed: int = 0
    dropped: int = 0  # no longer due when their moment came
    deferred: int = 0  # left for later: outside working hours, or Slack's limit
    errors: list[str] = field(default_factory=list)
    sent_keys: list[str] = field(default_factory=list)  # sent or found sent, in order


def deliver(
    *,
    db: Database,
    client: WebClient,
    now: datetime,
    only: Sequence[int] | None = None,
    recheck: Recheck | None = None,
    policy: Policy | None = None,
    pacer: Pacer | None = None,
) -> DeliveryReport:
    """Send what is due at `now` (or only the rows `only` names, if due).

    Never raises: a failure to reach the database ends the run, logged, with what is
    left still owed for the next tick."""
    run = _Run(db, posting_client(client), now, policy or Policy(), pacer or Pacer(db), recheck)
    try:
        run.run(only)
    except Exception as exc:
        log.error("delivery run %s stopped: %s", run.hold.token, describe(exc))
        run.report.errors.append(f"delivery stopped: {describe(exc)}")
    finally:
        run.hold.close()
    return run.report


class _Run:
    def __init__(
        self,
        db: Database,
        client: WebClient,
        now: datetime,
        policy: Policy,
        pacer: Pacer,
        recheck: Recheck | None,
    ) -> None:
        self.db = db
        self.client = client
        self.policy = policy
        self.pacer = pacer
        self.recheck = recheck
        self.report = DeliveryReport()
        self._start, self._start_wall = now, pacer.wall()
        self.hold = Holder(
            db,
            pacer,
            lease=policy.lease,
            max_wait=policy.max_wait,
            call_timeout=float(client.timeout),
        )
        self.history = History(client, policy.history_margin)

    def moment(self) -> datetime:
        """The delivery's moment: the `now` it was given, moved on by the time it has run."""
        return self._start + timedelta(seconds=max(0.0, self.pacer.wall() - self._start_wall))

    # --- the loop ---------------------------------------------------------------------------
    def run(self, only: Sequence[int] | None) -> None:
        if only is None:
            self.recover()
        skip: set[int] = set()
        while True:
            claimed = self.claim_next(only, skip)
            if claimed is None:
                if only is None and self.recover():
                    continue  # finished what a dead sender held; look again
                return
            if claimed == "later":
                return
            self.send(*claimed)

    def claim_next(
        self, only: Sequence[int] | None, skip: set[int]
    ) -> tuple[OutboxMessage, Slot] | str | None:
        with self.db.session() as session:
            while True:
                message_id = next_due_id(
                    session=session, now=self.moment(), only=only, exclude=skip
                )
                if message_id is None:
                    return None
                if not self.hold.locks.acquire(message_id):
                    skip.add(message_id)
                    continue
                wall = self.hold.wall()
                message = claim(
                    session=session,
                    message_id=message_id,
                    claimant=self.hold.token,
                    now=self.moment(),
                    claimed_at=wall,
                    lease_until=wall + self.policy.lease,
                )
                if message is None:
                    self.hold.locks.release(message_id)
                    skip.add(message_id)
                    continue
                slot = self.pacer.reserve(session)
                if slot.at - self.pacer.wall() > self.policy.max_wait:
                    session.rollback()  # nothing claimed: every sender is waiting for Slack
                    self.hold.locks.release(message_id)
                    return "later"
                session.expunge(message)
                return message, slot

    def recover(self) -> int:
        """Take over claims whose sender is gone (its lock released, or its lease over) and
        finish them: found in Slack already, or sent now. Returns how many."""
        with self.db.read_session() as session:
            found = claims(session=session)
        taken = 0
        for lapsed in found:
            if lapsed.claimed_by == self.hold.token or not self._gone(lapsed):
                continue
            wall = self.hold.wall()
            with self.db.session() as session:
                message = take_over(
                    session=session,
                    claim=lapsed,
                    claimant=self.hold.token,
                    claimed_at=wall,
                    lease_until=wall + self.policy.lease,
                )
                slot = self.pacer.reserve(session) if message is not None else None
                if message is not None:
                    session.expunge(message)
            if message is None or slot is None:
                self.hold.locks.release(lapsed.message_id)
                continue
            taken += 1
            log.info("outbox %s: taking over from %s", message.key, lapsed.claimed_by)
            self.send(message, slot)
        return taken

    def _gone(self, lapsed: Claim) -> bool:
        if self.hold.locks.held_by_database:
            return self.hold.locks.acquire(lapsed.message_id)  # free: its holder's connection ended
        return lapsed.lease_until is None or lapsed.lease_until <= self.hold.wall()

    # --- one message ------------------------------------------------------------------------
    def send(self, message: OutboxMessage, slot: Slot) -> None:
        assert message.id is not None
        try:
            try:
                self._send(message, slot)
            except Later as later:
                self._release(message, self.moment() + timedelta(seconds=later.seconds), str(later))
        except LostClaim as lost:
            log.warning("outbox %s: claim lost (%s); left to its new sender", message.key, lost)
        except Exception as exc:  # recording an outcome failed: the claim lapses, then recovery
            log.error("outbox %s: could not record the outcome: %s", message.key, describe(exc))
            self.report.errors.append(f"{message.key}: {describe(exc)}")
        finally:
            try:
                self.hold.locks.release(message.id)
            except Exception as exc:
                log.warning("outbox %s: releasing its lock: %s", message.key, describe(exc))

    def _send(self, message: OutboxMessage, slot: Slot) -> None:
        if slot.at - self.pacer.wall() > self.policy.max_wait:
            raise Later(slot.at - self.pacer.wall())
        try:
            if message.maybe_sent_at is not None:
                ts = self.history.find(
                    channel=message.channel,
                    key=message.key,
                    since=message.maybe_sent_at,
                    paced=lambda method, call: self.hold.paced(message, method, None, call),
                )
                if ts is not None:
                    self._sent(message, ts, recovered=True)
                    return
            payload = self._still_due(message)
            if payload is None:
                return
        except (LostClaim, Later):
            raise
        except Exception as exc:
            self._retry(message, classify(exc).reason, maybe_sent_at=None)
            return
        started = self.hold.wall()
        try:
            response = self.hold.paced(
                message,
                POST,
                slot,
                lambda: post(
                    self.client, channel=message.channel, key=message.key, payload=payload
                ),
            )
        except (LostClaim, Later):
            raise
        except Exception as exc:
            failure = classify(exc)
            self._failed(message, failure, started if failure.maybe_sent else None)
            return
        if CHART in payload:
            upload_chart(
                self.client,
                channel=str(response.get("channel") or message.channel),
                thread_ts=response.get("ts"),
                png=base64.b64decode(payload[CHART]),
                title=payload.get(CHART_TITLE, ""),
            )
        try:
            self._sent(message, response.get("ts"), recovered=False)
        except LostClaim:
            raise
        except Exception as exc:  # Slack has it: the next attempt will find it there
            self._retry(message, describe(exc), maybe_sent_at=started)

    def _still_due(self, message: OutboxMessage) -> dict[str, Any] | None:
        """The payload to send, or None when the re-check dropped or held the message."""
        if self.recheck is None:
            return message.payload
        verdict = self.recheck(message, self.moment())
        if isinstance(verdict, Drop):
            self.hold.finish(mark_dropped, message, reason=verdict.reason)
            self.report.dropped += 1
            log.info("outbox %s dropped: %s", message.key, verdict.reason)
            return None
        if isinstance(verdict, Hold):
            self._release(message, verdict.until, verdict.reason)
            return None
        if verdict.payload is None or verdict.payload == message.payload:
            return message.payload
        self.hold.finish(replace_payload, message, payload=verdict.payload)
        return verdict.payload

    # --- outcomes, each conditional on the claim --------------------------------------------
    def _sent(self, message: OutboxMessage, ts: str | None, *, recovered: bool) -> None:
        self.hold.finish(mark_sent, message, ts=ts, now=self.moment())
        self.report.sent_keys.append(message.key)
        if recovered:
            self.report.recovered += 1
            log.info("outbox %s: found in Slack already (ts %s)", message.key, ts)
        else:
            self.report.sent += 1

    def _failed(
        self, message: OutboxMessage, failure: Failure, maybe_sent_at: datetime | None
    ) -> None:
        if failure.permanent:
            self._fail(message, failure.reason)
        else:
            self._retry(message, failure.reason, maybe_sent_at=maybe_sent_at)

    def _retry(
        self, message: OutboxMessage, reason: str, *, maybe_sent_at: datetime | None
    ) -> None:
        moment = self.moment()
        first = message.first_attempt_at or moment
        if moment >= first + self.policy.retry_for:
            hours = self.policy.retry_for / timedelta(hours=1)
            self._fail(
                message,
                f"{reason} (gave up after {hours:g} h and {message.attempts} attempts)",
            )
            return
        at = moment + self.policy.backoff(message.attempts)
        self.hold.finish(mark_retry, message, error=reason, at=at, maybe_sent_at=maybe_sent_at)
        self.report.retrying += 1
        if message.attempts <= 1:
            log.warning(
                "outbox %s: %s; retrying until %s",
                message.key,
                reason,
                (first + self.policy.retry_for).isoformat(timespec="seconds"),
            )
        else:
            log.info("outbox %s: %s (attempt %d)", message.key, reason, message.attempts)

    def _fail(self, message: OutboxMessage, reason: str) -> None:
        self.hold.finish(mark_failed, message, error=reason)
        log.error("outbox %s failed: %s", message.key, reason)
        self.report.failed += 1
        self.report.errors.append(f"{message.key}: {reason}")

    def _release(self, message: OutboxMessage, at: datetime, reason: str) -> None:
        self.hold.finish(release, message, at=at, reason=reason)
        self.report.deferred += 1
