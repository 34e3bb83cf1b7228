"""The App Home tab: published when opened and refreshed when something of the person's
changes; an appraisee's record and a school's follow-up list in modals opened from it;
leadership training write-ups."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError
from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.core.people import person_by_slack_id
from bot.home.dashboard import home_for
from bot.home.facts import Moment
from bot.home.followup import school_list
from bot.home.record import record_seen_by
from bot.ladder.grid import level_names
from bot.objectives.training import LEARNED, TAKEN_ON, TITLE, AddTraining
from bot.runtime.deps import Deps
from handlers.context import after_ack, listener, on_roster
from handlers.forms import FormSpec, ViewState, record_id, stale
from messages import render
from messages.ids import HomeIds
from storage.models import Staff

log = logging.getLogger(__name__)

EVENTS = ("app_home_opened",)
FORMS = (
    FormSpec(
        HomeIds.TRAINING_MODAL,
        what="training write-up",
        fields={
            TITLE: HomeIds.TRAINING_TITLE_BLOCK,
            TAKEN_ON: HomeIds.TRAINING_DATE_BLOCK,
            LEARNED: HomeIds.TRAINING_LEARNED_BLOCK,
        },
    ),
)


class Pages(BaseModel):
    """Which page of the appraisees and of the schools a paging button shows."""

    team: int = 0
    schools: int = 0


def register(app: App) -> None:
    app.event("app_home_opened")(home_opened)
    app.action(re.compile(f"^{HomeIds.PAGE.value}"), middleware=[on_roster])(listener(page_clicked))
    app.action(HomeIds.OPEN_RECORD.value, middleware=[on_roster])(listener(record_clicked))
    app.action(HomeIds.FOLLOW_UP.value, middleware=[on_roster])(listener(follow_up_clicked))
    app.action(HomeIds.TRAINING.value, middleware=[on_roster])(listener(training_clicked))
    app.view(HomeIds.TRAINING_MODAL.value, middleware=[on_roster])(listener(training_submitted))


def home_opened(event: dict[str, Any], deps: Deps, client: WebClient, context: BoltContext) -> None:
    if event.get("tab") != "home":
        return
    after_ack(context, lambda: publish_home(deps, client, str(event.get("user", ""))))


def page_clicked(
    ack: Ack,
    action: dict[str, Any],
    person: Staff,
    deps: Deps,
    client: WebClient,
    context: BoltContext,
) -> None:
    ack()
    try:
        pages = Pages.model_validate_json(str(action.get("value")))
    except ValidationError:
        raise stale() from None
    user = person.slack_user_id or ""
    after_ack(context, lambda: publish_home(deps, client, user, pages))


def publish_home(deps: Deps, client: WebClient, user: str, pages: Pages | None = None) -> None:
    """Draw the person's Home and publish it (someone not on the roster is told to ask)."""
    client.views_publish(user_id=user, view=home_view(deps, user, pages or Pages()))


def home_view(deps: Deps, user: str, pages: Pages) -> dict[str, Any]:
    person = person_by_slack_id(deps.db, user)
    if person is None:
        return render(
            "home",
            trust=deps.framework.trust,
            on_roster=False,
            has_ladder=deps.framework.has_ladder,
        )
    home = home_for(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        person=person,
        now=deps.clock(),
        team_page=pages.team,
        schools_page=pages.schools,
    )
    return render(
        "home",
        trust=deps.framework.trust,
        has_ladder=deps.framework.has_ladder,
        on_roster=True,
        home=home,
        level_names=level_names(deps.framework),
    )


def refresh_homes(deps: Deps, client: WebClient, users: Iterable[str]) -> None:
    """Publish these people's Homes again after something of theirs changed. Best effort:
    what changed is stored, and the Home is drawn afresh whenever it is opened."""
    for user in dict.fromkeys(users):
        try:
            publish_home(deps, client, user)
        except (SlackApiError, SlackRequestError, OSError) as error:
            log.warning("could not refresh a Home tab: %s", error)


# --- a person's record, a school's follow-up list ------------------------------------------


def record_modal(deps: Deps, viewer: Staff, staff_id: int) -> dict[str, Any]:
    """The record modal (refused, with nothing shown, to anyone who may not see it)."""
    record = record_seen_by(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        viewer=viewer,
        subject_id=staff_id,
        now=deps.clock(),
    )
    return render("record_modal", record=record)


def record_clicked(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    person: Staff,
    deps: Deps,
    client: WebClient,
    context: BoltContext,
) -> None:
    ack()
    view = record_modal(deps, person, record_id(action))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def follow_up_clicked(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    person: Staff,
    deps: Deps,
    client: WebClient,
    context: BoltContext,
) -> None:
    ack()
    moment = Moment.at(deps.framework, deps.calendar, deps.clock())
    with deps.db.read_session() as session:
        school = school_list(
            session, deps.framework, deps.calendar, person, moment, str(action.get("value", ""))
        )
    client.views_open(
        trigger_id=body["trigger_id"], view=render("home_follow_up_modal", school=school)
    )


# --- leadership training write-ups -------------------------------------------------------------


def training_clicked(
    ack: Ack, body: dict[str, Any], deps: Deps, client: WebClient, context: BoltContext
) -> None:
    ack()
    today = deps.calendar.today(deps.clock()).isoformat()
    client.views_open(
        trigger_id=body["trigger_id"], view=render("home_training_modal", today=today)
    )


def training_submitted(
    ack: Ack, form: ViewState, person: Staff, deps: Deps, client: WebClient, context: BoltContext
) -> None:
    add = AddTraining(
        db=deps.db,
        calendar=deps.calendar,
        person=person,
        title=form.text(HomeIds.TRAINING_TITLE_BLOCK),
        taken_on=form.day(HomeIds.TRAINING_DATE_BLOCK),
        learned=form.text(HomeIds.TRAINING_LEARNED_BLOCK),
        now=deps.clock(),
    )
    add.validate()
    ack()
    after_ack(context, lambda: refresh_homes(deps, client, add().refresh))
