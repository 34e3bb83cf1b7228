"""The demo's page: a Slack-like workspace in the browser, served beside the app.

`GET /` is the page (plain HTML, CSS and JavaScript shipped in bot/demo/static);
`GET /demo/state` answers what one person sees, waiting up to 20 s for a change
(long polling); the POST routes are that person acting: a slash command, a
button, a form's fields and its submission, the App Home, the clock. The app's
own routes (`/slack/events`, `/healthz`) are mounted behind these.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import resources
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.demo.sample import sample
from bot.localslack.client import Button, ClientError
from bot.localslack.workspace import dm_channel, public_view

if TYPE_CHECKING:
    from bot.demo.world import Demo

POLL_SECONDS = 20.0
MOMENT = "%a %-d %b %Y, %H:%M"


def create_page(demo: Demo, app: Starlette) -> Starlette:
    static = resources.files("bot.demo") / "static"

    async def page(_request: Request) -> Response:
        return FileResponse(str(static / "index.html"))

    async def people(_request: Request) -> Response:
        return JSONResponse(
            {
                "people": [
                    {
                        "id": p.slack_user_id,
                        "key": p.key,
                        "name": p.name,
                        "job": p.job,
                        "school": p.school,
                    }
                    for p in sample().people
                ],
                "commands": _commands(),
            }
        )

    async def state(request: Request) -> Response:
        user = request.query_params.get("user", "")
        since = int(request.query_params.get("since") or -1)
        if since >= 0:
            await run_in_threadpool(demo.workspace.wait_for_change, since, POLL_SECONDS)
        return JSONResponse(await run_in_threadpool(_state, demo, user))

    async def act(request: Request) -> Response:
        body = await request.json()
        try:
            answer = await run_in_threadpool(_act, demo, request.path_params["what"], body)
        except ClientError as error:
            return JSONResponse({"ok": False, "error": str(error)}, status_code=400)
        return JSONResponse({"ok": True, **answer})

    async def file(request: Request) -> Response:
        found = demo.workspace.files.get(request.path_params["file_id"])
        if found is None:
            return Response(status_code=404)
        return Response(found.content, media_type=found.mimetype)

    return Starlette(
        routes=[
            Route("/", page),
            Route("/demo/people", people),
            Route("/demo/state", state),
            Route("/demo/{what}", act, methods=["POST"]),
            Route("/files/{file_id}", file),
            Mount("/static", StaticFiles(directory=str(static)), name="static"),
            Mount("/", app),
        ]
    )


def _commands() -> list[dict[str, str]]:
    return [
        {"command": "/commend", "hint": "@colleague message, or nothing for the form"},
        {"command": "/feedback", "hint": "@colleague, or visit @colleague [YYYY-MM-DD]"},
        {"command": "/star", "hint": "new | measure <number> [baseline|interim|final]"},
        {"command": "/ladder", "hint": "your sheet, or @colleague"},
        {"command": "/summary", "hint": "(leaders, in a channel) weekly | off"},
        {"command": "/staffroom", "hint": "help and what you have to do now"},
    ]


def _state(demo: Demo, user: str) -> dict[str, Any]:
    ws = demo.workspace
    with ws.lock:
        version = len(ws.changes)
        conversations = []
        for channel in ws.conversations_of(user) if user in ws.users else []:
            messages = ws.messages_in(channel, viewer=user)
            conversations.append(
                {
                    "id": channel,
                    "name": "staffroom" if channel.startswith("D") else ws.channel_name(channel),
                    "direct": channel.startswith("D"),
                    "messages": [_message(m) for m in messages],
                }
            )
        modal = ws.top_modal(user)
        home = ws.home_of(user)
        names = {uid: str(u.get("real_name") or u.get("name")) for uid, u in ws.users.items()}
        names.update({cid: ws.channel_name(cid) for cid in ws.channels})
        state: dict[str, Any] = {
            "version": version,
            "clock": demo.clock().isoformat(timespec="minutes"),
            "clock_label": demo.clock().strftime(MOMENT),
            "conversations": conversations,
            "modal": _view(modal) if modal else None,
            "modal_depth": ws.modal_depth(user),
            "home": _view(home) if home else None,
            "names": names,
            "handles": {uid: str(u.get("name")) for uid, u in ws.users.items()},
        }
    return state


def _message(message: dict[str, Any]) -> dict[str, Any]:
    keys = ("ts", "text", "blocks", "files", "thread_ts", "user", "ephemeral_to", "edited")
    return {k: message[k] for k in keys if k in message}


def _view(view: dict[str, Any]) -> dict[str, Any]:
    return {
        **public_view(view),
        "errors": view.get("_errors") or {},
        "failure": view.get("_failure"),
    }


def _act(demo: Demo, what: str, body: dict[str, Any]) -> dict[str, Any]:
    client = demo.client
    assert client is not None
    user = str(body.get("user") or "")
    if what == "clock":
        return _move_clock(demo, body)
    if user not in demo.workspace.users:
        raise ClientError("choose who you are first")
    if what == "command":
        channel = str(body.get("channel") or dm_channel(user))
        text = str(body.get("text") or "").strip()
        if not text.startswith("/"):  # a plain message: posted, and the app does not listen
            demo.workspace.post(channel, {"text": text, "user": user, "bot_id": None})
            return {}
        outcome = client.command(user, channel, str(body.get("text") or ""))
        return {"failure": outcome.failure}
    if what == "press":
        button = _button(demo, user, body)
        outcome = client.press(user, button)
        return {"failure": outcome.failure}
    if what == "submit":
        for block_id, state in (body.get("values") or {}).items():
            client.set_state(user, str(block_id), dict(state))
        outcome = client.submit(user)
        return {"errors": outcome.errors, "failure": outcome.failure}
    if what == "close":
        client.close(user)
        return {}
    if what == "home":
        outcome = client.open_home(user)
        return {"failure": outcome.failure}
    raise ClientError(f"the demo cannot {what}")


def _button(demo: Demo, user: str, body: dict[str, Any]) -> Button:
    """The button the page says was pressed, found again in what the person can see."""
    assert demo.client is not None
    for button in demo.client.buttons(user):
        same_place = (
            button.message is not None and button.message.get("ts") == body.get("ts")
        ) or (button.view is not None and button.view.get("id") == body.get("view_id"))
        if (
            same_place
            and button.action_id == body.get("action_id")
            and button.block_id == body.get("block_id")
            and button.value == str(body.get("value") or "")
        ):
            return button
    raise ClientError("that button is no longer there")


def _move_clock(demo: Demo, body: dict[str, Any]) -> dict[str, Any]:
    now = demo.clock()
    step = body.get("step")
    if step == "hour":
        moment = now + timedelta(hours=1)
    elif step == "morning":
        moment = _next_morning(demo, now)
    elif step == "week":
        moment = _next_morning(demo, now + timedelta(days=6 - now.weekday()))
    else:
        try:
            moment = datetime.fromisoformat(str(body.get("moment")))
        except ValueError:
            raise ClientError("write the moment as YYYY-MM-DDTHH:MM") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=demo.framework.zone)
    report = demo.move_time(moment)
    return {"queued": report.queued, "sent": report.sent, "held": report.held}


def _next_morning(demo: Demo, now: datetime) -> datetime:
    day = demo.calendar.first_working_day(now.date() + timedelta(days=1))
    start = demo.framework.working_hours.start
    return datetime.combine(day, start, demo.framework.zone) + timedelta(minutes=30)
