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
from storage.outbox import add_once

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
            payload=_payload(d),
            now=now,
            not_before=not_before,
        )
        for d in deliveries
    ]


def _payload(delivery: Delivery) -> dict[str, Any]:
    payload = render(delivery.template, **delivery.context)
    if delivery.chart is not None:
        payload[CHART] = base64.b64encode(delivery.chart).decode()
        payload[CHART_TITLE] = delivery.chart_title
    return payload
