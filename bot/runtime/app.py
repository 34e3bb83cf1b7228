"""Builds the Bolt app: its client, error handling, and every handler module."""

from __future__ import annotations

import logging
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.runtime.deps import Deps
from bot.runtime.metrics import instrument
from bot.runtime.slack_client import make_client
from handlers import register_all
from messages import render

log = logging.getLogger(__name__)

# Bolt runs each listener, and so the work it does after ack() (DMs, copies), on
# this pool; a new request cannot ack until a worker is free. Bolt's default of 5
# made acks queue behind deliveries under 20 concurrent commands.
LISTENER_WORKERS = 32


def create_app(
    deps: Deps, *, client: WebClient | None = None, listener_executor: Executor | None = None
) -> App:
    """The Bolt app. Listeners, and their work after `ack()`, run on `listener_executor`."""
    settings = deps.settings
    signing_secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    app = App(
        client=client or make_client(settings),
        signing_secret=signing_secret,
        # Socket Mode requests come over an authenticated socket, not signed HTTP.
        request_verification_enabled=not settings.socket_mode,
        token_verification_enabled=False,
        logger=logging.getLogger("slack_bolt"),
        listener_executor=listener_executor
        or ThreadPoolExecutor(max_workers=LISTENER_WORKERS, thread_name_prefix="listener"),
    )

    @app.error
    def on_unexpected_error(
        error: Exception, body: dict[str, Any], respond: Respond
    ) -> BoltResponse:
        log.exception("unhandled error in a Slack request", exc_info=error)
        if body.get("response_url"):
            try:
                respond(response_type="ephemeral", **render("unexpected_error"))
            except Exception:  # the apology is best effort; the trace is already logged
                log.exception("could not tell the user about the error")
        return BoltResponse(status=500, body="")

    register_all(app, deps)
    instrument(app)
    return app
