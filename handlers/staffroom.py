"""/staffroom: help, the person's pending actions, and their reminder setting."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond

from bot.core.errors import NotOnRoster
from bot.core.people import set_reminders_muted
from bot.home.pending import pending_for
from bot.runtime.deps import Deps
from messages import render
from messages.ids import StaffroomIds

COMMAND = "/staffroom"


def register(app: App, deps: Deps) -> None:
    def staffroom_command(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        respond(response_type="ephemeral", **_help(deps, command["user_id"]))

    def reminders_clicked(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        ack()
        user = body["user"]["id"]
        try:
            set_reminders_muted(deps.db, user, muted=action["value"] == "off")
        except NotOnRoster:
            respond(replace_original=False, **_help(deps, user))
            return
        respond(replace_original=True, **_help(deps, user))

    app.command(COMMAND)(staffroom_command)
    app.action(StaffroomIds.REMINDERS.value)(reminders_clicked)


def _help(deps: Deps, user: str) -> dict[str, Any]:
    try:
        pending = pending_for(
            db=deps.db,
            framework=deps.framework,
            calendar=deps.calendar,
            slack_user_id=user,
            now=deps.clock(),
        )
    except NotOnRoster:
        return render("not_on_roster", trust=deps.framework.trust)
    return render("staffroom_help", pending=pending, trust=deps.framework.trust)
