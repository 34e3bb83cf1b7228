"""Builds the Bolt app: its client, its context middleware, and every handler module."""

from __future__ import annotations

import logging
from concurrent.futures import Executor, ThreadPoolExecutor

from slack_bolt import App
from slack_sdk import WebClient

from bot.runtime.deps import Deps
from bot.runtime.metrics import instrument
from bot.runtime.slack_client import make_client
from handlers import register_all

# Bolt runs each listener on this pool until it has acked and handed its work to
# Deps.work_pool; a new request cannot ack until a worker here is free.
LISTENER_WORKERS = 32


def create_app(
    deps: Deps, *, client: WebClient | None = None, listener_executor: Executor | None = None
) -> App:
    """The Bolt app; listeners run on `listener_executor`, their work after the ack elsewhere."""
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
    register_all(app, deps)
    instrument(app)
    return app
