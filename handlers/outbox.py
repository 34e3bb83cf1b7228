"""Sending what a request queued, after the request has been answered."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk import WebClient

from bot.outbox.sender import deliver
from bot.runtime.deps import Deps


def send_soon(deps: Deps, client: WebClient, outbox_ids: Sequence[int]) -> None:
    """Deliver these outbox rows on the delivery pool; a tick retries anything not sent."""
    deps.delivery_pool.submit(
        deliver, db=deps.db, client=client, now=deps.clock(), only=list(outbox_ids)
    )
