"""/commend: the quick form (`/commend @a @b message`) and the modal."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.commend.give import (
    MAX_MESSAGE,
    MAX_RECIPIENTS,
    MESSAGE,
    RECIPIENTS,
    VALUE,
    CommendOutcome,
    CommendRequest,
    check,
    commend,
)
from bot.core.errors import InvalidInput, NotOnRoster
from bot.core.mentions import parse_command_text
from bot.core.people import ensure_on_roster
from bot.runtime.deps import Deps
from handlers.outbox import send_soon
from handlers.slack_users import is_bot
from messages import render
from messages.ids import CommendIds

COMMAND = "/commend"

FIELD_BLOCKS = {
    RECIPIENTS: CommendIds.RECIPIENTS_BLOCK,
    MESSAGE: CommendIds.MESSAGE_BLOCK,
    VALUE: CommendIds.VALUE_BLOCK,
}


def register(app: App, deps: Deps) -> None:
    def commend_command(
        ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        # Slack's 3 s ack must never wait for a database write lock, so the
        # command is answered first; refusals follow through response_url.
        ack()
        text = command.get("text", "").strip()
        if not text:
            try:
                ensure_on_roster(deps.db, command["user_id"])
            except NotOnRoster:
                respond(response_type="ephemeral", **_not_on_roster(deps))
                return
            client.views_open(trigger_id=command["trigger_id"], view=_modal(deps))
            return
        parsed = parse_command_text(text)
        request = CommendRequest(
            author_slack_id=command["user_id"],
            recipient_slack_ids=parsed.users,
            message=parsed.message,
            other_mentions=tuple(parsed.others),
        )
        try:
            outcome = _commend(deps, client, request)
        except InvalidInput as error:
            respond(response_type="ephemeral", **render("notice", text=str(error), warning=True))
            return
        except NotOnRoster:
            respond(response_type="ephemeral", **_not_on_roster(deps))
            return
        send_soon(deps, client, outcome.outbox_ids)

    def commend_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        state = view["state"]["values"]
        request = CommendRequest(
            author_slack_id=body["user"]["id"],
            recipient_slack_ids=_field(state, CommendIds.RECIPIENTS_BLOCK, "selected_users") or [],
            message=_field(state, CommendIds.MESSAGE_BLOCK, "value") or "",
            value=(_field(state, CommendIds.VALUE_BLOCK, "selected_option") or {}).get("value"),
            public=bool(_field(state, CommendIds.SHARE_BLOCK, "selected_options")),
        )
        # The form's errors must come back in the ack, so it is checked by reading
        # (which never waits for a writer), answered, and then stored.
        try:
            check(
                db=deps.db,
                framework=deps.framework,
                request=request,
                is_bot=partial(is_bot, client),
            )
        except InvalidInput as error:
            errors = {FIELD_BLOCKS[name].value: text for name, text in error.field_errors.items()}
            ack(response_action="errors", errors=errors)
            return
        except NotOnRoster:
            ack(
                response_action="errors",
                errors={CommendIds.RECIPIENTS_BLOCK.value: _not_on_roster(deps)["text"]},
            )
            return
        ack()
        try:
            outcome = _commend(deps, client, request)
        except (InvalidInput, NotOnRoster) as error:  # the roster changed in between
            reason = str(error) or _not_on_roster(deps)["text"]
            client.chat_postMessage(
                channel=request.author_slack_id,
                **render("not_sent", what="commendation", reason=reason),
            )
            return
        send_soon(deps, client, outcome.outbox_ids)

    app.command(COMMAND)(commend_command)
    app.view(CommendIds.MODAL.value)(commend_submitted)


def _commend(deps: Deps, client: WebClient, request: CommendRequest) -> CommendOutcome:
    return commend(
        db=deps.db,
        framework=deps.framework,
        request=request,
        now=deps.clock(),
        is_bot=partial(is_bot, client),
    )


def _modal(deps: Deps) -> dict[str, Any]:
    return render(
        "commend_modal",
        values=deps.framework.values,
        channel=deps.framework.celebrations_channel,
        max_recipients=MAX_RECIPIENTS,
        max_message=MAX_MESSAGE,
    )


def _not_on_roster(deps: Deps) -> dict[str, Any]:
    return render("not_on_roster", trust=deps.framework.trust)


def _field(state: dict[str, Any], block: str, key: str) -> Any:
    """The one input's `key` in an input block of a submitted view (None when absent)."""
    actions: dict[str, dict[str, Any]] = state.get(block, {})
    return next(iter(actions.values()), {}).get(key)
