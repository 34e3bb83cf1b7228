"""Serving the Bolt app: HTTP (Starlette under uvicorn) or Socket Mode."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Any

import uvicorn
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk.errors import SlackApiError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.core.errors import StaffroomError
from bot.runtime import metrics
from storage.db import Database

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def create_asgi_app(app: App, db: Database) -> Starlette:
    """`POST /slack/events` for Slack, `GET /healthz` for the load balancer, `GET /metrics`.

    Bolt's own Starlette handler dispatches on the event loop, which would
    serialise requests; dispatching in the thread pool lets them overlap.
    """

    async def slack_events(request: Request) -> Response:
        body = await request.body()
        bolt_response = await run_in_threadpool(app.dispatch, to_bolt_request(request, body))
        return to_starlette_response(bolt_response)

    async def healthz(_request: Request) -> Response:
        healthy = await run_in_threadpool(db.ping)
        return JSONResponse(
            {"status": "ok" if healthy else "database unavailable"},
            status_code=200 if healthy else 503,
        )

    async def prometheus(_request: Request) -> Response:
        text = await run_in_threadpool(metrics.exposition, db)
        return Response(text, media_type=metrics.CONTENT_TYPE)

    return Starlette(
        routes=[
            Route(EVENTS_PATH, slack_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/metrics", prometheus, methods=["GET"]),
        ]
    )


def serve_http(app: App, db: Database, host: str, port: int) -> None:
    # uvicorn logs through the root logger, so LOG_FORMAT applies to its lines too.
    uvicorn.run(create_asgi_app(app, db), host=host, port=port, log_config=None)


CLOSE_WAIT = 5.0  # seconds to wait for the Socket Mode connection to close


def serve_socket_mode(app: App, app_token: str) -> None:
    """Connect to Slack over a WebSocket and serve until Ctrl-C or SIGTERM."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    # The app's own client carries SLACK_API_URL, so apps.connections.open goes there too.
    handler = SocketModeHandler(app, app_token=app_token, web_client=app.client)
    try:
        handler.connect()  # type: ignore[no-untyped-call]
    except SlackApiError as error:
        reason = error.response.get("error")
        raise StaffroomError(
            f"Slack refused SLACK_APP_TOKEN ({reason}): create an app-level token with "
            "connections:write under Basic Information"
        ) from None
    except OSError as error:
        raise StaffroomError(
            f"cannot connect to Slack in Socket Mode at {app.client.base_url}: {error}"
        ) from None
    log.info("connected to Slack in Socket Mode")
    stop = threading.Event()

    def on_signal(_number: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        log.info("disconnecting from Slack")
        _close_within(handler, CLOSE_WAIT)


def _close_within(handler: Any, seconds: float) -> None:
    """Close the Socket Mode connection, waiting at most `seconds`.

    slack_sdk's builtin client can miss a close that comes while its session thread is
    starting (the thread marks the session live again after `close` marked it ended, then
    waits forever for it to end). Its threads are daemons, so the process may exit without
    them; a service asked to stop must stop."""
    closing = threading.Thread(target=handler.close, daemon=True)
    closing.start()
    closing.join(seconds)
    if closing.is_alive():
        log.warning("the Socket Mode connection did not close in %.0f s; stopping anyway", seconds)
