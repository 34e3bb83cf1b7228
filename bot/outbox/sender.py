"""Delivering the outbox: every message the app owes goes through here.

A message is queued (rendered, under its natural key) in the same transaction
as the record it is about, then sent by `deliver`: right away by the request
that queued it, and again by every scheduler tick for whatever is still due.
Slack's 429 answers wait for Retry-After; other transient failures back off;
errors that retrying cannot fix, or a message out of attempts, end `failed`
with the reason kept.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.outbox import claimant
from bot.outbox.pacing import Pacer
from bot.outbox.queue import CHART, CHART_TITLE
from storage.db import Database
from storage.models import OutboxMessage
from storage.outbox import (
    claim,
    claimed_rows,
    due_ids,
    mark_failed,
    mark_retry,
    mark_sent,
    take_over,
)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A claim older than this (by the tick's clock) is taken over even if its process may be
# alive on another host; on this host a dead claimant is seen at once (bot.outbox.claimant).
LEASE = timedelta(minutes=5)
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)
METADATA_EVENT = "staffroom_outbox"
RATE_LIMIT_BUDGET = 300.0  # seconds one delivery run may spend waiting out 429s

# Errors no retry can fix: the message or its destination is wrong.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "msg_too_long",
        "no_text",
        "invalid_blocks",
        "invalid_blocks_format",
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "metadata_too_large",
        "too_many_attachments",
    }
)


@dataclass
class DeliveryReport:
    sent: int = 0
    recovered: int = 0  # interrupted sends found already delivered
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def deliver(
    *,
    db: Database,
    client: WebClient,
    now: datetime,
    only: Sequence[int] | None = None,
    limit: int = 5000,
    pacer: Pacer | None = None,
    wait_budget: float = RATE_LIMIT_BUDGET,
) -> DeliveryReport:
    """Send what is due at `now` (or only the rows `only` names, if due).

    Slack's 429s are waited out within the run, up to `wait_budget` seconds in all;
    what is left then stays queued for the next tick.
    """
    report = DeliveryReport()
    pacer = pacer or Pacer()
    me = claimant.current()
    if only is None:
        _recover(db, client, now, me, report, pacer, wait_budget)
    with db.session() as session:
        candidates = due_ids(session=session, now=now, limit=limit, only=only)
    for message_id in candidates:
        with db.session() as session:
            message = claim(session=session, message_id=message_id, now=now, claimant=me)
            if message is None:
                continue
            session.expunge(message)
        _send(db, client, message, now, report, pacer, wait_budget)
    return report


def _recover(
    db: Database,
    client: WebClient,
    now: datetime,
    me: str,
    report: DeliveryReport,
    pacer: Pacer,
    wait_budget: float,
) -> None:
    """Finish what a dead process was sending: sent already (Slack has the message with
    its key in the metadata) or not, in which case it is sent now."""
    with db.session() as session:
        claimed = [(m.id, m.claimed_by, m.claimed_at) for m in claimed_rows(session=session)]
    for message_id, holder, claimed_at in claimed:
        assert message_id is not None
        expired = claimed_at is not None and claimed_at < now - LEASE
        if holder == me or not (expired or claimant.is_dead(holder)):
            continue
        with db.session() as session:
            message = take_over(
                session=session, message_id=message_id, previous=holder, claimant=me, now=now
            )
            if message is None:
                continue
            session.expunge(message)
        try:
            delivered_ts = _already_delivered(client, message)
        except (SlackApiError, OSError) as exc:
            _retry_or_fail(
                db, message, f"could not check an interrupted send: {exc}", now, None, report
            )
            continue
        if delivered_ts is None:
            _send(db, client, message, now, report, pacer, wait_budget)
            continue
        with db.session() as session:
            mark_sent(session=session, message_id=message_id, ts=delivered_ts, now=now)
        report.recovered += 1


def _already_delivered(client: WebClient, message: OutboxMessage) -> str | None:
    """The ts of the message Slack already has under this outbox key, if any.

    Only direct messages can be checked (their history is readable with im:history);
    a channel post whose send was interrupted is sent again.
    """
    if not message.channel.startswith(("U", "W")):
        return None
    opened = client.conversations_open(users=message.channel)
    history = client.conversations_history(
        channel=opened["channel"]["id"], include_all_metadata=True, limit=200
    )
    messages: list[dict[str, Any]] = history.get("messages") or []
    for posted in messages:
        payload = (posted.get("metadata") or {}).get("event_payload") or {}
        if payload.get("key") == message.key:
            return str(posted.get("ts"))
    return None


def _send(
    db: Database,
    client: WebClient,
    message: OutboxMessage,
    now: datetime,
    report: DeliveryReport,
    pacer: Pacer,
    wait_budget: float,
) -> None:
    assert message.id is not None
    while True:
        pacer.wait_turn()
        try:
            response = client.chat_postMessage(
                channel=message.channel,
                text=message.payload["text"],
                blocks=message.payload.get("blocks"),
                metadata={"event_type": METADATA_EVENT, "event_payload": {"key": message.key}},
                unfurl_links=False,
                unfurl_media=False,
            )
            if CHART in message.payload:
                upload_chart(
                    client,
                    channel=str(response.get("channel") or message.channel),
                    thread_ts=response.get("ts"),
                    png=base64.b64decode(message.payload[CHART]),
                    title=message.payload.get(CHART_TITLE, ""),
                )
        except SlackApiError as exc:
            if exc.response.status_code == 429:
                wait = _retry_after(exc.response.headers)
                if pacer.waited + wait <= wait_budget:
                    pacer.limited(wait)
                    continue
            _refused(db, message, exc, now, report)
            return
        except OSError as exc:  # connection refused, reset, timed out (URLError is an OSError)
            _retry_or_fail(db, message, f"connection: {exc}", now, None, report)
            return
        pacer.succeeded()
        break
    with db.session() as session:
        mark_sent(session=session, message_id=message.id, ts=response.get("ts"), now=now)
    report.sent += 1


def upload_chart(
    client: WebClient, *, channel: str, thread_ts: str | None, png: bytes, title: str
) -> bool:
    """Upload a chart beside a posted message; a failed upload never undoes the post."""
    try:
        client.files_upload_v2(
            channel=channel,
            content=png,
            filename="staffroom-summary.png",
            title=title,
            thread_ts=thread_ts,
        )
    except (SlackApiError, SlackRequestError, OSError) as exc:
        log.warning("chart upload to %s failed: %s", channel, exc)
        return False
    return True


def _refused(
    db: Database, message: OutboxMessage, exc: SlackApiError, now: datetime, report: DeliveryReport
) -> None:
    error = str(exc.response.get("error") or f"HTTP {exc.response.status_code}")
    if exc.response.status_code == 429:
        wait = _retry_after(exc.response.headers)
        _retry_or_fail(db, message, f"ratelimited (retry after {wait}s)", now, wait, report)
    elif error in PERMANENT_ERRORS:
        _fail(db, message, error, report)
    else:
        _retry_or_fail(db, message, error, now, None, report)


def _retry_or_fail(
    db: Database,
    message: OutboxMessage,
    error: str,
    now: datetime,
    wait_seconds: int | None,
    report: DeliveryReport,
) -> None:
    assert message.id is not None
    if message.attempts >= MAX_ATTEMPTS:
        _fail(db, message, f"{error} (gave up after {message.attempts} attempts)", report)
        return
    if wait_seconds is None:
        backoff = min(FIRST_BACKOFF * 2 ** (message.attempts - 1), MAX_BACKOFF)
    else:
        backoff = timedelta(seconds=wait_seconds)
    with db.session() as session:
        mark_retry(session=session, message_id=message.id, error=error, at=now + backoff)
    log.warning("outbox %s: %s; retrying at %s", message.key, error, now + backoff)
    report.retrying += 1


def _fail(db: Database, message: OutboxMessage, error: str, report: DeliveryReport) -> None:
    assert message.id is not None
    with db.session() as session:
        mark_failed(session=session, message_id=message.id, error=error)
    log.error("outbox %s failed: %s", message.key, error)
    report.failed += 1
    report.errors.append(f"{message.key}: {error}")


def _retry_after(headers: Any) -> int:
    for name, value in dict(headers or {}).items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(1, int(raw))
            except (TypeError, ValueError):
                break
    return 30
