"""Every Slack Web API client the app makes is built here, on SLACK_API_URL."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler

from bot.runtime.config import Settings

TIMEOUT_SECONDS = 10


def api_base_url(settings: Settings) -> str:
    url = settings.slack_api_url
    return url if url.endswith("/") else url + "/"


def make_client(settings: Settings, *, paced: bool = False) -> WebClient:
    """A client for Slack's Web API.

    Unless `paced`, it retries a dropped connection once and waits out one 429: for
    reads and views, which are safe to repeat. A paced client is the outbox's, which
    posts: it never retries on its own, since a post whose answer was lost may have
    reached Slack (bot.outbox.history looks before posting again), and the outbox
    paces its calls and waits out Slack's 429s itself (bot.outbox.pacing).
    """
    bot_token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    handlers: list[RetryHandler] = []
    if not paced:
        handlers.append(ConnectionErrorRetryHandler(max_retry_count=1))
        handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    return WebClient(
        token=bot_token,
        base_url=api_base_url(settings),
        timeout=TIMEOUT_SECONDS,
        retry_handlers=handlers,
    )
