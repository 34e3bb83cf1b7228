"""/objectives: the year's three objectives, written by the person, agreed and reviewed by
their appraiser; `/objectives @a` for a's appraiser and leaders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError
from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.core.errors import GENERAL, InvalidInput, NotAllowed, problem
from bot.core.mentions import parse_command_text
from bot.core.usecase import UseCase
from bot.ladder.grid import level_names
from bot.objectives import rules
from bot.objectives.agree import AskToTalk, agree
from bot.objectives.review import ReviewObjectives
from bot.objectives.view import (
    ObjectivesView,
    objectives_of_set,
    objectives_seen_by,
    own_objectives,
    standard_set_of,
    year_now,
)
from bot.objectives.write import Draft, WriteObjectives
from bot.runtime.deps import Deps
from handlers.context import after_ack, listener, on_roster, send_soon
from handlers.forms import FormSpec, Metadata, ViewState, record_id, stale
from handlers.home import record_modal, refresh_homes
from messages import render
from messages.ids import ObjectivesIds as Ids
from storage.models import Staff

COMMAND = "/objectives"
FORMS = (
    FormSpec(
        Ids.MODAL,
        what="objectives",
        fields={
            **{rules.text_field(n): f"{Ids.TEXT_BLOCK_PREFIX}{n}" for n in rules.NUMBERS},
            rules.STANDARDS: Ids.STANDARDS_BLOCK,
            rules.TARGET: Ids.TARGET_BLOCK,
        },
    ),
    FormSpec(Ids.TALK_MODAL, what="comment", fields={rules.COMMENT: Ids.COMMENT_BLOCK}),
    FormSpec(
        Ids.REVIEW_MODAL,
        what="review",
        fields={
            **{rules.status_field(n): f"{Ids.STATUS_BLOCK_PREFIX}{n}" for n in rules.NUMBERS},
            **{rules.comment_field(n): f"{Ids.REVIEW_COMMENT_PREFIX}{n}" for n in rules.NUMBERS},
        },
    ),
)


class AgreeChoice(BaseModel):
    """What the Agree button carries: the set and the version the appraiser was shown."""

    set: int
    version: int


class SetForm(Metadata):
    set_id: int


class ReviewForm(Metadata):
    set_id: int
    checkpoint: str


def register(app: App) -> None:
    app.command(COMMAND, middleware=[on_roster])(listener(objectives_command))
    app.action(Ids.OPEN.value, middleware=[on_roster])(listener(open_clicked))
    app.view(Ids.MODAL.value, middleware=[on_roster])(listener(objectives_submitted))
    app.action(Ids.AGREE.value, middleware=[on_roster])(listener(agree_clicked))
    app.action(Ids.TALK.value, middleware=[on_roster])(listener(talk_clicked))
    app.view(Ids.TALK_MODAL.value, middleware=[on_roster])(listener(talk_submitted))
    app.action(Ids.REVIEW.value, middleware=[on_roster])(listener(review_clicked))
    app.view(Ids.REVIEW_MODAL.value, middleware=[on_roster])(listener(review_submitted))


# --- the command and the person's own form ------------------------------------------------


def objectives_command(
    ack: Ack,
    command: dict[str, str],
    person: Staff,
    deps: Deps,
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    ack()
    parsed = parse_command_text(command.get("text", ""))
    if parsed.others or parsed.message or len(parsed.users) > 1:
        raise InvalidInput({GENERAL: problem("objectives.usage")})
    if parsed.users and parsed.users[0] != person.slack_user_id:
        subject = parsed.users[0]
        after_ack(context, lambda: _show(deps, respond, person, subject))
        return
    client.views_open(trigger_id=command["trigger_id"], view=own_form(deps, person))


def _show(deps: Deps, respond: Respond, viewer: Staff, subject_slack_id: str) -> None:
    view = objectives_seen_by(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        viewer=viewer,
        subject_slack_id=subject_slack_id,
        now=deps.clock(),
    )
    reply = render("objectives_view", view=view, appraiser=view.appraiser_id == viewer.id)
    respond(response_type="ephemeral", **reply)


def open_clicked(
    ack: Ack,
    body: dict[str, Any],
    person: Staff,
    deps: Deps,
    client: WebClient,
    context: BoltContext,
) -> None:
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=own_form(deps, person))


def own_form(deps: Deps, person: Staff) -> dict[str, Any]:
    """The person's objectives: the form while not agreed, read only once agreed."""
    view = own_objectives(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        person=person,
        now=deps.clock(),
    )
    if view.agreed:
        return render("objectives_view_modal", view=view)
    year = year_now(deps.calendar, deps.clock())
    agree_by = rules.agreement_window(deps.framework, year).closes
    return render(
        "objectives_modal",
        view=view,
        standards=deps.framework.standard_sets[standard_set_of(deps.framework, person)],
        level_names=level_names(deps.framework),
        # A date already passed is not promised again (November's form names none).
        agree_by=agree_by if deps.calendar.today(deps.clock()) <= agree_by else None,
    )


def objectives_submitted(
    ack: Ack, form: ViewState, person: Staff, deps: Deps, client: WebClient, context: BoltContext
) -> None:
    target = form.choice(Ids.TARGET_BLOCK)
    draft = Draft(
        main_role=form.text(f"{Ids.TEXT_BLOCK_PREFIX}{rules.MAIN_ROLE}"),
        star=form.text(f"{Ids.TEXT_BLOCK_PREFIX}{rules.STAR}"),
        leadership=form.text(f"{Ids.TEXT_BLOCK_PREFIX}{rules.LEADERSHIP}"),
        standards=form.choices(Ids.STANDARDS_BLOCK),
        target=int(target) if target and target.isdigit() else None,
    )
    write = WriteObjectives(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        person=person,
        draft=draft,
        now=deps.clock(),
    )
    _store(ack, context, client, write)


# --- the appraiser's buttons and forms --------------------------------------------------------


def agree_clicked(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    person: Staff,
    deps: Deps,
    client: WebClient,
    respond: Respond | None,
    context: BoltContext,
) -> None:
    ack()
    try:
        choice = AgreeChoice.model_validate_json(str(action.get("value")))
    except ValidationError:
        raise stale() from None

    def agree_now() -> None:
        outcome = agree(
            db=deps.db,
            framework=deps.framework,
            calendar=deps.calendar,
            appraiser=person,
            set_id=choice.set,
            version=choice.version,
            now=deps.clock(),
        )
        modal = _modal_of(body)
        if modal is not None:  # clicked in a record: show the record as it is now
            client.views_update(
                view_id=modal["id"], view=record_modal(deps, person, outcome.view.person_id)
            )
        elif respond is not None:
            message = render("objectives_to_agree", view=outcome.view, result=outcome.result)
            respond(replace_original=True, **message)
        send_soon(deps, client, outcome.outbox_ids)
        refresh_homes(deps, client, outcome.refresh)

    after_ack(context, agree_now)


def talk_clicked(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    person: Staff,
    deps: Deps,
    client: WebClient,
    context: BoltContext,
) -> None:
    ack()
    set_id = record_id(action)
    view = _appraisees(deps, person, set_id)
    if view.agreed:
        raise NotAllowed(problem("objectives.agreed_already"))
    modal = render("objectives_talk_modal", view=view, metadata=SetForm(set_id=set_id).dump())
    _open(client, body, modal)


def talk_submitted(
    ack: Ack,
    form: ViewState,
    view: dict[str, Any],
    person: Staff,
    deps: Deps,
    client: WebClient,
    context: BoltContext,
) -> None:
    talk = AskToTalk(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        appraiser=person,
        set_id=SetForm.of(view).set_id,
        comment=form.text(Ids.COMMENT_BLOCK),
        now=deps.clock(),
    )
    _store(ack, context, client, talk)


def review_clicked(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    person: Staff,
    deps: Deps,
    client: WebClient,
    context: BoltContext,
) -> None:
    ack()
    set_id = record_id(action)
    view = _appraisees(deps, person, set_id)
    if not view.agreed:
        raise NotAllowed(problem("objectives.not_agreed_yet"))
    if view.review_at is None:
        year = year_now(deps.calendar, deps.clock())
        first = rules.review_windows(deps.framework, year)[0]
        raise NotAllowed(
            problem("objectives.no_review_yet", name=first.checkpoint.name, opens=first.opens)
        )
    at = view.review_at
    modal = render(
        "objectives_review_modal",
        view=view,
        metadata=ReviewForm(set_id=set_id, checkpoint=at.key).dump(),
        checkpoint=at.name,
        key=at.key,
        statuses=at.statuses,
    )
    _open(client, body, modal)


def review_submitted(
    ack: Ack,
    form: ViewState,
    view: dict[str, Any],
    person: Staff,
    deps: Deps,
    client: WebClient,
    context: BoltContext,
) -> None:
    metadata = ReviewForm.of(view)
    review = ReviewObjectives(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        appraiser=person,
        set_id=metadata.set_id,
        checkpoint=metadata.checkpoint,
        statuses={n: form.choice(f"{Ids.STATUS_BLOCK_PREFIX}{n}") for n in rules.NUMBERS},
        comments={n: form.text(f"{Ids.REVIEW_COMMENT_PREFIX}{n}") for n in rules.NUMBERS},
        now=deps.clock(),
    )
    _store(ack, context, client, review)


# --- shared -------------------------------------------------------------------------------------


class _Done(Protocol):
    @property
    def outbox_ids(self) -> list[int]: ...

    @property
    def refresh(self) -> list[str]: ...


def _store(ack: Ack, context: BoltContext, client: WebClient, use_case: UseCase[_Done]) -> None:
    """Validate before the ack (errors beside the fields), store after it, send what it owes
    and refresh the App Home of the people whose objectives these are."""
    use_case.validate()
    ack()
    deps: Deps = context["deps"]

    def store() -> None:
        done = use_case()
        send_soon(deps, client, done.outbox_ids)
        refresh_homes(deps, client, done.refresh)

    after_ack(context, store)


def _appraisees(deps: Deps, appraiser: Staff, set_id: int) -> ObjectivesView:
    """Objectives a button is about, when the one who clicked is the person's appraiser."""
    view = objectives_of_set(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        viewer=appraiser,
        set_id=set_id,
        now=deps.clock(),
    )
    if view.appraiser_id != appraiser.id:
        raise NotAllowed(problem("objectives.not_appraiser"))
    return view


def _modal_of(body: dict[str, Any]) -> dict[str, Any] | None:
    """The modal a button was clicked in (None for a message or the Home tab)."""
    view = body.get("view")
    return view if isinstance(view, dict) and view.get("type") == "modal" else None


def _open(client: WebClient, body: dict[str, Any], modal: dict[str, Any]) -> None:
    """Open a form from a message or the Home tab, or push it over the modal the button was in."""
    opener: Callable[..., Any] = client.views_push if _modal_of(body) else client.views_open
    opener(trigger_id=body["trigger_id"], view=modal)
