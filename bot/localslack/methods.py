"""What each Slack Web API method does to the workspace, and what Slack answers.

`answer(workspace, method, params, base_url)` is the whole Web API: one small
function per method the app calls, in METHODS. Errors are answered as Slack
answers them (`{"ok": false, "error": ...}`); unknown methods answer ok, so a
test of something else is never stopped by a method this file lacks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.localslack.workspace import (
    BOT_ID,
    BOT_USER_ID,
    MAX_MODAL_STACK,
    RESPONSE_URL_USES,
    TEAM_ID,
    Workspace,
    dm_channel,
    public_view,
)

Answer = dict[str, Any]
Method = Callable[[Workspace, dict[str, Any], str], Answer]
USERS_LIST_DEFAULT_LIMIT = 100
USERS_LIST_MAX_LIMIT = 1000


def answer(workspace: Workspace, method: str, params: dict[str, Any], base_url: str) -> Answer:
    handler = METHODS.get(method)
    if handler is None:
        return {"ok": True}
    return handler(workspace, params, base_url)


def _error(code: str) -> Answer:
    return {"ok": False, "error": code}


# --- identity and people -------------------------------------------------------


def auth_test(_ws: Workspace, _params: dict[str, Any], base_url: str) -> Answer:
    return {
        "ok": True,
        "url": base_url + "/",
        "team": "Local workspace",
        "user": "staffroom",
        "team_id": TEAM_ID,
        "user_id": BOT_USER_ID,
        "bot_id": BOT_ID,
    }


def users_info(ws: Workspace, params: dict[str, Any], _base: str) -> Answer:
    found = ws.users.get(str(params.get("user")))
    return {"ok": True, "user": found} if found else _error("user_not_found")


def users_lookup_by_email(ws: Workspace, params: dict[str, Any], _base: str) -> Answer:
    email = str(params.get("email", "")).lower()
    for user in list(ws.users.values()):
        if user["profile"].get("email", "").lower() == email:
            return {"ok": True, "user": user}
    return _error("users_not_found")


def users_list(ws: Workspace, params: dict[str, Any], _base: str) -> Answer:
    """The directory, paged by `limit` and `cursor` (the cursor is the next index). Guests
    marked `in_directory: False` are found only by `users.lookupByEmail`."""
    members = [user for user in ws.users.values() if user.get("in_directory", True)]
    page = _page(members, params, default=USERS_LIST_DEFAULT_LIMIT)
    if page is None:
        return _error("invalid_cursor")
    found, cursor = page
    return {"ok": True, "members": found, "response_metadata": {"next_cursor": cursor}}


# --- messages ------------------------------------------------------------------


def _message_fields(params: dict[str, Any]) -> dict[str, Any]:
    fields = {"text": params.get("text") or ""}
    for key in ("blocks", "metadata", "thread_ts", "attachments"):
        if params.get(key):
            fields[key] = params[key]
    return fields


def chat_post_message(ws: Workspace, params: dict[str, Any], _base: str) -> Answer:
    channel = ws.resolve_channel(str(params.get("channel") or ""))
    if channel is None:
        return _error("channel_not_found")
    if not params.get("text") and not params.get("blocks"):
        return _error("no_text")
    if not ws.can_post(channel):
        return _error("not_in_channel")
    posted = ws.post(channel, _message_fields(params))
    message = {k: v for k, v in posted.items() if k != "channel"}
    return {"ok": True, "channel": channel, "ts": posted["ts"], "message": message}


def chat_post_ephemeral(ws: Workspace, params: dict[str, Any], _base: str) -> Answer:
    channel = ws.resolve_channel(str(params.get("channel") or ""))
    user = str(params.get("user") or "")
    if channel is None:
        return _error("channel_not_found")
    if user not in ws.users:
        return _error("user_not_found")
    ts = ws.post_ephemeral(channel, user, _message_fields(params))
    return {"ok": True, "message_ts": ts}


def chat_update(ws: Workspace, params: dict[str, Any], _base: str) -> Answer:
    channel = ws.resolve_channel(str(params.get("channel") or "")) or ""
    ts = str(params.get("ts") or "")
    if not ws.update_message(channel, ts, _message_fields(params)):
        return _error("message_not_found")
    return {"ok": True, "channel": channel, "ts": ts, "text": params.get("text") or ""}


def chat_delete(ws: Workspace, params: dict[str, Any], _base: str) -> Answer:
    channel = ws.resolve_channel(str(params.get("channel") or "")) or ""
    ts = str(params.get("ts") or "")
    if not ws.delete_message(channel, ts):
        return _error("message_not_found")
    return {"ok": True, "channel": channel, "ts": ts}


def respond(ws: Workspace, token: str, params: dict[str, Any]) -> Answer:
    """A reply posted to a response_url: ephemeral, in channel, replacing or deleting
    the message the interaction came from. Unknown tokens are accepted and ignored."""
    target = ws.response_targets.get(token)
    if target is None:
        return {"ok": True}
    if target.uses >= RESPONSE_URL_USES:
        return _error("used_url")
    target.uses += 1
    fields = _message_fields(params)
    if _flag(params.get("delete_original")):
        if target.message_ts:
            ws.delete_message(target.channel, target.message_ts)
        return {"ok": True}
    if _flag(params.get("replace_original")) and target.message_ts:
        ws.update_message(target.channel, target.message_ts, fields)
        return {"ok": True}
    if params.get("response_type") == "in_channel":
        ws.post(target.channel, fields)
    else:
        ws.post_ephemeral(target.channel, target.user, fields)
    return {"ok": True}


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


# --- conversations --------------------------------------------------------------


def conversations_open(ws: Workspace, params: dict[str, Any], _base: str) -> Answer:
    users = str(params.get("users") or "").split(",")
    if len(users) != 1 or not users[0].startswith(("U", "W")):
        return _error("user_not_found")
    return {"ok": True, "channel": {"id": dm_channel(users[0]), "is_im": True}}


def conversations_history(ws: Workspace, params: dict[str, Any], _base: str) -> Answer:
    """Newest first, paged by `limit` and `cursor`; `oldest` is exclusive unless
    `inclusive`, as Slack documents it."""
    channel = str(params.get("channel") or "")
    with ws.lock:
        messages = [m for m in ws.history.get(channel, []) if _top_level(m)]
    oldest = float(params.get("oldest") or 0)
    inclusive = _flag(params.get("inclusive"))
    messages = [
        m
        for m in messages
        if (ts := float(str(m.get("ts", "0")))) > oldest or (inclusive and ts == oldest)
    ]
    with_metadata = str(params.get("include_all_metadata")).lower() in ("1", "true")
    shown = [
        {k: v for k, v in m.items() if k != "channel" and (with_metadata or k != "metadata")}
        for m in messages
    ]
    page = _page(shown, params, default=100)
    if page is None:
        return _error("invalid_cursor")
    found, cursor = page
    return {
        "ok": True,
        "messages": found,
        "has_more": bool(cursor),
        "response_metadata": {"next_cursor": cursor},
    }


def conversations_list(ws: Workspace, params: dict[str, Any], _base: str) -> Answer:
    """The channels the app can see, paged by `limit` and `cursor`."""
    with ws.lock:
        listed = [
            {
                "id": c["id"],
                "name": c["name"],
                "is_channel": True,
                "is_private": c["id"].startswith("G"),
                "is_member": bool(c["app_member"]),
            }
            for c in ws.channels.values()
        ]
    page = _page(sorted(listed, key=lambda c: c["name"]), params, default=100)
    if page is None:
        return _error("invalid_cursor")
    found, cursor = page
    return {"ok": True, "channels": found, "response_metadata": {"next_cursor": cursor}}


def _page(
    items: list[dict[str, Any]], params: dict[str, Any], *, default: int
) -> tuple[list[dict[str, Any]], str] | None:
    """One page of `items` and the cursor of the next ("" at the end); None for a bad cursor."""
    try:
        limit = int(params.get("limit") or default)
        start = int(params.get("cursor") or 0)
    except ValueError:
        return None
    limit = max(1, min(limit, USERS_LIST_MAX_LIMIT))
    following = start + limit
    return items[start:following], str(following) if following < len(items) else ""


def _top_level(message: dict[str, Any]) -> bool:
    thread = message.get("thread_ts")
    return thread is None or thread == message.get("ts")


# --- views ----------------------------------------------------------------------


def views_open(ws: Workspace, params: dict[str, Any], _base: str) -> Answer:
    return _modal(ws, params, push=False)


def views_push(ws: Workspace, params: dict[str, Any], _base: str) -> Answer:
    return _modal(ws, params, push=True)


def _modal(ws: Workspace, params: dict[str, Any], *, push: bool) -> Answer:
    view = params.get("view") or {}
    user = ws.triggers.get(str(params.get("trigger_id")))
    if user is None:
        # A trigger this workspace never issued (a test's own): answer as Slack would for
        # a fresh trigger, keeping the view (under nobody) so that it can be updated.
        return {"ok": True, "view": public_view(ws.open_modal("", view, push=push))}
    if push and ws.modal_depth(user) >= MAX_MODAL_STACK:
        return _error("push_limit_reached")
    if push and ws.modal_depth(user) == 0:
        return _error("not_found")
    stored = ws.open_modal(user, view, push=push)
    return {"ok": True, "view": public_view(stored)}


def views_update(ws: Workspace, params: dict[str, Any], _base: str) -> Answer:
    view_id = str(params.get("view_id") or "")
    if not view_id and params.get("external_id"):
        view_id = next(
            (v["id"] for v in ws.views.values() if v.get("external_id") == params["external_id"]),
            "",
        )
    current = ws.views.get(view_id)
    if current is None:
        return _error("not_found")
    if params.get("hash") and params["hash"] != current["hash"]:
        return _error("hash_conflict")
    stored = ws.replace_view(view_id, params.get("view") or {})
    return {"ok": True, "view": public_view(stored)}


def views_publish(ws: Workspace, params: dict[str, Any], _base: str) -> Answer:
    user = str(params.get("user_id") or "")
    if user not in ws.users:
        return _error("user_not_found")
    current = ws.home_of(user)
    if params.get("hash") and current is not None and params["hash"] != current["hash"]:
        return _error("hash_conflict")
    stored = ws.publish_home(user, params.get("view") or {})
    return {"ok": True, "view": public_view(stored)}


# --- files ----------------------------------------------------------------------


def files_get_upload_url(ws: Workspace, params: dict[str, Any], base_url: str) -> Answer:
    file = ws.add_file(str(params.get("filename") or "file"), str(params.get("filename") or ""))
    return {"ok": True, "file_id": file.id, "upload_url": f"{base_url}/upload/{file.id}"}


def upload(ws: Workspace, file_id: str, content: bytes) -> None:
    """The bytes of a file, sent to the upload URL that files.getUploadURLExternal gave."""
    file = ws.files.get(file_id)
    if file is not None:
        file.content = content


def files_complete_upload(ws: Workspace, params: dict[str, Any], base_url: str) -> Answer:
    listed = params.get("files") or []
    shared: list[dict[str, Any]] = []
    for entry in listed:
        file = ws.files.get(str(entry.get("id")))
        if file is None:
            return _error("file_not_found")
        if entry.get("title"):
            file.title = str(entry["title"])
        shared.append(
            {
                "id": file.id,
                "name": file.name,
                "title": file.title,
                "mimetype": file.mimetype,
                "url_private": f"{base_url}/files/{file.id}",
            }
        )
    channel = params.get("channel_id") or params.get("channels")
    if channel:
        resolved = ws.resolve_channel(str(channel))
        if resolved is None:
            return _error("channel_not_found")
        fields: dict[str, Any] = {"text": params.get("initial_comment") or "", "files": shared}
        if params.get("thread_ts"):
            fields["thread_ts"] = params["thread_ts"]
        ws.post(resolved, fields)
    return {"ok": True, "files": [{"id": f["id"], "title": f["title"]} for f in shared]}


METHODS: dict[str, Method] = {
    "auth.test": auth_test,
    "users.info": users_info,
    "users.lookupByEmail": users_lookup_by_email,
    "users.list": users_list,
    "chat.postMessage": chat_post_message,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.update": chat_update,
    "chat.delete": chat_delete,
    "conversations.open": conversations_open,
    "conversations.history": conversations_history,
    "conversations.list": conversations_list,
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
    "views.publish": views_publish,
    "files.getUploadURLExternal": files_get_upload_url,
    "files.completeUploadExternal": files_complete_upload,
}
