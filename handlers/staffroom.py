"""/staffroom: help, the person's pending actions, and their reminder setting."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.core.errors import GENERAL, InvalidInput, problem
from bot.core.mentions import parse_command_text
from bot.core.people import set_reminders_muted
from bot.home.pending import pending_for
from bot.report.year import check_may_see
from bot.runtime.deps import Deps
from handlers.context import after_ack, listener, on_roster
from handlers.report import send_report
from messages import render
from messages.ids import StaffroomIds
from storage.models import Staff

COMMAND = "/staffroom"
REPORT = "report"


def register(app: App) -> None:
    app.command(COMMAND, middleware=[on_roster])(listener(staffroom_command))
    app.action(StaffroomIds.REMINDERS.value, middleware=[on_roster])(listener(reminders_clicked))


def staffroom_command(
    ack: Ack,
    command: dict[str, str],
    person: Staff,
    deps: Deps,
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    ack()
    after_ack(context, lambda: _command(deps, client, respond, person, command))


def _command(
    deps: Deps, client: WebClient, respond: Respond, person: Staff, command: dict[str, str]
) -> None:
    first, _, rest = command.get("text", "").strip().partition(" ")
    if first.lower() != REPORT:
        respond(response_type="ephemeral", **_help(deps, person))
        return
    parsed = parse_command_text(rest)
    if parsed.others or parsed.message or len(parsed.users) > 1:
        raise InvalidInput({GENERAL: problem("report.usage")})
    subject = parsed.users[0] if parsed.users else person.slack_user_id
    if subject is not None:  # a refusal comes alone, not after a promise of the report
        check_may_see(db=deps.db, viewer=person, subject_slack_id=subject)
    respond(response_type="ephemeral", **render("report_ready", state="coming"))
    send_report(deps, client, person, subject_slack_id=subject)


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
