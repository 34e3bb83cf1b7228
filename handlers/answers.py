"""The one place a request's refusals and failures are answered, as its surface allows.

A slash command or a button is answered with an ephemeral reply; a form before its
ack with errors beside its fields (only fields the view shows); a form after its ack
by a direct message that gives the person back what they typed. Nothing is answered
for a request whose signature was not verified.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from slack_bolt import BoltResponse
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.core.errors import GENERAL, Refused
from handlers.forms import FormSpec, ViewState
from messages import render
from messages.refusals import wording
from messages.render import unescape

log = logging.getLogger(__name__)

Kind = Literal["command", "action", "view", "event", "other"]


@dataclass(frozen=True)
class Surface:
    """Where a request came from: what a reply may use."""

    kind: Kind
    user_id: str
    has_response_url: bool = False
    view: Mapping[str, Any] = field(default_factory=dict)

    @staticmethod
    def of(body: Mapping[str, Any]) -> Surface:
        kind: Kind
        if "command" in body:
            kind, user = "command", body.get("user_id")
        elif body.get("type") == "view_submission":
            kind, user = "view", (body.get("user") or {}).get("id")
        elif body.get("type") == "block_actions":
            kind, user = "action", (body.get("user") or {}).get("id")
        elif body.get("type") == "event_callback":
            kind, user = "event", (body.get("event") or {}).get("user")
        else:
            kind, user = "other", None
        view = body.get("view") if kind == "view" else None
        return Surface(
            kind=kind,
            user_id=user if isinstance(user, str) else "",
            has_response_url=bool(body.get("response_url")),
            view=view if isinstance(view, Mapping) else {},
        )


@dataclass(frozen=True)
class Answerer:
    """Answers one request's refusals and failures; built per request by middleware."""

    surface: Surface
    client: WebClient
    respond: Respond | None
    forms: Mapping[str, FormSpec]
    trust: str

    def __call__(self, error: Exception, *, acked: bool) -> BoltResponse | None:
        if isinstance(error, Refused):
            return self._refused(error, acked=acked)
        reference = uuid.uuid4().hex[:8]
        log.error(
            "unexpected error answering a %s (reference %s)",
            self.surface.kind,
            reference,
            exc_info=error,
        )
        return self._failed(acked=acked)

    # --- refusals ---------------------------------------------------------
    def _words(self, error: Refused) -> dict[str, str]:
        return {name: wording(p, trust=self.trust) for name, p in error.problems.items()}

    def _refused(self, error: Refused, *, acked: bool) -> BoltResponse | None:
        words = self._words(error)
        if self.surface.kind == "view" and not acked:
            return self._form_errors(words)
        text = " ".join(words.values())
        if self.surface.kind == "view":
            self._not_saved(text)
        elif self.surface.kind in ("command", "action"):
            self._reply(render("notice", warning=True, text=text))
        return _acknowledged(acked)

    def _form_errors(self, words: Mapping[str, str]) -> BoltResponse:
        spec = self.forms.get(str(self.surface.view.get("callback_id")))
        shown = _input_blocks(self.surface.view)
        errors: dict[str, str] = {}
        unplaced: list[str] = []
        for name, said in words.items():  # mrkdwn; a field's error is plain text
            block = spec.block_for(name) if spec and name != GENERAL else None
            if block in shown:
                errors[block] = " ".join(filter(None, [errors.get(block), unescape(said)]))
            else:
                unplaced.append(said)
        if unplaced and shown:
            first = shown[0]
            errors[first] = " ".join(filter(None, [*map(unescape, unplaced), errors.get(first)]))
        elif unplaced:
            view = render("notice_modal", text=" ".join(unplaced))
            return BoltResponse(status=200, body={"response_action": "update", "view": view})
        return BoltResponse(status=200, body={"response_action": "errors", "errors": errors})

    # --- failures -----------------------------------------------------------
    def _failed(self, *, acked: bool) -> BoltResponse | None:
        if self.surface.kind == "view":
            if not acked:
                return BoltResponse(status=500, body="")
            self._not_saved(None)
        elif self.surface.kind in ("command", "action"):
            self._reply(render("unexpected_error"))
        return BoltResponse(status=500, body="") if not acked else None

    # --- ways to reach the person -------------------------------------------
    def _reply(self, message: dict[str, Any]) -> None:
        respond = self.respond
        if self.surface.has_response_url and respond is not None:
            self._try(lambda: respond(response_type="ephemeral", **message))
        elif self.surface.user_id:
            self._dm(message)

    def _not_saved(self, reason: str | None) -> None:
        spec = self.forms.get(str(self.surface.view.get("callback_id")))
        typed = ViewState(self.surface.view).typed()
        what = spec.what if spec else "form"
        self._dm(render("not_saved", what=what, reason=reason, typed=typed))

    def _dm(self, message: dict[str, Any]) -> None:
        if self.surface.user_id:
            self._try(lambda: self.client.chat_postMessage(channel=self.surface.user_id, **message))

    @staticmethod
    def _try(send: Any) -> None:
        try:
            send()
        except Exception:  # telling the person is best effort; the cause is logged already
            log.exception("could not tell the person what happened")


def _acknowledged(acked: bool) -> BoltResponse | None:
    return None if acked else BoltResponse(status=200, body="")


def _input_blocks(view: Mapping[str, Any]) -> list[str]:
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        return []
    return [
        str(b["block_id"])
        for b in blocks
        if isinstance(b, Mapping) and b.get("type") == "input" and b.get("block_id")
    ]
