"""/star: the owner's STAR project, its KPI measurements, stages, notes and evaluation,
and the appraiser's confirmation."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.core.errors import InvalidInput, NotAllowed, NotOnRoster
from bot.core.people import ensure_on_roster
from bot.runtime.deps import Deps
from bot.star import projects as star
from handlers.outbox import send_soon
from messages import render
from messages.ids import StarIds

COMMAND = "/star"
FIELD_BLOCKS = {
    star.TITLE: StarIds.TITLE_BLOCK,
    star.QUESTION: StarIds.QUESTION_BLOCK,
    star.BENEFICIARIES: StarIds.BENEFICIARIES_BLOCK,
    star.KPI_NAME: StarIds.KPI_NAME_BLOCK,
    star.KPI_UNIT: StarIds.KPI_UNIT_BLOCK,
    star.DIRECTION: StarIds.DIRECTION_BLOCK,
    star.METHOD: StarIds.METHOD_BLOCK,
    star.START: StarIds.START_BLOCK,
    star.END: StarIds.END_BLOCK,
    star.BASELINE: StarIds.BASELINE_BLOCK,
    star.VALUE: StarIds.VALUE_BLOCK,
    star.KIND: StarIds.KIND_BLOCK,
    star.SAME_WAY: StarIds.SAME_WAY_BLOCK,
    star.NOTE: StarIds.NOTE_BLOCK,
    star.LEARNED: StarIds.LEARNED_BLOCK,
    star.WOULD_SHARE: StarIds.WOULD_SHARE_BLOCK,
}
Refusal = InvalidInput | NotAllowed | NotOnRoster


def register(app: App, deps: Deps) -> None:
    def star_command(
        ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        words = command.get("text", "").split()
        user = command["user_id"]
        try:
            if not words:
                status = star.status(
                    db=deps.db, calendar=deps.calendar, slack_user_id=user, now=deps.clock()
                )
                if status is None:
                    client.views_open(trigger_id=command["trigger_id"], view=_new_modal(deps))
                else:
                    respond(
                        response_type="ephemeral",
                        **render("star_status", status=status, intro=None),
                    )
            elif words == ["new"]:
                ensure_on_roster(deps.db, user)
                client.views_open(trigger_id=command["trigger_id"], view=_new_modal(deps))
            elif words[0] == "measure" and len(words) in (2, 3):
                _measure_by_command(
                    deps, respond, user, words[1], words[2] if len(words) == 3 else None
                )
            else:
                respond(response_type="ephemeral", **render("star_usage"))
        except (InvalidInput, NotAllowed, NotOnRoster) as error:
            respond(response_type="ephemeral", **_refusal(deps, error))

    def new_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        request = _new_project(body["user"]["id"], view["state"]["values"])
        submitted = deps.clock()
        if not _checked(
            deps,
            ack,
            lambda: star.check_new(
                db=deps.db, calendar=deps.calendar, request=request, now=submitted
            ),
        ):
            return
        outcome = _after_ack(
            deps,
            client,
            body,
            "STAR project",
            lambda: star.create(db=deps.db, calendar=deps.calendar, request=request, now=submitted),
        )
        if outcome is not None:
            send_soon(deps, client, outcome.outbox_ids)

    def note_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        text = _text(view["state"]["values"], StarIds.NOTE_BLOCK)
        if not _checked(deps, ack, lambda: star.check_note(text)):
            return
        outcome = _after_ack(
            deps,
            client,
            body,
            "note",
            lambda: star.note(
                db=deps.db,
                slack_user_id=body["user"]["id"],
                project_id=int(view["private_metadata"]),
                text=text,
                now=deps.clock(),
            ),
        )
        if outcome is not None:
            send_soon(deps, client, outcome.outbox_ids)

    def measure_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        values = view["state"]["values"]
        arguments: dict[str, Any] = {
            "db": deps.db,
            "calendar": deps.calendar,
            "slack_user_id": body["user"]["id"],
            "value_text": _text(values, StarIds.VALUE_BLOCK),
            "kind_text": (_element(values, StarIds.KIND_BLOCK).get("selected_option") or {}).get(
                "value"
            ),
            "same_way": bool(_element(values, StarIds.SAME_WAY_BLOCK).get("selected_options")),
            "project_id": int(view["private_metadata"]),
        }
        submitted = deps.clock()
        try:
            star.check_measure(now=submitted, **arguments)
        except star.NeedsSameWay:
            ack(
                response_action="errors",
                errors={
                    StarIds.SAME_WAY_BLOCK.value: "A final measurement must be taken exactly "
                    "like the baseline: tick to confirm it was."
                },
            )
            return
        except (InvalidInput, NotAllowed, NotOnRoster) as error:
            ack(response_action="errors", errors=_block_errors(deps, error, StarIds.VALUE_BLOCK))
            return
        ack()
        outcome = _after_ack(
            deps,
            client,
            body,
            "measurement",
            lambda: star.measure(now=submitted, notify=True, **arguments),
        )
        if outcome is not None:
            send_soon(deps, client, outcome.outbox_ids)

    def evaluate_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        values = view["state"]["values"]
        choice = (_element(values, StarIds.WOULD_SHARE_BLOCK).get("selected_option") or {}).get(
            "value"
        )
        arguments: dict[str, Any] = {
            "db": deps.db,
            "slack_user_id": body["user"]["id"],
            "project_id": int(view["private_metadata"]),
            "learned": _text(values, StarIds.LEARNED_BLOCK),
            "would_share": None if choice is None else choice == "yes",
        }
        if not _checked(deps, ack, lambda: star.check_evaluation(**arguments)):
            return
        outcome = _after_ack(
            deps, client, body, "evaluation", lambda: star.evaluate(now=deps.clock(), **arguments)
        )
        if outcome is not None:
            send_soon(deps, client, outcome.outbox_ids)

    def next_stage_clicked(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        ack()
        try:
            status = star.advance(
                db=deps.db,
                slack_user_id=body["user"]["id"],
                project_id=int(action["value"]),
                now=deps.clock(),
            )
        except (InvalidInput, NotAllowed, NotOnRoster) as error:
            respond(response_type="ephemeral", replace_original=False, **_refusal(deps, error))
            return
        respond(replace_original=True, **render("star_status", status=status, intro=None))

    def open_modal(template: str) -> Any:
        def opened(
            ack: Ack,
            body: dict[str, Any],
            action: dict[str, Any],
            client: WebClient,
            respond: Respond,
        ) -> None:
            ack()
            try:
                status = star.project_status(
                    db=deps.db, slack_user_id=body["user"]["id"], project_id=int(action["value"])
                )
            except (NotAllowed, NotOnRoster) as error:
                respond(response_type="ephemeral", replace_original=False, **_refusal(deps, error))
                return
            view = render(template, status=status, project_id=status.project_id)
            client.views_open(trigger_id=body["trigger_id"], view=view)

        return opened

    def show_clicked(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        ack()
        try:
            status = star.project_status(
                db=deps.db, slack_user_id=body["user"]["id"], project_id=int(action["value"])
            )
        except (NotAllowed, NotOnRoster) as error:
            respond(response_type="ephemeral", replace_original=False, **_refusal(deps, error))
            return
        respond(
            response_type="ephemeral",
            replace_original=False,
            **render("star_status", status=status, intro=None),
        )

    def final_confirmed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        ack()
        chosen = json.loads(action["value"])
        try:
            outcome = star.measure(
                db=deps.db,
                calendar=deps.calendar,
                slack_user_id=body["user"]["id"],
                value_text=chosen["value"],
                kind_text="final",
                same_way=True,
                project_id=chosen["project"],
                now=deps.clock(),
            )
        except (InvalidInput, NotAllowed, NotOnRoster) as error:
            respond(replace_original=True, **_refusal(deps, error))
            return
        respond(
            replace_original=True, **render("star_status", status=outcome.status, intro="measured")
        )

    def cancelled(ack: Ack, respond: Respond) -> None:
        ack()
        respond(delete_original=True)

    def evaluation_confirmed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        try:
            outcome = star.confirm_evaluation(
                db=deps.db,
                clicker_slack_id=body["user"]["id"],
                project_id=int(action["value"]),
                now=deps.clock(),
            )
        except (InvalidInput, NotAllowed, NotOnRoster) as error:
            respond(response_type="ephemeral", replace_original=False, **_refusal(deps, error))
            return
        respond(replace_original=True, **render("star_evaluation_request", status=outcome.status))
        send_soon(deps, client, outcome.outbox_ids)

    app.command(COMMAND)(star_command)
    app.view(StarIds.NEW_MODAL.value)(new_submitted)
    app.view(StarIds.NOTE_MODAL.value)(note_submitted)
    app.view(StarIds.MEASURE_MODAL.value)(measure_submitted)
    app.view(StarIds.EVALUATE_MODAL.value)(evaluate_submitted)
    app.action(StarIds.NEXT_STAGE.value)(next_stage_clicked)
    app.action(StarIds.ADD_NOTE.value)(open_modal("star_note_modal"))
    app.action(StarIds.RECORD.value)(open_modal("star_measure_modal"))
    app.action(StarIds.EVALUATE.value)(open_modal("star_evaluate_modal"))
    app.action(StarIds.FINAL_SAME_WAY.value)(final_confirmed)
    app.action(StarIds.CANCEL.value)(cancelled)
    app.action(StarIds.CONFIRM_EVALUATION.value)(evaluation_confirmed)
    app.action(StarIds.SHOW.value)(show_clicked)


def _measure_by_command(
    deps: Deps, respond: Respond, user: str, value: str, kind: str | None
) -> None:
    try:
        outcome = star.measure(
            db=deps.db,
            calendar=deps.calendar,
            slack_user_id=user,
            value_text=value,
            kind_text=kind,
            same_way=False,
            now=deps.clock(),
        )
    except star.NeedsSameWay as question:
        status = star.status(
            db=deps.db, calendar=deps.calendar, slack_user_id=user, now=deps.clock()
        )
        assert status is not None
        payload = json.dumps({"project": status.project_id, "value": value})
        respond(
            response_type="ephemeral",
            **render("star_confirm_final", value=value, method=question.method, payload=payload),
        )
        return
    respond(
        response_type="ephemeral", **render("star_status", status=outcome.status, intro="measured")
    )


def _checked(deps: Deps, ack: Ack, check: Any) -> bool:
    """Run a read-only check; answer the form with its errors and return False if it fails."""
    try:
        check()
    except (InvalidInput, NotAllowed, NotOnRoster) as error:
        ack(response_action="errors", errors=_block_errors(deps, error, None))
        return False
    ack()
    return True


def _after_ack(deps: Deps, client: WebClient, body: dict[str, Any], what: str, write: Any) -> Any:
    """Store what a form, already answered, asked for; tell the person if it could not be."""
    try:
        return write()
    except (InvalidInput, NotAllowed, NotOnRoster) as error:  # something changed in between
        reason = _refusal(deps, error)["text"]
        client.chat_postMessage(
            channel=body["user"]["id"], **render("not_sent", what=what, reason=reason)
        )
        return None


def _block_errors(deps: Deps, error: Refusal, default: StarIds | None) -> dict[str, str]:
    if isinstance(error, InvalidInput):
        errors = {
            FIELD_BLOCKS[name].value: text
            for name, text in error.field_errors.items()
            if name in FIELD_BLOCKS
        }
        if errors:
            return errors
    block = default or StarIds.TITLE_BLOCK
    return {block.value: str(_refusal(deps, error)["text"])}


def _refusal(deps: Deps, error: Exception) -> dict[str, Any]:
    if isinstance(error, NotOnRoster):
        return render("not_on_roster", trust=deps.framework.trust)
    return render("notice", warning=True, text=str(error))


def _element(values: dict[str, Any], block: str) -> dict[str, Any]:
    element: dict[str, Any] = values.get(block, {}).get(StarIds.INPUT.value, {})
    return element


def _text(values: dict[str, Any], block: str) -> str:
    return str(_element(values, block).get("value") or "")


def _new_project(user: str, values: dict[str, Any]) -> star.NewProject:
    direction = (_element(values, StarIds.DIRECTION_BLOCK).get("selected_option") or {}).get(
        "value"
    )

    def day(block: str) -> date | None:
        raw = _element(values, block).get("selected_date")
        return date.fromisoformat(raw) if raw else None

    return star.NewProject(
        owner_slack_id=user,
        title=_text(values, StarIds.TITLE_BLOCK),
        question=_text(values, StarIds.QUESTION_BLOCK),
        beneficiaries=_text(values, StarIds.BENEFICIARIES_BLOCK),
        kpi_name=_text(values, StarIds.KPI_NAME_BLOCK),
        kpi_unit=_text(values, StarIds.KPI_UNIT_BLOCK),
        higher_is_better=None if direction is None else direction == "higher",
        kpi_method=_text(values, StarIds.METHOD_BLOCK),
        planned_start=day(StarIds.START_BLOCK),
        planned_end=day(StarIds.END_BLOCK),
        baseline=_text(values, StarIds.BASELINE_BLOCK),
    )


def _new_modal(deps: Deps) -> dict[str, Any]:
    return render("star_new_modal", today=deps.calendar.today(deps.clock()).isoformat())
