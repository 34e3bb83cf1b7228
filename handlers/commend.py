"""/commend: the quick form (`/commend @a @b message`) and the modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.commend.give import (
    MAX_MESSAGE,
    MAX_RECIPIENTS,
    MESSAGE,
    RECIPIENTS,
    VALUE,
    Commend,
    CommendRequest,
)
from bot.commend.specific import says_something_specific
from bot.core.mentions import parse_command_text
from bot.runtime.deps import Deps
from handlers.context import after_ack, listener, on_roster, send_soon, store_after_ack
from handlers.forms import FormSpec, Metadata, ViewState
from handlers.slack_users import bots_among
from messages import render
from messages.ids import CommendIds
from storage.models import Staff

COMMAND = "/commend"
FORMS = (
    FormSpec(
        CommendIds.MODAL,
        what="commendation",
        fields={
            RECIPIENTS: CommendIds.RECIPIENTS_BLOCK,
            MESSAGE: CommendIds.MESSAGE_BLOCK,
            VALUE: CommendIds.VALUE_BLOCK,
        },
    ),
)


def register(app: App) -> None:
    app.command(COMMAND, middleware=[on_roster])(listener(commend_command))
    app.view(CommendIds.MODAL.value, middleware=[on_roster])(listener(commend_submitted))


def commend_command(
    ack: Ack,
    command: dict[str, str],
    person: Staff,
    deps: Deps,
    client: WebClient,
    context: BoltContext,
) -> None:
    ack()
    after_ack(context, lambda: _command(deps, client, person, command))


def _command(deps: Deps, client: WebClient, person: Staff, command: dict[str, str]) -> None:
    text = command.get("text", "").strip()
    if not text:
        client.views_open(trigger_id=command["trigger_id"], view=_modal(deps))
        return
    parsed = parse_command_text(text)
    request = CommendRequest(
        recipient_slack_ids=parsed.users,
        message=parsed.message,
        other_mentions=tuple(parsed.others),
    )
    _commend(deps, client, person, request)


class Prompted(Metadata):
    """The form was shown again asking for something specific: send what comes back."""

    prompted: bool = True


def commend_submitted(
    ack: Ack,
    form: ViewState,
    view: dict[str, Any],
    person: Staff,
    deps: Deps,
    client: WebClient,
    context: BoltContext,
) -> None:
    request = CommendRequest(
        recipient_slack_ids=form.users(CommendIds.RECIPIENTS_BLOCK),
        message=form.text(CommendIds.MESSAGE_BLOCK),
        value=form.choice(CommendIds.VALUE_BLOCK),
        public=form.ticked(CommendIds.SHARE_BLOCK),
    )
    commend = _commend_use_case(deps, client, person, request)
    prompted = bool(view.get("private_metadata")) and Prompted.of(view).prompted
    if not prompted and not says_something_specific(request.message):
        commend.validate()  # other problems first, beside their fields
        ack(response_action="update", view=_modal(deps, typed=request))
        return
    store_after_ack(ack, context, client, commend)


def _commend(deps: Deps, client: WebClient, author: Staff, request: CommendRequest) -> None:
    send_soon(deps, client, _commend_use_case(deps, client, author, request)().outbox_ids)


def _commend_use_case(
    deps: Deps, client: WebClient, author: Staff, request: CommendRequest
) -> Commend:
    return Commend(
        db=deps.db,
        framework=deps.framework,
        author=author,
        request=request,
        now=deps.clock(),
        is_bot=bots_among(client, deps.db, request.recipient_slack_ids),
    )


def _modal(deps: Deps, typed: CommendRequest | None = None) -> dict[str, object]:
    """The form; with `typed`, shown again with a prompt to say something specific."""
    return render(
        "commend_modal",
        values=deps.framework.values,
        values_name=deps.framework.values_name,
        channel=deps.framework.celebrations_channel,
        max_recipients=MAX_RECIPIENTS,
        max_message=MAX_MESSAGE,
        typed=typed,
        prompted=typed is not None,
        metadata=Prompted().dump(),
    )
