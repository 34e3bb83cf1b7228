"""/staffroom: help, the person's pending actions, and their reminder setting."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond

from bot.core.people import set_reminders_muted
from bot.home.pending import pending_for
from bot.runtime.deps import Deps
from handlers.context import after_ack, on_roster
from messages import render
from messages.ids import StaffroomIds
from storage.models import Staff

COMMAND = "/staffroom"


def register(app: App) -> None:
    app.command(COMMAND, middleware=[on_roster])(staffroom_command)
    app.action(StaffroomIds.REMINDERS.value, middleware=[on_roster])(reminders_clicked)


def staffroom_command(
    ack: Ack, person: Staff, deps: Deps, respond: Respond, context: BoltContext
) -> None:
    ack()
    after_ack(context, lambda: respond(response_type="ephemeral", **_help(deps, person)))


def reminders_clicked(
    ack: Ack,
    action: dict[str, Any],
    person: Staff,
    deps: Deps,
    respond: Respond,
    context: BoltContext,
) -> None:
    ack()

    def switch() -> None:
        set_reminders_muted(deps.db, person, muted=action.get("value") == "off")
        respond(replace_original=True, **_help(deps, person))

    after_ack(context, switch)


def _help(deps: Deps, person: Staff) -> dict[str, Any]:
    pending = pending_for(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        person=person,
        now=deps.clock(),
    )
    return render(
        "staffroom_help",
        pending=pending,
        trust=deps.framework.trust,
        has_ladder=deps.framework.has_ladder,
    )
