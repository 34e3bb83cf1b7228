"""Queueing what the app owes: a message is rendered and stored under its natural key
in the same transaction as the record it is about; `bot.outbox.sender` sends it.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from messages import render
from storage.outbox import NewMessage, add_new, add_once, existing_keys

CHART = "chart_png_base64"
CHART_TITLE = "chart_title"


@dataclass(frozen=True)
class Delivery:
    """A message owed: where, which template with what, under which unique key."""

    key: str
    channel: str
    template: str
    context: dict[str, Any]
    chart: bytes | None = None  # a PNG uploaded beside the message once it is posted
    chart_title: str = ""


def enqueue(
    *,
    session: Session,
    deliveries: Sequence[Delivery],
    now: datetime,
    not_before: datetime | None = None,
) -> list[int]:
    """Render and queue each delivery in the caller's transaction; keys already queued are kept.

    `not_before` holds the messages until then (outside working hours)."""
    return [
        add_once(
            session=session,
            key=d.key,
            channel=d.channel,
            payload=payload_of(d),
            now=now,
            not_before=not_before,
        )
        for d in deliveries
    ]


def enqueue_new(
    *,
    session: Session,
    deliveries: Sequence[Delivery],
    now: datetime,
    not_before: datetime | None = None,
) -> int:
    """Queue those deliveries whose keys are not queued yet; return how many were new.

    Keys already queued are found first, in a few queries, so that a tick which finds
    nothing new renders nothing and writes nothing."""
    queued = existing_keys(session=session, keys=[d.key for d in deliveries])
    new = [d for d in deliveries if d.key not in queued]
    return add_new(
        session=session,
        messages=[NewMessage(d.key, d.channel, payload_of(d)) for d in new],
        now=now,
        not_before=not_before,
    )


def payload_of(delivery: Delivery) -> dict[str, Any]:
    """The message as stored and sent: the rendered template, and its chart if any."""
    payload = render(delivery.template, **delivery.context)
    if delivery.chart is not None:
        payload[CHART] = base64.b64encode(delivery.chart).decode()
        payload[CHART_TITLE] = delivery.chart_title
    return payload
