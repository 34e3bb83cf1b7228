"""/summary: a leader's summary of the last 7 days, posted in a channel, or weekly."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.errors import NotAllowed, NotOnRoster
from bot.outbox.sender import upload_chart
from bot.runtime.deps import Deps
from bot.summary import figures as summaries
from messages import render

log = logging.getLogger(__name__)

COMMAND = "/summary"
NOT_IN_CHANNEL = {"not_in_channel", "channel_not_found"}
DAYS = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday"}


def register(app: App, deps: Deps) -> None:
    def summary_command(
        ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        words = command.get("text", "").lower().split()
        channel, user = command["channel_id"], command["user_id"]
        if words not in ([], ["weekly"], ["off"]):
            respond(response_type="ephemeral", **_reply(deps, "usage"))
            return
        if channel.startswith("D") or command.get("channel_name") == "directmessage":
            respond(response_type="ephemeral", **_reply(deps, "not_here"))
            return
        try:
            if words == ["weekly"]:
                new = summaries.subscribe(
                    db=deps.db, slack_user_id=user, channel_id=channel, now=deps.clock()
                )
                respond(
                    response_type="ephemeral", **_reply(deps, "subscribed" if new else "already")
                )
            elif words == ["off"]:
                gone = summaries.unsubscribe(db=deps.db, slack_user_id=user, channel_id=channel)
                reply = "unsubscribed" if gone else "not_subscribed"
                respond(response_type="ephemeral", **_reply(deps, reply))
            else:
                _post(deps, client, respond, user, channel)
        except NotOnRoster:
            respond(
                response_type="ephemeral", **render("not_on_roster", trust=deps.framework.trust)
            )
        except NotAllowed as error:
            respond(response_type="ephemeral", **render("notice", warning=True, text=str(error)))

    app.command(COMMAND)(summary_command)


def _post(deps: Deps, client: WebClient, respond: Respond, user: str, channel: str) -> None:
    school = summaries.scope_of(db=deps.db, slack_user_id=user)
    summary = summaries.summarise(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        school=school,
        now=deps.clock(),
    )
    post = render("summary", **summaries.post_context(summary, deps.framework))
    try:
        posted = client.chat_postMessage(channel=channel, unfurl_links=False, **post)
    except SlackApiError as error:
        if error.response.get("error") in NOT_IN_CHANNEL:
            respond(response_type="ephemeral", **_reply(deps, "add_app"))
            return
        raise
    upload_chart(
        client,
        channel=channel,
        thread_ts=posted.get("ts"),
        png=summaries.chart_of(summary),
        title=summaries.chart_title(summary),
    )


def _reply(deps: Deps, reply: str) -> dict[str, Any]:
    schedule = deps.framework.weekly_summary
    return render(
        "summary_reply", reply=reply, day=DAYS[schedule.day], at=schedule.at.strftime("%H:%M")
    )
