"""/summary: a leader's summary of the last 7 days, posted in a channel, or weekly."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.outbox.posting import upload_chart
from bot.runtime.deps import Deps
from bot.summary import figures, post, weekly
from handlers.context import after_ack, listener, on_roster
from messages import render
from storage.models import Staff

COMMAND = "/summary"
NOT_IN_CHANNEL = {"not_in_channel", "channel_not_found"}


def register(app: App) -> None:
    app.command(COMMAND, middleware=[on_roster])(listener(summary_command))


def summary_command(
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
    words = command.get("text", "").lower().split()
    channel = command["channel_id"]
    if words not in ([], ["weekly"], ["off"]):
        respond(response_type="ephemeral", **_reply(deps, "usage"))
    elif channel.startswith("D") or command.get("channel_name") == "directmessage":
        respond(response_type="ephemeral", **_reply(deps, "not_here"))
    elif words == ["weekly"]:
        new = weekly.subscribe(db=deps.db, leader=person, channel_id=channel, now=deps.clock())
        respond(response_type="ephemeral", **_reply(deps, "subscribed" if new else "already"))
    elif words == ["off"]:
        gone = weekly.unsubscribe(db=deps.db, leader=person, channel_id=channel)
        respond(
            response_type="ephemeral", **_reply(deps, "unsubscribed" if gone else "not_subscribed")
        )
    else:
        _post(deps, client, respond, figures.scope_of(person), channel)


def _post(
    deps: Deps, client: WebClient, respond: Respond, school: str | None, channel: str
) -> None:
    summary = figures.summarise(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        school=school,
        now=deps.clock(),
    )
    message = render("summary", **post.post_context(summary, deps.framework))
    try:
        posted = client.chat_postMessage(channel=channel, unfurl_links=False, **message)
    except SlackApiError as error:
        if error.response.get("error") in NOT_IN_CHANNEL:
            respond(response_type="ephemeral", **_reply(deps, "add_app"))
            return
        raise
    upload_chart(
        client,
        channel=channel,
        thread_ts=posted.get("ts"),
        png=post.chart_of(summary),
        title=post.chart_title(summary),
    )


def _reply(deps: Deps, reply: str) -> dict[str, Any]:
    schedule = deps.framework.weekly_summary
    return render(
        "summary_reply", reply=reply, weekday=schedule.weekday, at=schedule.at.strftime("%H:%M")
    )
