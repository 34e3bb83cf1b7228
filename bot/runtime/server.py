"""Serving the Bolt app: HTTP (Starlette under uvicorn) or Socket Mode."""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType
from typing import Any

import uvicorn
from slack_bolt import App, BoltRequest
from slack_bolt.adapter.starlette.handler import to_starlette_response
from slack_sdk.errors import SlackApiError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.core.errors import StaffroomError
from bot.runtime import inbound, metrics
from storage.db import Database

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def create_asgi_app(app: App, db: Database, *, signing_secret: str) -> Starlette:
    """`POST /slack/events` for Slack, `GET /healthz` for the load balancer, `GET /metrics`.

    A request reaches Bolt only once its signature is verified and its body is one
    Slack sends (bot.runtime.inbound); anything else is answered with a bare status
    and causes nothing. Bolt's own Starlette handler dispatches on the event loop,
    which would serialise requests; dispatching in the thread pool lets them overlap.
    """

    async def slack_events(request: Request) -> Response:
        try:
            body = await _bounded_body(request, inbound.MAX_BODY_BYTES)
            payload = inbound.verified(
                secret=signing_secret, body=body, headers=request.headers, now=time.time()
            )
        except inbound.Refused as refused:
            return Response(status_code=refused.status)
        # Bolt is given the body parsed above, not the raw text: its HTTP-mode parser
        # drops a slash command whose text contains the word "payload". It takes a
        # parsed body only in its socket-mode shape, which skips its own signature
        # check (done above, on the raw bytes).
        bolt_request = BoltRequest(body=payload, headers=dict(request.headers), mode="socket_mode")
        bolt_response = await run_in_threadpool(app.dispatch, bolt_request)
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


async def _bounded_body(request: Request, limit: int) -> bytes:
    """The request's body; `Refused(413)` as soon as it is longer than `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise inbound.Refused(413)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise inbound.Refused(413)
        chunks.append(chunk)
    return b"".join(chunks)


def serve_http(app: App, db: Database, host: str, port: int, *, signing_secret: str) -> None:
    # uvicorn logs through the root logger, so LOG_FORMAT applies to its lines too.
    asgi = create_asgi_app(app, db, signing_secret=signing_secret)
    uvicorn.run(asgi, host=host, port=port, log_config=None)


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
