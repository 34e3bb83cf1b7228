"""/staffroom: help, and the person's pending actions."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond

from bot.deps import Deps
from bot.errors import NotOnRoster
from bot.pending import pending_for
from messages import render

COMMAND = "/staffroom"


def register(app: App, deps: Deps) -> None:
    def staffroom_command(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        try:
            pending = pending_for(
                db=deps.db,
                framework=deps.framework,
                calendar=deps.calendar,
                slack_user_id=command["user_id"],
                now=deps.clock(),
            )
        except NotOnRoster:
            respond(
                response_type="ephemeral", **render("not_on_roster", trust=deps.framework.trust)
            )
            return
        respond(
            response_type="ephemeral",
            **render("staffroom_help", pending=pending, trust=deps.framework.trust),
        )

    app.command(COMMAND)(staffroom_command)
