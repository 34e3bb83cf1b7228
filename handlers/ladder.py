"""/ladder: the ragging sheet level by level, and `/ladder @a` for appraisers and leaders."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.core.errors import InvalidInput, NotAllowed, NotOnRoster
from bot.core.framework import SHEET_LEVELS
from bot.core.mentions import parse_command_text
from bot.ladder import sheets
from bot.ladder.rules import sheet_from_answers
from bot.runtime.deps import Deps
from handlers.outbox import send_soon
from messages import render
from messages.ids import LadderIds

COMMAND = "/ladder"


def register(app: App, deps: Deps) -> None:
    def ladder_command(
        ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        parsed = parse_command_text(command.get("text", ""))
        try:
            if parsed.others or parsed.message or len(parsed.users) > 1:
                raise InvalidInput({"usage": render("ladder_usage")["text"]})
            if parsed.users:
                _show(deps, respond, command["user_id"], parsed.users[0])
            else:
                _begin(deps, client, respond, command)
        except (InvalidInput, NotAllowed, NotOnRoster) as error:
            respond(response_type="ephemeral", **_refusal(deps, error))

    def level_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        saved = json.loads(view["private_metadata"])
        level = deps.framework.ladder[len(saved["answers"])]
        values = view["state"]["values"]
        ticks = [
            bool(_selected(values, f"{LadderIds.STATEMENT_BLOCK_PREFIX}{index}"))
            for index in range(1, len(level.statements) + 1)
        ]
        saved["answers"].append(ticks)
        if sheets.level_answers_complete(saved["answers"]):
            ack(response_action="update", view=_finish_modal(deps, saved, body["user"]["id"]))
        else:
            ack(response_action="update", view=_level_modal(deps, saved))

    def finish_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        submitted = deps.clock()  # the window is judged at the moment the form was sent
        saved = json.loads(view["private_metadata"])
        chosen = view["state"]["values"].get(LadderIds.TARGET_BLOCK, {}).get(LadderIds.INPUT, {})
        target = int(chosen["selected_option"]["value"]) if chosen.get("selected_option") else None
        arguments: dict[str, Any] = {
            "framework": deps.framework,
            "calendar": deps.calendar,
            "checkpoint": saved["cp"],
            "year": saved["year"],
            "now": submitted,
        }
        try:
            sheets.check_window(**arguments)
            sheets.check_target(target, saved["cp"])
        except InvalidInput as error:
            if sheets.TARGET in error.field_errors:
                ack(response_action="errors", errors={LadderIds.TARGET_BLOCK.value: str(error)})
            else:
                reason = error.field_errors[sheets.WINDOW]
                ack(
                    response_action="update",
                    view=render("ladder_window_closed_modal", reason=reason),
                )
            return
        ack()
        try:
            outcome = sheets.save(
                db=deps.db,
                slack_user_id=body["user"]["id"],
                sheet=sheet_from_answers(saved["answers"]),
                target=target,
                **arguments,
            )
        except (InvalidInput, NotOnRoster) as error:
            reason = _refusal(deps, error)["text"]
            client.chat_postMessage(
                channel=body["user"]["id"], **render("not_sent", what="ladder sheet", reason=reason)
            )
            return
        send_soon(deps, client, outcome.outbox_ids)

    def open_sheet_clicked(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        command = {"user_id": body["user"]["id"], "trigger_id": body["trigger_id"]}
        try:
            _begin(deps, client, respond, command)
        except (NotAllowed, NotOnRoster) as error:
            respond(response_type="ephemeral", replace_original=False, **_refusal(deps, error))

    app.command(COMMAND)(ladder_command)
    app.action(LadderIds.OPEN_SHEET.value)(open_sheet_clicked)
    app.view(LadderIds.LEVEL_MODAL.value)(level_submitted)
    app.view(LadderIds.FINISH_MODAL.value)(finish_submitted)


def _begin(deps: Deps, client: WebClient, respond: Respond, command: dict[str, Any]) -> None:
    start = sheets.start(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        slack_user_id=command["user_id"],
        now=deps.clock(),
    )
    if start.window is not None:
        window = start.window
        saved = {"cp": window.checkpoint.key, "year": window.year.label, "answers": []}
        client.views_open(trigger_id=command["trigger_id"], view=_level_modal(deps, saved))
        return
    assert start.upcoming is not None
    intro = render(
        "ladder_next_window",
        name=start.upcoming.checkpoint.name,
        opens=start.upcoming.opens,
        closes=start.upcoming.closes,
    )["text"]
    if start.last_grid is None:
        respond(response_type="ephemeral", **render("ladder_closed", intro=intro))
    else:
        respond(
            response_type="ephemeral",
            **render("ladder_view", grid=start.last_grid, intro=intro, you=True, **_names(deps)),
        )


def _show(deps: Deps, respond: Respond, viewer: str, subject: str) -> None:
    grid = sheets.view(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        viewer_slack_id=viewer,
        subject_slack_id=subject,
        now=deps.clock(),
    )
    respond(
        response_type="ephemeral",
        **render("ladder_view", grid=grid, intro="", you=viewer == subject, **_names(deps)),
    )


def _refusal(deps: Deps, error: Exception) -> dict[str, Any]:
    if isinstance(error, NotOnRoster):
        return render("not_on_roster", trust=deps.framework.trust)
    return render("notice", warning=True, text=str(error))


def _selected(values: dict[str, Any], block: str) -> list[Any]:
    options: list[Any] = (
        values.get(block, {}).get(LadderIds.INPUT, {}).get("selected_options") or []
    )
    return options


def _names(deps: Deps) -> dict[str, Any]:
    return {"level_names": {level.level: level.name for level in deps.framework.ladder}}


def _checkpoint_name(deps: Deps, key: str) -> str:
    return next(c.name for c in deps.framework.checkpoints if c.key == key)


def _level_modal(deps: Deps, saved: dict[str, Any]) -> dict[str, Any]:
    return render(
        "ladder_level_modal",
        metadata=json.dumps(saved),
        level=deps.framework.ladder[len(saved["answers"])],
        last_level=SHEET_LEVELS,
        checkpoint=_checkpoint_name(deps, saved["cp"]),
        year=saved["year"],
    )


def _finish_modal(deps: Deps, saved: dict[str, Any], user_id: str) -> dict[str, Any]:
    sheet = sheet_from_answers(saved["answers"])
    preview = sheets.preview(
        db=deps.db, framework=deps.framework, slack_user_id=user_id, sheet=sheet
    )
    return render(
        "ladder_finish_modal",
        metadata=json.dumps(saved),
        preview=preview,
        colours=sheet.colours(deps.framework),
        ask_target=saved["cp"] == sheets.TARGET_CHECKPOINT,
        **_names(deps),
    )
