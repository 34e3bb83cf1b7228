"""The App Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.commend.received import praise_for
from bot.core.people import person_by_slack_id
from bot.feedback.records import feedback_about
from bot.runtime.deps import Deps
from handlers.context import after_ack
from messages import render
from messages.render import local_date

EVENTS = ("app_home_opened",)
FEEDBACK_SHOWN = 3


def register(app: App) -> None:
    app.event("app_home_opened")(home_opened)


def home_opened(event: dict[str, Any], deps: Deps, client: WebClient, context: BoltContext) -> None:
    if event.get("tab") != "home":
        return
    after_ack(context, lambda: _publish(deps, client, str(event.get("user", ""))))


def _publish(deps: Deps, client: WebClient, user: str) -> None:
    person = person_by_slack_id(deps.db, user)
    if person is None:
        trust, has_ladder = deps.framework.trust, deps.framework.has_ladder
        view = render("home", trust=trust, on_roster=False, has_ladder=has_ladder)
        client.views_publish(user_id=user, view=view)
        return
    praise = praise_for(db=deps.db, person=person)
    feedback = feedback_about(db=deps.db, framework=deps.framework, viewer=person, subject=person)
    zone = deps.framework.timezone
    view = render(
        "home",
        trust=deps.framework.trust,
        has_ladder=deps.framework.has_ladder,
        on_roster=True,
        received_count=praise.received_count,
        received=[
            {"author": p.author, "message": p.message, "when": local_date(p.created_at, zone)}
            for p in praise.recent
        ],
        feedback=list(reversed(feedback[-FEEDBACK_SHOWN:])),
    )
    client.views_publish(user_id=user, view=view)
