"""/feedback: the three-step feedback form, lesson visits and their buttons."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field
from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.core.errors import GENERAL, InvalidInput, problem
from bot.core.mentions import parse_command_text
from bot.feedback import form as fb
from bot.feedback import rules, visits
from bot.runtime.deps import Deps
from handlers.context import after_ack, listener, on_roster, send_soon, store_after_ack
from handlers.forms import FormSpec, Metadata, ViewState, record_id
from handlers.slack_users import bots_among
from messages import render
from messages.ids import FeedbackIds
from storage.models import Staff

COMMAND = "/feedback"
VISIT = "visit"
_FIELDS = {
    rules.OBSERVEE: FeedbackIds.OBSERVEE_BLOCK,
    rules.OBSERVED_ON: FeedbackIds.OBSERVED_ON_BLOCK,
    rules.CONTEXT: FeedbackIds.CONTEXT_BLOCK,
    rules.DETAIL: FeedbackIds.DETAIL_BLOCK,
    rules.STANDARDS: FeedbackIds.STANDARDS_BLOCK,
    rules.STRENGTHS: FeedbackIds.STRENGTHS_BLOCK,
    rules.DEVELOPMENT: FeedbackIds.DEVELOPMENT_BLOCK,
    rules.NEXT_STEPS: FeedbackIds.NEXT_STEPS_BLOCK,
}
_RATINGS = {rules.RATING: FeedbackIds.RATING_BLOCK_PREFIX}
FORMS = tuple(
    FormSpec(callback, what="feedback", fields=_FIELDS, prefixes=_RATINGS)
    for callback in (
        FeedbackIds.SUBJECT_MODAL,
        FeedbackIds.STANDARDS_MODAL,
        FeedbackIds.WRITE_MODAL,
    )
)


class Draft(Metadata):
    """What the earlier steps of the form decided, carried to the next."""

    observee: str
    observed_on: date
    context: str
    detail: str
    standards: list[str] = Field(default_factory=list)
    visit_id: int | None = None

    def subject(self, observer: Staff) -> fb.Subject:
        return fb.Subject(
            observer, self.observee, self.observed_on, self.context, self.detail, self.visit_id
        )


class ForVisit(Metadata):
    """The first step's metadata when a visit's [Write feedback] opened the form."""

    visit_id: int

    @classmethod
    def id_in(cls, view: dict[str, Any]) -> int | None:
        return cls.of(view).visit_id if view.get("private_metadata") else None


def register(app: App) -> None:
    app.command(COMMAND, middleware=[on_roster])(listener(feedback_command))
    app.view(FeedbackIds.SUBJECT_MODAL.value, middleware=[on_roster])(listener(subject_submitted))
    app.view(FeedbackIds.STANDARDS_MODAL.value, middleware=[on_roster])(
        listener(standards_submitted)
    )
    app.view(FeedbackIds.WRITE_MODAL.value, middleware=[on_roster])(listener(write_submitted))
    app.action(FeedbackIds.VISIT_VERBAL.value, middleware=[on_roster])(listener(verbal_given))
    app.action(FeedbackIds.VISIT_WRITE.value, middleware=[on_roster])(listener(write_clicked))


def feedback_command(
    ack: Ack,
    command: dict[str, str],
    person: Staff,
    deps: Deps,
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    ack()
    text = command.get("text", "").strip()
    first, _, rest = text.partition(" ")
    if first.lower() == VISIT:
        after_ack(context, lambda: _log_visit(deps, client, respond, person, rest))
    else:
        after_ack(context, lambda: _open_form(deps, client, command["trigger_id"], text))


def _open_form(deps: Deps, client: WebClient, trigger_id: str, text: str) -> None:
    parsed = parse_command_text(text)
    if parsed.others or len(parsed.users) > 1 or parsed.message:
        raise _usage()
    observee = parsed.users[0] if parsed.users else None
    client.views_open(trigger_id=trigger_id, view=_subject_modal(deps, observee))


def _log_visit(deps: Deps, client: WebClient, respond: Respond, observer: Staff, text: str) -> None:
    parsed = parse_command_text(text)
    words = parsed.message.split()
    if parsed.others or len(parsed.users) != 1 or len(words) > 1:
        raise _usage()
    outcome = visits.log_visit(
        db=deps.db,
        calendar=deps.calendar,
        observer=observer,
        observee_slack_id=parsed.users[0],
        visit_date=words[0] if words else None,
        now=deps.clock(),
        is_bot=bots_among(client, deps.db, parsed.users),
    )
    respond(
        response_type="ephemeral",
        **render(
            "visit_logged_reply", verbal_due=outcome.verbal_due, written_due=outcome.written_due
        ),
    )
    send_soon(deps, client, outcome.outbox_ids)


# --- the three steps ------------------------------------------------------------------------


def subject_submitted(
    ack: Ack,
    form: ViewState,
    view: dict[str, Any],
    person: Staff,
    deps: Deps,
    client: WebClient,
    context: BoltContext,
) -> None:
    observee = form.user(FeedbackIds.OBSERVEE_BLOCK)
    subject = fb.Subject(
        observer=person,
        observee_slack_id=observee,
        observed_on=form.day(FeedbackIds.OBSERVED_ON_BLOCK),
        context=form.choice(FeedbackIds.CONTEXT_BLOCK),
        context_detail=form.text(FeedbackIds.DETAIL_BLOCK).strip(),
        visit_id=ForVisit.id_in(view),
    )
    checked = _checked(deps, client, subject)
    draft = Draft(
        observee=observee or "",
        observed_on=checked.observed_on,
        context=checked.context.value,
        detail=subject.context_detail,
        visit_id=checked.visit.id if checked.visit else None,
    )
    ack(response_action="update", view=_standards_modal(deps, draft, checked))


def standards_submitted(
    ack: Ack,
    form: ViewState,
    view: dict[str, Any],
    person: Staff,
    deps: Deps,
    client: WebClient,
    context: BoltContext,
) -> None:
    draft = Draft.of(view)
    checked = _checked(deps, client, draft.subject(person))
    codes = rules.checked_standards(checked.standard_set, form.choices(FeedbackIds.STANDARDS_BLOCK))
    draft = draft.model_copy(update={"standards": codes})
    ack(response_action="update", view=_write_modal(deps, draft, checked))


def write_submitted(
    ack: Ack,
    form: ViewState,
    view: dict[str, Any],
    person: Staff,
    deps: Deps,
    client: WebClient,
    context: BoltContext,
) -> None:
    draft = Draft.of(view)
    ratings = {
        code: rating
        for code in draft.standards
        if (rating := form.choice(FeedbackIds.RATING_BLOCK_PREFIX + code))
    }
    request = fb.FeedbackRequest(
        subject=draft.subject(person),
        standards=draft.standards,
        ratings=ratings,
        strengths=form.text(FeedbackIds.STRENGTHS_BLOCK),
        development=form.text(FeedbackIds.DEVELOPMENT_BLOCK),
        next_steps=form.text(FeedbackIds.NEXT_STEPS_BLOCK),
    )
    record = fb.RecordFeedback(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        request=request,
        now=deps.clock(),  # checked and stored as of the moment the form was sent
        is_bot=bots_among(client, deps.db, [draft.observee]),
    )
    store_after_ack(ack, context, client, record)


# --- the visit message's buttons -------------------------------------------------------------


def verbal_given(
    ack: Ack,
    action: dict[str, Any],
    person: Staff,
    deps: Deps,
    respond: Respond,
    context: BoltContext,
) -> None:
    ack()

    def mark() -> None:
        visit = visits.mark_verbal_given(
            db=deps.db,
            calendar=deps.calendar,
            visit_id=record_id(action),
            observer=person,
            now=deps.clock(),
        )
        respond(replace_original=True, **render("visit_logged", **visit))

    after_ack(context, mark)


def write_clicked(
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
        visit = visits.visit_for_writing(
            db=deps.db, calendar=deps.calendar, visit_id=record_id(action), observer=person
        )
        if visit is not None:
            view = _subject_modal(deps, visit.observee_slack_id, visit.visited_on, visit)
            client.views_open(trigger_id=body["trigger_id"], view=view)

    after_ack(context, open_form)


# --- helpers ----------------------------------------------------------------------------------


def _checked(deps: Deps, client: WebClient, subject: fb.Subject) -> fb.CheckedSubject:
    return fb.check_subject(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        subject=subject,
        now=deps.clock(),
        is_bot=bots_among(client, deps.db, [subject.observee_slack_id or ""]),
    )


def _usage() -> InvalidInput:
    return InvalidInput({GENERAL: problem("feedback.usage")})


def _subject_modal(
    deps: Deps,
    observee: str | None,
    observed_on: date | None = None,
    visit: visits.VisitToWrite | None = None,
) -> dict[str, Any]:
    day = observed_on or deps.calendar.today(deps.clock())
    return render(
        "feedback_subject_modal",
        observee=observee,
        observed_on=day.isoformat(),
        max_detail=rules.MAX_DETAIL,
        visit=visit,
        metadata=ForVisit(visit_id=visit.visit_id).dump() if visit else "",
    )


def _subject_line(draft: Draft, checked: fb.CheckedSubject) -> dict[str, Any]:
    return {
        "name": checked.observee.name,
        "context": checked.context.value,
        "detail": draft.detail,
        "observed_on": checked.observed_on,
        "visit": checked.visit is not None,
    }


def _standards_modal(deps: Deps, draft: Draft, checked: fb.CheckedSubject) -> dict[str, Any]:
    return render(
        "feedback_standards_modal",
        metadata=draft.dump(),
        subject=_subject_line(draft, checked),
        standard_set=checked.standard_set,
        max_standards=rules.MAX_STANDARDS,
        groups=fb.standard_groups(checked.standard_set),
    )


def _write_modal(deps: Deps, draft: Draft, checked: fb.CheckedSubject) -> dict[str, Any]:
    standards = [checked.standard_set.get(code) for code in draft.standards]
    return render(
        "feedback_write_modal",
        metadata=draft.dump(),
        subject=_subject_line(draft, checked),
        standards=[s for s in standards if s is not None],
        standard_set=checked.standard_set,
        ratings=deps.framework.ratings,
        rating_scale=deps.framework.rating_scale,
        max_text=rules.MAX_TEXT,
    )
