"""Every Slack Web API client the app makes is built here, on SLACK_API_URL."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.config import Settings

TIMEOUT_SECONDS = 10


def api_base_url(settings: Settings) -> str:
    url = settings.slack_api_url
    return url if url.endswith("/") else url + "/"


def make_client(settings: Settings, token: str | None = None) -> WebClient:
    """A client that waits out one 429 (Retry-After) and retries dropped connections.

    Outbox delivery adds its own later retries on top, so no call blocks for long.
    """
    bot_token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(
        token=token or bot_token,
        base_url=api_base_url(settings),
        timeout=TIMEOUT_SECONDS,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=1),
            RateLimitErrorRetryHandler(max_retry_count=1),
        ],
    )
