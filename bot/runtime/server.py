"""Serving the Bolt app: HTTP (Starlette under uvicorn) or Socket Mode."""

from __future__ import annotations

import logging

import uvicorn
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from storage.db import Database

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def create_asgi_app(app: App, db: Database) -> Starlette:
    """`POST /slack/events` for Slack, `GET /healthz` for the load balancer.

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

    return Starlette(
        routes=[
            Route(EVENTS_PATH, slack_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )


def serve_http(app: App, db: Database, port: int) -> None:
    log.info("staffroom listening on port %d at %s", port, EVENTS_PATH)
    uvicorn.run(create_asgi_app(app, db), host="0.0.0.0", port=port, log_level="info")


def serve_socket_mode(app: App, app_token: str) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    log.info("staffroom connecting to Slack in Socket Mode")
    # The app's own client carries SLACK_API_URL, so apps.connections.open goes there too.
    handler = SocketModeHandler(app, app_token=app_token, web_client=app.client)
    handler.start()  # type: ignore[no-untyped-call]
