"""The App Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.commend.give import praise_for
from bot.feedback.forms import feedback_about
from bot.runtime.deps import Deps
from messages import render
from messages.render import local_date

EVENTS = ("app_home_opened",)
FEEDBACK_SHOWN = 3


def register(app: App, deps: Deps) -> None:
    def home_opened(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab") != "home":
            return
        summary = praise_for(db=deps.db, slack_user_id=event["user"])
        feedback = (
            feedback_about(
                db=deps.db,
                framework=deps.framework,
                viewer_slack_id=event["user"],
                subject_slack_id=event["user"],
            )[-FEEDBACK_SHOWN:]
            if summary.on_roster
            else []
        )
        zone = deps.framework.timezone
        view = render(
            "home",
            trust=deps.framework.trust,
            on_roster=summary.on_roster,
            received_count=summary.received_count,
            received=[
                {"author": p.author, "message": p.message, "when": local_date(p.created_at, zone)}
                for p in summary.recent
            ],
            feedback=list(reversed(feedback)),
        )
        client.views_publish(user_id=event["user"], view=view)

    app.event("app_home_opened")(home_opened)
