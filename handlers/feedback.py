"""/feedback: the three-step feedback form, lesson visits and their buttons."""

from __future__ import annotations

import json
from datetime import date
from functools import partial
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.core.errors import InvalidInput, NotAllowed, NotOnRoster
from bot.core.mentions import parse_command_text
from bot.core.people import ensure_on_roster
from bot.feedback import forms as fb
from bot.runtime.deps import Deps
from handlers.outbox import send_soon
from handlers.slack_users import is_bot
from messages import render
from messages.ids import FeedbackIds

COMMAND = "/feedback"
VISIT = "visit"

FIELD_BLOCKS = {
    fb.OBSERVEE: FeedbackIds.OBSERVEE_BLOCK,
    fb.OBSERVED_ON: FeedbackIds.OBSERVED_ON_BLOCK,
    fb.CONTEXT: FeedbackIds.CONTEXT_BLOCK,
    fb.DETAIL: FeedbackIds.DETAIL_BLOCK,
    fb.STANDARDS: FeedbackIds.STANDARDS_BLOCK,
    fb.STRENGTHS: FeedbackIds.STRENGTHS_BLOCK,
    fb.DEVELOPMENT: FeedbackIds.DEVELOPMENT_BLOCK,
    fb.NEXT_STEPS: FeedbackIds.NEXT_STEPS_BLOCK,
}
RATING_FIELD = fb.rating_field("")
Refusal = InvalidInput | NotOnRoster | NotAllowed


def register(app: App, deps: Deps) -> None:
    def feedback_command(
        ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        text = command.get("text", "").strip()
        first, _, rest = text.partition(" ")
        if first.lower() == VISIT:
            _log_visit(deps, client, respond, command["user_id"], rest)
            return
        parsed = parse_command_text(text)
        if parsed.others or len(parsed.users) > 1 or parsed.message:
            respond(response_type="ephemeral", **render("feedback_usage"))
            return
        observee = parsed.users[0] if parsed.users else None
        try:
            ensure_on_roster(deps.db, command["user_id"])
        except NotOnRoster as error:
            respond(
                response_type="ephemeral",
                **render("notice", warning=True, text=_reason(deps, error)),
            )
            return
        client.views_open(trigger_id=command["trigger_id"], view=_subject_modal(deps, observee))

    def subject_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        subject = _subject_from_form(body, view["state"]["values"])
        try:
            checked = _check_subject(deps, client, subject)
        except (InvalidInput, NotOnRoster) as error:
            ack(response_action="errors", errors=_block_errors(deps, error))
            return
        ack(response_action="update", view=_standards_modal(deps, subject, checked))

    def standards_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        saved = json.loads(view["private_metadata"])
        chosen = _input(view["state"]["values"], FeedbackIds.STANDARDS_BLOCK, "selected_options")
        try:
            checked = _check_subject(deps, client, _subject_from_saved(saved, body))
            codes = fb.check_standards(checked.standard_set, [o["value"] for o in chosen or []])
        except (InvalidInput, NotOnRoster) as error:
            ack(response_action="errors", errors=_block_errors(deps, error))
            return
        ack(response_action="update", view=_write_modal(deps, saved, checked, codes))

    def write_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        saved = json.loads(view["private_metadata"])
        request = _request(saved, body, view["state"]["values"])
        submitted = deps.clock()  # checked and stored as of the moment the form was sent
        arguments: dict[str, Any] = {
            "db": deps.db,
            "framework": deps.framework,
            "calendar": deps.calendar,
            "request": request,
            "is_bot": partial(is_bot, client),
        }
        # Errors must come back in the ack: check by reading, answer, then store.
        try:
            fb.check_feedback(now=submitted, **arguments)
        except (InvalidInput, NotOnRoster) as error:
            ack(response_action="errors", errors=_block_errors(deps, error))
            return
        ack()
        try:
            outcome = fb.record_feedback(now=submitted, **arguments)
        except (InvalidInput, NotOnRoster) as error:  # the roster changed in between
            client.chat_postMessage(
                channel=body["user"]["id"],
                **render("not_sent", what="feedback", reason=_reason(deps, error)),
            )
            return
        send_soon(deps, client, outcome.outbox_ids)

    def verbal_given(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        ack()
        try:
            visit = fb.mark_verbal_given(
                db=deps.db,
                visit_id=int(action["value"]),
                clicker_slack_id=body["user"]["id"],
                now=deps.clock(),
            )
        except (NotAllowed, NotOnRoster) as error:
            respond(
                response_type="ephemeral",
                replace_original=False,
                **render("notice", warning=True, text=_reason(deps, error)),
            )
            return
        respond(replace_original=True, **render("visit_logged", **visit))

    def write_clicked(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
    ) -> None:
        ack()
        visit = fb.visit_for_writing(
            db=deps.db, visit_id=int(action["value"]), clicker_slack_id=body["user"]["id"]
        )
        if visit is not None:
            observee, visited_on = visit
            view = _subject_modal(deps, observee, visited_on)
            client.views_open(trigger_id=body["trigger_id"], view=view)

    app.command(COMMAND)(feedback_command)
    app.view(FeedbackIds.SUBJECT_MODAL.value)(subject_submitted)
    app.view(FeedbackIds.STANDARDS_MODAL.value)(standards_submitted)
    app.view(FeedbackIds.WRITE_MODAL.value)(write_submitted)
    app.action(FeedbackIds.VISIT_VERBAL.value)(verbal_given)
    app.action(FeedbackIds.VISIT_WRITE.value)(write_clicked)


def _log_visit(deps: Deps, client: WebClient, respond: Respond, user_id: str, text: str) -> None:
    parsed = parse_command_text(text)
    words = parsed.message.split()
    try:
        if parsed.others or len(parsed.users) != 1 or len(words) > 1:
            raise InvalidInput({fb.OBSERVEE: render("feedback_usage")["text"]})
        outcome = fb.log_visit(
            db=deps.db,
            calendar=deps.calendar,
            observer_slack_id=user_id,
            observee_slack_id=parsed.users[0],
            visit_date=words[0] if words else None,
            now=deps.clock(),
            is_bot=partial(is_bot, client),
        )
    except (InvalidInput, NotOnRoster) as error:
        respond(
            response_type="ephemeral", **render("notice", warning=True, text=_reason(deps, error))
        )
        return
    respond(
        response_type="ephemeral",
        **render(
            "visit_logged_reply", verbal_due=outcome.verbal_due, written_due=outcome.written_due
        ),
    )
    send_soon(deps, client, outcome.outbox_ids)


def _check_subject(deps: Deps, client: WebClient, subject: fb.Subject) -> fb.CheckedSubject:
    return fb.check_subject(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        subject=subject,
        now=deps.clock(),
        is_bot=partial(is_bot, client),
    )


# --- reading the forms ---------------------------------------------------------


def _input(values: dict[str, Any], block: str, key: str) -> Any:
    return values.get(block, {}).get(FeedbackIds.INPUT.value, {}).get(key)


def _subject_from_form(body: dict[str, Any], values: dict[str, Any]) -> fb.Subject:
    raw_date = _input(values, FeedbackIds.OBSERVED_ON_BLOCK, "selected_date")
    context = _input(values, FeedbackIds.CONTEXT_BLOCK, "selected_option") or {}
    return fb.Subject(
        observer_slack_id=body["user"]["id"],
        observee_slack_id=_input(values, FeedbackIds.OBSERVEE_BLOCK, "selected_user"),
        observed_on=date.fromisoformat(raw_date) if raw_date else None,
        context=context.get("value"),
        context_detail=_input(values, FeedbackIds.DETAIL_BLOCK, "value") or "",
    )


def _subject_from_saved(saved: dict[str, Any], body: dict[str, Any]) -> fb.Subject:
    return fb.Subject(
        observer_slack_id=body["user"]["id"],
        observee_slack_id=saved["observee"],
        observed_on=date.fromisoformat(saved["observed_on"]),
        context=saved["context"],
        context_detail=saved["detail"],
    )


def _request(
    saved: dict[str, Any], body: dict[str, Any], values: dict[str, Any]
) -> fb.FeedbackRequest:
    ratings = {}
    for code in saved["standards"]:
        chosen = _input(values, FeedbackIds.RATING_BLOCK_PREFIX + code, "selected_option")
        if chosen:
            ratings[code] = chosen["value"]
    return fb.FeedbackRequest(
        subject=_subject_from_saved(saved, body),
        standards=saved["standards"],
        ratings=ratings,
        strengths=_input(values, FeedbackIds.STRENGTHS_BLOCK, "value") or "",
        development=_input(values, FeedbackIds.DEVELOPMENT_BLOCK, "value") or "",
        next_steps=_input(values, FeedbackIds.NEXT_STEPS_BLOCK, "value") or "",
    )


def _block_errors(deps: Deps, error: InvalidInput | NotOnRoster) -> dict[str, str]:
    if isinstance(error, NotOnRoster):
        return {FeedbackIds.OBSERVEE_BLOCK.value: _reason(deps, error)}
    blocks = {}
    for name, text in error.field_errors.items():
        if name.startswith(RATING_FIELD):
            blocks[FeedbackIds.RATING_BLOCK_PREFIX + name.removeprefix(RATING_FIELD)] = text
        else:
            blocks[FIELD_BLOCKS[name].value] = text
    return blocks


def _reason(deps: Deps, error: Refusal) -> str:
    if isinstance(error, NotOnRoster):
        return str(render("not_on_roster", trust=deps.framework.trust)["text"])
    return str(error)


# --- the three steps -------------------------------------------------------------


def _subject_modal(
    deps: Deps, observee: str | None, observed_on: date | None = None
) -> dict[str, Any]:
    day = observed_on or deps.calendar.today(deps.clock())
    return render(
        "feedback_subject_modal",
        observee=observee,
        observed_on=day.isoformat(),
        max_detail=fb.MAX_DETAIL,
    )


def _summary(checked: fb.CheckedSubject, detail: str) -> str:
    summary = render(
        "feedback_summary",
        name=checked.observee.name,
        context=checked.context.value,
        detail=detail,
        observed_on=checked.observed_on,
    )
    return str(summary["text"])


def _standards_modal(deps: Deps, subject: fb.Subject, checked: fb.CheckedSubject) -> dict[str, Any]:
    saved: dict[str, Any] = {
        "observee": subject.observee_slack_id,
        "observed_on": checked.observed_on.isoformat(),
        "context": checked.context.value,
        "detail": subject.context_detail.strip(),
    }
    groups: dict[str, list[dict[str, str]]] = {}
    for standard in checked.standard_set.standards:
        value = deps.framework.value(standard.code[:1])
        groups.setdefault(value.name if value else "Standards", []).append(
            {"code": standard.code, "text": f"{standard.code} {standard.name}"}
        )
    return render(
        "feedback_standards_modal",
        metadata=json.dumps(saved),
        summary=_summary(checked, saved["detail"]),
        set_name=checked.standard_set.name.lower(),
        max_standards=fb.MAX_STANDARDS,
        groups=[{"label": label, "options": options} for label, options in groups.items()],
    )


def _write_modal(
    deps: Deps, saved: dict[str, Any], checked: fb.CheckedSubject, codes: list[str]
) -> dict[str, Any]:
    standards = [checked.standard_set.get(code) for code in codes]
    return render(
        "feedback_write_modal",
        metadata=json.dumps({**saved, "standards": codes}),
        summary=_summary(checked, str(saved["detail"])),
        standards=[s for s in standards if s is not None],
        ratings=deps.framework.ratings,
        max_text=fb.MAX_TEXT,
    )
