"""/ladder: the ragging sheet level by level, and `/ladder @a` for appraisers and leaders."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.core.errors import GENERAL, InvalidInput, problem
from bot.core.framework import Framework
from bot.core.mentions import parse_command_text
from bot.ladder import sheets
from bot.ladder.grid import TARGET_CHECKPOINT, beyond_the_sheet, level_names
from bot.ladder.rules import ALWAYS_ASKED, Held, Sheet, encode_answers, parse_answers
from bot.runtime.deps import Deps
from handlers.context import after_ack, listener, on_roster, store_after_ack
from handlers.forms import FormSpec, Metadata, ViewState, stale
from messages import render
from messages.ids import LadderIds
from storage.models import Staff

COMMAND = "/ladder"
FORMS = (
    FormSpec(LadderIds.LEVEL_MODAL, what="ladder sheet"),
    FormSpec(
        LadderIds.FINISH_MODAL, what="ladder sheet", fields={sheets.TARGET: LadderIds.TARGET_BLOCK}
    ),
)


class Progress(Metadata):
    """The sheet so far: its checkpoint window, each level's answers ('1' true, '0' not),
    whether levels 6-8 are asked, and the answers of the sheet it started from."""

    cp: str
    year: str
    answers: list[str] = Field(default_factory=list)
    higher: bool = False
    prev: list[str] = Field(default_factory=list)

    def decoded(self, framework: Framework) -> list[list[Held]]:
        """The answers so far, each level as long as the framework's (else a stale form)."""
        try:
            levels = [parse_answers(level) for level in self.answers]
        except ValueError:
            raise stale() from None
        counts = [len(level.statements) for level in framework.sheet]
        if len(levels) > len(counts) or any(
            len(level) != count for level, count in zip(levels, counts, strict=False)
        ):
            raise stale()
        return levels

    def sheet(self, framework: Framework) -> Sheet:
        return Sheet.of(self.decoded(framework), [len(lvl.statements) for lvl in framework.sheet])


def register(app: App) -> None:
    app.command(COMMAND, middleware=[on_roster])(listener(ladder_command))
    app.action(LadderIds.OPEN_SHEET.value, middleware=[on_roster])(listener(open_sheet_clicked))
    app.view(LadderIds.LEVEL_MODAL.value, middleware=[on_roster])(listener(level_submitted))
    app.view(LadderIds.FINISH_MODAL.value, middleware=[on_roster])(listener(finish_submitted))


def ladder_command(
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
    parsed = parse_command_text(command.get("text", ""))
    if parsed.others or parsed.message or len(parsed.users) > 1:
        raise InvalidInput({GENERAL: problem("ladder.usage")})
    if parsed.users:
        _show(deps, respond, person, parsed.users[0])
    else:
        _begin(deps, client, respond, person, command["trigger_id"])


def open_sheet_clicked(
    ack: Ack,
    body: dict[str, Any],
    person: Staff,
    deps: Deps,
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    ack()
    after_ack(context, lambda: _begin(deps, client, respond, person, body["trigger_id"]))


def level_submitted(
    ack: Ack, form: ViewState, view: dict[str, Any], person: Staff, deps: Deps, context: BoltContext
) -> None:
    framework = deps.framework
    progress = Progress.of(view)
    done = len(progress.decoded(framework))
    if done >= sheets.levels_to_ask(framework, higher=progress.higher):
        raise stale()
    level = framework.sheet[done]
    ticks: list[Held] = [
        form.ticked(f"{LadderIds.STATEMENT_BLOCK_PREFIX}{index}")
        for index in range(1, len(level.statements) + 1)
    ]
    chose_higher = level.level == ALWAYS_ASKED and form.ticked(LadderIds.HIGHER_BLOCK)
    progress = progress.model_copy(
        update={
            "answers": [*progress.answers, encode_answers(ticks)],
            "higher": progress.higher or chose_higher,
        }
    )
    if len(progress.answers) < sheets.levels_to_ask(framework, higher=progress.higher):
        ack(response_action="update", view=_level_modal(deps, progress))
    else:
        ack(response_action="update", view=_finish_modal(deps, progress, person))


def finish_submitted(
    ack: Ack,
    form: ViewState,
    view: dict[str, Any],
    person: Staff,
    deps: Deps,
    client: WebClient,
    context: BoltContext,
) -> None:
    progress = Progress.of(view)
    chosen = form.choice(LadderIds.TARGET_BLOCK)
    filled = sheets.Filled(
        checkpoint=progress.cp,
        year=progress.year,
        sheet=progress.sheet(deps.framework),
        target=int(chosen) if chosen and chosen.isdigit() else None,
    )
    save = sheets.SaveSheet(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        person=person,
        filled=filled,
        now=deps.clock(),  # the window is judged as the form was sent
    )
    try:
        store_after_ack(ack, context, client, save)
    except InvalidInput as error:
        if sheets.WINDOW not in error.problems:
            raise
        # The window closed while the sheet was open: the form cannot be put right.
        ack(response_action="update", view=render("notice_modal", text=str(error)))


def _begin(deps: Deps, client: WebClient, respond: Respond, person: Staff, trigger_id: str) -> None:
    start = sheets.start(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        person=person,
        now=deps.clock(),
    )
    if start.window is not None:
        progress = Progress(
            cp=start.window.key,
            year=start.window.year.label,
            higher=start.higher,
            prev=[encode_answers(level) for level in start.previous or []],
        )
        client.views_open(trigger_id=trigger_id, view=_level_modal(deps, progress))
        return
    assert start.upcoming is not None
    upcoming = start.upcoming
    intro = render(
        "ladder_next_window",
        name=upcoming.checkpoint.name,
        opens=upcoming.opens,
        closes=upcoming.closes,
    )["text"]
    if start.last_grid is None:
        respond(response_type="ephemeral", **render("ladder_closed", intro=intro))
        return
    names = level_names(deps.framework)
    reply = render("ladder_view", grid=start.last_grid, intro=intro, you=True, level_names=names)
    respond(response_type="ephemeral", **reply)


def _show(deps: Deps, respond: Respond, viewer: Staff, subject: str) -> None:
    grid = sheets.view(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        viewer=viewer,
        subject_slack_id=subject,
        now=deps.clock(),
    )
    respond(
        response_type="ephemeral",
        **render(
            "ladder_view",
            grid=grid,
            intro="",
            you=viewer.slack_user_id == subject,
            level_names=level_names(deps.framework),
        ),
    )


def _checkpoint_name(deps: Deps, key: str) -> str:
    checkpoint = deps.framework.checkpoint(key)
    if checkpoint is None:
        raise stale()
    return checkpoint.name


def _level_modal(deps: Deps, progress: Progress) -> dict[str, Any]:
    framework = deps.framework
    number = len(progress.answers)
    level = framework.sheet[number]
    try:
        previous = parse_answers(progress.prev[number]) if number < len(progress.prev) else []
    except ValueError:
        previous = []  # an altered form starts with nothing ticked
    return render(
        "ladder_level_modal",
        metadata=progress.dump(),
        level=level,
        last_level=sheets.levels_to_ask(framework, higher=progress.higher),
        offer_higher=level.level == ALWAYS_ASKED
        and not progress.higher
        and len(framework.sheet) > ALWAYS_ASKED,
        previous=previous if len(previous) == len(level.statements) else [],
        checkpoint=_checkpoint_name(deps, progress.cp),
        year=progress.year,
    )


def _finish_modal(deps: Deps, progress: Progress, person: Staff) -> dict[str, Any]:
    sheet = progress.sheet(deps.framework)
    return render(
        "ladder_finish_modal",
        metadata=progress.dump(),
        preview=sheets.preview(
            framework=deps.framework,
            person=person,
            sheet=sheet,
            target=sheets.current_target(db=deps.db, person=person, year=progress.year)
            if progress.cp == TARGET_CHECKPOINT
            else None,
        ),
        colours=[
            colours if sheet.asked(number) else None
            for number, colours in enumerate(sheet.colours(), 1)
        ],
        ask_target=progress.cp == TARGET_CHECKPOINT,
        level_names=level_names(deps.framework),
        beyond=beyond_the_sheet(deps.framework),
    )
