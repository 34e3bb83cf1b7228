"""What every listener is given, resolved once per request by middleware.

`deps` (settings, framework, database, clock, pools), `answer` (the one way a
refusal or failure reaches the person), `form` for a submitted view, and, for
listeners that declare `on_roster`, the acting `person`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from slack_bolt import Ack, App, BoltContext, BoltResponse
from slack_sdk import WebClient

from bot.core.errors import NotOnRoster
from bot.core.people import person_by_slack_id
from bot.core.usecase import UseCase
from bot.outbox.sender import deliver
from bot.runtime.deps import Deps
from handlers.answers import Answerer, Surface
from handlers.forms import FormSpec, ViewState
from storage.requests import seen_before


def install(app: App, deps: Deps, forms: Mapping[str, FormSpec]) -> None:
    """Give every listener its context, and answer every error through `Answerer`."""

    @app.middleware
    def give_context(context: BoltContext, body: dict[str, Any], next: Callable[[], None]) -> None:
        # The HTTP edge (bot.runtime.inbound) verified the request's signature and shape
        # before Bolt saw it (Socket Mode: the socket is Slack's): nothing from a request
        # that fails verification reaches `answer`.
        context["deps"] = deps
        surface = Surface.of(body)
        context["surface"] = surface
        context["answer"] = Answerer(
            surface=surface,
            client=context.client,
            respond=context.respond,
            forms=forms,
            trust=deps.framework.trust,
        )
        if surface.kind == "view":
            context["form"] = ViewState(surface.view)
        context["request_key"] = _request_key(body)
        next()

    @app.error
    def answer_error(error: Exception, context: BoltContext) -> BoltResponse | None:
        answer = context.get("answer")
        if not isinstance(answer, Answerer):  # the request was never verified: say nothing
            return BoltResponse(status=401, body="")
        acked = context.ack.response is not None if context.ack else False
        return answer(error, acked=acked)


def _request_key(body: dict[str, Any]) -> str | None:
    """What names this request once: an event's id, a command's trigger id."""
    if body.get("type") == "event_callback" and body.get("event_id"):
        return f"event:{body['event_id']}"
    if "command" in body and body.get("trigger_id"):
        return f"command:{body['trigger_id']}"
    return None


Listener = Callable[..., None]


def listener(function: Listener) -> Listener:
    """A command, button or form listener, registered so that an error it raises after its
    ack reaches the person through `Answerer`. (Left to Bolt, an error after the ack can
    take back the ack before Slack has it: the request then waits 3 s and answers 404.)"""
    names = inspect.getfullargspec(function).args
    if "ack" not in names or "context" not in names:
        raise TypeError(f"{function.__name__} must take `ack` and `context`")

    @functools.wraps(function)
    def run(**kwargs: Any) -> None:
        try:
            function(**kwargs)
        except Exception as error:
            if kwargs["ack"].response is None:
                raise  # not acked yet: Bolt's error handler answers (beside a form's fields)
            kwargs["context"]["answer"](error, acked=True)

    return run


def on_roster(context: BoltContext, next: Callable[[], None]) -> None:
    """Listener middleware: the acting person as `person`, or NotOnRoster (answered once)."""
    deps: Deps = context["deps"]
    person = person_by_slack_id(deps.db, context.user_id or "")
    if person is None:
        raise NotOnRoster()
    context["person"] = person
    next()


def after_ack(context: BoltContext, work: Callable[[], object]) -> None:
    """Do `work` on the work pool; a refusal or failure in it reaches the person. A
    command or event seen before (Slack retries events; a body may come twice) is not
    done again."""
    deps: Deps = context["deps"]
    answer: Answerer = context["answer"]
    key: str | None = context.get("request_key")

    def run() -> None:
        try:
            if key is None or not seen_before(deps.db, key, deps.clock()):
                work()
        except Exception as error:
            answer(error, acked=True)

    deps.work_pool.submit(run)


class Queued(Protocol):
    """What a use-case that owes messages returns."""

    @property
    def outbox_ids(self) -> list[int]: ...


def store_after_ack(
    ack: Ack, context: BoltContext, client: WebClient, use_case: UseCase[Queued]
) -> None:
    """A form's submission: validated before the ack (errors go beside the fields),
    stored after it, once however many times it was submitted, and the messages it owes
    sent."""
    use_case.validate()
    ack()
    deps: Deps = context["deps"]
    surface: Surface = context["surface"]
    key = f"view:{surface.view.get('id')}"

    def store() -> None:
        outcome = use_case.once(key, deps.clock())
        if outcome is not None:
            send_soon(deps, client, outcome.outbox_ids)

    after_ack(context, store)


def send_soon(deps: Deps, client: WebClient, outbox_ids: list[int]) -> None:
    """Deliver these outbox rows on the delivery pool; a tick retries anything not sent."""
    deps.delivery_pool.submit(
        deliver, db=deps.db, client=client, now=deps.clock(), only=list(outbox_ids)
    )
