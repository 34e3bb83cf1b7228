"""Putting an owed message in Slack: the client that never retries a post on its own, the
post that carries its outbox key in its metadata (bot.outbox.history looks for it there),
and a chart uploaded beside it."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.web import SlackResponse

from bot.outbox.outcomes import classify

log = logging.getLogger(__name__)

METADATA_EVENT = "staffroom_outbox"


def posting_client(client: WebClient) -> WebClient:
    """The client without automatic retries: a retried post may be a second message."""
    if not client.retry_handlers:
        return client
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        headers=client.headers,
        logger=client._logger,
        retry_handlers=[],
    )


def post(client: WebClient, *, channel: str, key: str, payload: dict[str, Any]) -> SlackResponse:
    """Post a message, marked with its outbox key."""
    return client.chat_postMessage(
        channel=channel,
        text=payload["text"],
        blocks=payload.get("blocks"),
        metadata={"event_type": METADATA_EVENT, "event_payload": {"key": key}},
        unfurl_links=False,
        unfurl_media=False,
    )


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
    except Exception as exc:  # best effort, whatever went wrong
        log.warning("chart upload to %s failed: %s", channel, classify(exc).reason)
        return False
    return True
