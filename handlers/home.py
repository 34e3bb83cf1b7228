"""The App Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.commendations import praise_for
from bot.deps import Deps
from messages import render
from messages.render import local_date

EVENTS = ("app_home_opened",)


def register(app: App, deps: Deps) -> None:
    def home_opened(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab") != "home":
            return
        summary = praise_for(db=deps.db, slack_user_id=event["user"])
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
        )
        client.views_publish(user_id=event["user"], view=view)

    app.event("app_home_opened")(home_opened)
