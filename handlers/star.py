"""/star: the owner's STAR project, its KPI measurements, stages, notes and evaluation,
and the appraiser's confirmation."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.runtime.deps import Deps
from bot.star import evaluation, measure, projects
from handlers.context import after_ack, listener, on_roster, send_soon, store_after_ack
from handlers.forms import FormSpec, Metadata, ViewState, record_id, stale
from messages import render
from messages.ids import StarIds
from storage.models import Staff

COMMAND = "/star"
FORMS = (
    FormSpec(
        StarIds.NEW_MODAL,
        what="STAR project",
        fields={
            projects.TITLE: StarIds.TITLE_BLOCK,
            projects.QUESTION: StarIds.QUESTION_BLOCK,
            projects.BENEFICIARIES: StarIds.BENEFICIARIES_BLOCK,
            projects.KPI_NAME: StarIds.KPI_NAME_BLOCK,
            projects.KPI_UNIT: StarIds.KPI_UNIT_BLOCK,
            projects.DIRECTION: StarIds.DIRECTION_BLOCK,
            projects.METHOD: StarIds.METHOD_BLOCK,
            projects.START: StarIds.START_BLOCK,
            projects.END: StarIds.END_BLOCK,
            projects.BASELINE: StarIds.BASELINE_BLOCK,
        },
    ),
    FormSpec(StarIds.NOTE_MODAL, what="note", fields={projects.NOTE: StarIds.NOTE_BLOCK}),
    FormSpec(
        StarIds.MEASURE_MODAL,
        what="measurement",
        fields={
            "value": StarIds.VALUE_BLOCK,
            measure.KIND: StarIds.KIND_BLOCK,
            measure.SAME_WAY: StarIds.SAME_WAY_BLOCK,
        },
    ),
    FormSpec(
        StarIds.EVALUATE_MODAL,
        what="evaluation",
        fields={
            evaluation.LEARNED: StarIds.LEARNED_BLOCK,
            evaluation.WOULD_SHARE: StarIds.WOULD_SHARE_BLOCK,
        },
    ),
)
MODALS = {
    StarIds.ADD_NOTE: "star_note_modal",
    StarIds.RECORD: "star_measure_modal",
    StarIds.EVALUATE: "star_evaluate_modal",
}


class ProjectForm(Metadata):
    """Which project a note, measurement or evaluation form is about."""

    project_id: int


class FinalChoice(BaseModel):
    """What the "measured the same way" button carries."""

    project: int
    value: str


def register(app: App) -> None:
    app.command(COMMAND, middleware=[on_roster])(listener(star_command))
    app.view(StarIds.NEW_MODAL.value, middleware=[on_roster])(listener(new_submitted))
    app.view(StarIds.NOTE_MODAL.value, middleware=[on_roster])(listener(note_submitted))
    app.view(StarIds.MEASURE_MODAL.value, middleware=[on_roster])(listener(measure_submitted))
    app.view(StarIds.EVALUATE_MODAL.value, middleware=[on_roster])(listener(evaluate_submitted))
    app.action(StarIds.NEXT_STAGE.value, middleware=[on_roster])(listener(next_stage_clicked))
    for action in MODALS:
        app.action(action.value, middleware=[on_roster])(listener(open_form_clicked))
    app.action(StarIds.SHOW.value, middleware=[on_roster])(listener(show_clicked))
    app.action(StarIds.FINAL_SAME_WAY.value, middleware=[on_roster])(listener(final_confirmed))
    app.action(StarIds.CANCEL.value)(listener(cancelled))
    app.action(StarIds.CONFIRM_EVALUATION.value, middleware=[on_roster])(
        listener(evaluation_confirmed)
    )


# --- the command ----------------------------------------------------------------------


def star_command(
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
    words = command.get("text", "").split()
    if words == ["new"]:
        client.views_open(trigger_id=command["trigger_id"], view=_new_modal(deps))
    elif not words:
        status = projects.status(db=deps.db, calendar=deps.calendar, owner=person, now=deps.clock())
        if status is None:
            client.views_open(trigger_id=command["trigger_id"], view=_new_modal(deps))
        else:
            respond(response_type="ephemeral", **render("star_status", status=status, intro=None))
    elif words[0] == "measure" and len(words) in (2, 3):
        reading = measure.Reading(words[1], words[2] if len(words) == 3 else None, same_way=False)
        _measure_by_command(deps, respond, person, reading)
    else:
        respond(response_type="ephemeral", **render("star_usage"))


def _measure_by_command(
    deps: Deps, respond: Respond, owner: Staff, reading: measure.Reading
) -> None:
    try:
        outcome = measure.Measure(
            db=deps.db, calendar=deps.calendar, owner=owner, reading=reading, now=deps.clock()
        )()
    except measure.NeedsSameWay as question:
        choice = FinalChoice(project=question.project_id, value=repr(question.value))
        respond(
            response_type="ephemeral",
            **render(
                "star_confirm_final",
                value=question.value,
                method=question.method,
                payload=choice.model_dump_json(),
            ),
        )
        return
    respond(
        response_type="ephemeral", **render("star_status", status=outcome.status, intro="measured")
    )


# --- the forms --------------------------------------------------------------------------


def new_submitted(
    ack: Ack, form: ViewState, person: Staff, deps: Deps, client: WebClient, context: BoltContext
) -> None:
    request = projects.NewProject(
        title=form.text(StarIds.TITLE_BLOCK),
        question=form.text(StarIds.QUESTION_BLOCK),
        beneficiaries=form.text(StarIds.BENEFICIARIES_BLOCK),
        kpi_name=form.text(StarIds.KPI_NAME_BLOCK),
        kpi_unit=form.text(StarIds.KPI_UNIT_BLOCK),
        higher_is_better=_yes_no(form.choice(StarIds.DIRECTION_BLOCK), yes="higher"),
        kpi_method=form.text(StarIds.METHOD_BLOCK),
        planned_start=form.day(StarIds.START_BLOCK),
        planned_end=form.day(StarIds.END_BLOCK),
        baseline=form.text(StarIds.BASELINE_BLOCK),
    )
    start = projects.StartProject(
        db=deps.db, calendar=deps.calendar, owner=person, request=request, now=deps.clock()
    )
    store_after_ack(ack, context, client, start)


def note_submitted(
    ack: Ack,
    form: ViewState,
    view: dict[str, Any],
    person: Staff,
    deps: Deps,
    client: WebClient,
    context: BoltContext,
) -> None:
    note = projects.AddNote(
        db=deps.db,
        calendar=deps.calendar,
        owner=person,
        project_id=_project_of(view),
        text=form.text(StarIds.NOTE_BLOCK),
        now=deps.clock(),
    )
    store_after_ack(ack, context, client, note)


def measure_submitted(
    ack: Ack,
    form: ViewState,
    view: dict[str, Any],
    person: Staff,
    deps: Deps,
    client: WebClient,
    context: BoltContext,
) -> None:
    reading = measure.Reading(
        value_text=form.text(StarIds.VALUE_BLOCK),
        kind_text=form.choice(StarIds.KIND_BLOCK),
        same_way=form.ticked(StarIds.SAME_WAY_BLOCK),
        project_id=_project_of(view),
    )
    record = measure.Measure(
        db=deps.db,
        calendar=deps.calendar,
        owner=person,
        reading=reading,
        now=deps.clock(),
        notify=True,
    )
    store_after_ack(ack, context, client, record)


def evaluate_submitted(
    ack: Ack,
    form: ViewState,
    view: dict[str, Any],
    person: Staff,
    deps: Deps,
    client: WebClient,
    context: BoltContext,
) -> None:
    written = evaluation.Evaluation(
        project_id=_project_of(view),
        learned=form.text(StarIds.LEARNED_BLOCK),
        would_share=_yes_no(form.choice(StarIds.WOULD_SHARE_BLOCK), yes="yes"),
    )
    evaluate = evaluation.Evaluate(
        db=deps.db, calendar=deps.calendar, owner=person, evaluation=written, now=deps.clock()
    )
    store_after_ack(ack, context, client, evaluate)


# --- the buttons --------------------------------------------------------------------------


def next_stage_clicked(
    ack: Ack,
    action: dict[str, Any],
    person: Staff,
    deps: Deps,
    respond: Respond,
    context: BoltContext,
) -> None:
    ack()

    def move_on() -> None:
        project_id, _, shown = str(action.get("value", "")).partition(":")
        project = record_id({"value": project_id})
        from_stage = record_id({"value": shown}) if shown else None
        status = projects.advance(
            db=deps.db,
            calendar=deps.calendar,
            owner=person,
            project_id=project,
            now=deps.clock(),
            from_stage=from_stage,
        )
        respond(replace_original=True, **render("star_status", status=status, intro=None))

    after_ack(context, move_on)


def open_form_clicked(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    person: Staff,
    deps: Deps,
    client: WebClient,
    context: BoltContext,
) -> None:
    ack()

    def open_form() -> None:
        project_id = record_id(action)
        status = projects.project_status(
            db=deps.db, calendar=deps.calendar, owner=person, project_id=project_id
        )
        metadata = ProjectForm(project_id=project_id).dump()
        view = render(MODALS[action["action_id"]], status=status, metadata=metadata)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    after_ack(context, open_form)


def show_clicked(
    ack: Ack,
    action: dict[str, Any],
    person: Staff,
    deps: Deps,
    respond: Respond,
    context: BoltContext,
) -> None:
    ack()

    def show() -> None:
        status = projects.project_status(
            db=deps.db, calendar=deps.calendar, owner=person, project_id=record_id(action)
        )
        respond(
            response_type="ephemeral",
            replace_original=False,
            **render("star_status", status=status, intro=None),
        )

    after_ack(context, show)


def final_confirmed(
    ack: Ack,
    action: dict[str, Any],
    person: Staff,
    deps: Deps,
    respond: Respond,
    context: BoltContext,
) -> None:
    ack()

    def record() -> None:
        try:
            choice = FinalChoice.model_validate_json(str(action.get("value")))
        except ValidationError:
            raise stale() from None
        reading = measure.Reading(choice.value, "final", same_way=True, project_id=choice.project)
        outcome = measure.Measure(
            db=deps.db, calendar=deps.calendar, owner=person, reading=reading, now=deps.clock()
        )()
        respond(
            replace_original=True,
            **render("star_status", status=outcome.status, intro="measured"),
        )

    after_ack(context, record)


def cancelled(ack: Ack, respond: Respond, deps: Deps, context: BoltContext) -> None:
    ack()
    after_ack(context, lambda: respond(delete_original=True))


def evaluation_confirmed(
    ack: Ack,
    action: dict[str, Any],
    person: Staff,
    deps: Deps,
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    ack()

    def confirm() -> None:
        outcome = evaluation.confirm_evaluation(
            db=deps.db,
            calendar=deps.calendar,
            appraiser=person,
            project_id=record_id(action),
            now=deps.clock(),
        )
        respond(replace_original=True, **render("star_evaluation_request", status=outcome.status))
        send_soon(deps, client, outcome.outbox_ids)

    after_ack(context, confirm)


# --- reading what Slack sent back -----------------------------------------------------------


def _project_of(view: dict[str, Any]) -> int:
    return ProjectForm.of(view).project_id


def _yes_no(choice: str | None, *, yes: str) -> bool | None:
    return None if choice is None else choice == yes


def _new_modal(deps: Deps) -> dict[str, Any]:
    sharing = deps.framework.star.sharing_day
    return render(
        "star_new_modal",
        today=deps.calendar.today(deps.clock()).isoformat(),
        sharing_day=sharing.name if sharing else None,
        sharing_month=sharing.month if sharing else None,
    )
