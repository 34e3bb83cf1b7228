"""Prometheus metrics, all named `staffroom_…`, served at `GET /metrics`.

- `staffroom_requests_total{kind, outcome}`: Slack requests (slash commands by
  name, view submissions and button clicks by callback or action id, events by
  type) and how Bolt answered them: ok, unhandled (no listener), error.
- `staffroom_ack_seconds{kind}`: from Bolt handing the request to the app until
  it had its acknowledgement (Slack allows 3 s).
- `staffroom_outbox_messages{state}`: messages in the outbox by state, counted
  when scraped.
- `staffroom_nudges_total{outcome}` (sent, failed), `staffroom_nudges_held`
  and `staffroom_tick_seconds`: what each scheduled tick did and how long it took.

Request counters live in this module's registry (one per process); the outbox
collector is bound to a database when the HTTP app is built.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any, ParamSpec, Protocol, TypeVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from slack_bolt import App, BoltRequest, BoltResponse

from storage.db import Database

REGISTRY = CollectorRegistry()
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_LABEL_MAX = 64

REQUESTS = Counter(
    "staffroom_requests",
    "Slack requests by kind and by how the app answered them",
    ["kind", "outcome"],
    registry=REGISTRY,
)
ACK_SECONDS = Histogram(
    "staffroom_ack_seconds",
    "Seconds from receiving a Slack request to acknowledging it (Slack allows 3)",
    ["kind"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0),
    registry=REGISTRY,
)
NUDGES = Counter(
    "staffroom_nudges",
    "Messages the scheduler's ticks delivered (sent) or gave up on (failed)",
    ["outcome"],
    registry=REGISTRY,
)
NUDGES_HELD = Gauge(
    "staffroom_nudges_held",
    "Messages waiting for working hours or a retry after the last tick",
    registry=REGISTRY,
)
TICK_SECONDS = Histogram(
    "staffroom_tick_seconds",
    "Seconds each scheduled tick took (queueing and delivering)",
    buckets=(0.1, 0.5, 1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0),
    registry=REGISTRY,
)


def request_kind(body: dict[str, Any]) -> str:
    """What a request is, in a few bounded words: `/commend`, `block_actions:star_show_project`."""
    if "command" in body:
        kind = str(body["command"])
    elif body.get("type") == "view_submission" or body.get("type") == "view_closed":
        kind = f"{body['type']}:{(body.get('view') or {}).get('callback_id', '')}"
    elif body.get("type") == "block_actions":
        actions = body.get("actions") or [{}]
        kind = f"block_actions:{actions[0].get('action_id', '')}"
    elif body.get("type") == "event_callback":
        kind = f"event:{(body.get('event') or {}).get('type', '')}"
    else:
        kind = str(body.get("type") or "other")
    return kind[:_LABEL_MAX]


def _outcome(status: int) -> str:
    if status < 300:
        return "ok"
    if status == 404:
        return "unhandled"
    if status == 401:
        return "refused"
    return "error" if status >= 500 else str(status)


def instrument(app: App) -> None:
    """Count and time every request the app dispatches, over HTTP and Socket Mode alike.

    Bolt's synchronous global middleware runs before the listeners and never sees
    their answer, so the dispatch itself is wrapped: the time is until Bolt has the
    listener's ack. Requests that fail the signature check are counted under one
    kind, so that forged bodies cannot invent labels.
    """
    dispatch = app.dispatch

    def dispatch_measured(req: BoltRequest) -> BoltResponse:
        started = time.perf_counter()
        try:
            response = dispatch(req)
        except BaseException:
            REQUESTS.labels(request_kind(req.body), "error").inc()
            raise
        kind = "unverified" if response.status == 401 else request_kind(req.body)
        ACK_SECONDS.labels(kind).observe(time.perf_counter() - started)
        REQUESTS.labels(kind, _outcome(response.status)).inc()
        return response

    app.dispatch = dispatch_measured  # type: ignore[method-assign]


class TickReportLike(Protocol):
    @property
    def sent(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def held(self) -> int: ...


P = ParamSpec("P")
R = TypeVar("R", bound=TickReportLike)


def timed_tick(run: Callable[P, R]) -> Callable[P, R]:
    """`run` (the tick) recording its duration and what its report says it did."""

    @wraps(run)
    def observed(*args: P.args, **kwargs: P.kwargs) -> R:
        started = time.perf_counter()
        report = run(*args, **kwargs)
        record_tick(report, seconds=time.perf_counter() - started)
        return report

    return observed


def record_tick(report: TickReportLike, *, seconds: float) -> None:
    TICK_SECONDS.observe(seconds)
    NUDGES.labels("sent").inc(report.sent)
    NUDGES.labels("failed").inc(report.failed)
    NUDGES_HELD.set(report.held)


class OutboxDepth(Collector):
    """`staffroom_outbox_messages{state}`, read from the database at each scrape."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Iterator[Metric]:
        from storage.models import OutboxStatus
        from storage.outbox import count_by_status

        family = GaugeMetricFamily(
            "staffroom_outbox_messages", "Messages in the outbox by state", labels=["state"]
        )
        with self.db.read_session() as session:
            counts = count_by_status(session=session)
        for state in OutboxStatus:
            family.add_metric([state.value], counts.get(state.value, 0))
        yield family


def exposition(db: Database) -> bytes:
    """The text Prometheus scrapes: this process's counters and the outbox's depth now."""
    outbox = CollectorRegistry()
    outbox.register(OutboxDepth(db))
    return generate_latest(REGISTRY) + generate_latest(outbox)
