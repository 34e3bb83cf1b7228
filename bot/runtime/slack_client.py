"""Every Slack Web API client the app makes is built here, on SLACK_API_URL."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.runtime.config import Settings

TIMEOUT_SECONDS = 10
# A person is waiting (and a trigger_id lasts 3 s): a 429 asking for longer than this is
# answered at once ("try again in a minute") rather than holding a worker thread.
BRIEF_WAIT_SECONDS = 2


class BriefRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Waits out a 429 only when Slack asks for at most BRIEF_WAIT_SECONDS."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = next((v for k, v in response.headers.items() if k.lower() == "retry-after"), [])
        try:
            return float(wait[0] if wait else 1) <= BRIEF_WAIT_SECONDS
        except ValueError:
            return False


def api_base_url(settings: Settings) -> str:
    url = settings.slack_api_url
    return url if url.endswith("/") else url + "/"


def make_client(settings: Settings, *, paced: bool = False) -> WebClient:
    """A client for Slack's Web API.

    Unless `paced`, it retries a dropped connection once and waits out one brief 429:
    for reads and views, which are safe to repeat, while a person waits. A paced
    client is the outbox's, which posts: it never retries on its own, since a post
    whose answer was lost may have reached Slack (bot.outbox.history looks before
    posting again), and the outbox paces its calls and waits out Slack's 429s itself
    (bot.outbox.pacing).
    """
    bot_token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    handlers: list[RetryHandler] = []
    if not paced:
        handlers.append(ConnectionErrorRetryHandler(max_retry_count=1))
        handlers.append(BriefRateLimitRetryHandler(max_retry_count=1))
    return WebClient(
        token=bot_token,
        base_url=api_base_url(settings),
        timeout=TIMEOUT_SECONDS,
        retry_handlers=handlers,
    )
