"""The state of a local Slack workspace: people, channels, messages, ephemerals,
modals, App Home tabs and files, and a log of what changed.

Everything the Web API stand-in (bot.localslack.methods) does lands here, and
everything a person sees (the demo's page and transcripts, the tests) is read
from here. One lock guards it all; `wait_for_change` lets readers poll cheaply
(bot.localslack.changes).
"""

from __future__ import annotations

import itertools
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from bot.localslack.changes import ChangeLog
from bot.localslack.inputs import initial_values

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T1"
APP_ID = "A1"
MAX_MODAL_STACK = 3  # Slack keeps at most three views in a modal's stack
RESPONSE_URL_USES = 5  # a response_url may be used five times


@dataclass
class ResponseTarget:
    """Where a response_url leads: the person, the conversation, and the message
    the interaction came from (for replace_original and delete_original)."""

    user: str
    channel: str
    message_ts: str | None = None
    uses: int = 0


@dataclass
class File:
    id: str
    name: str = ""
    title: str = ""
    content: bytes = b""
    mimetype: str = "application/octet-stream"


def dm_channel(user_id: str) -> str:
    """The id of the direct-message conversation between the app and a person."""
    return "D" + user_id


class Workspace(ChangeLog):
    """A Slack workspace with one app in it (the bot user `UBOT`)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.clock = clock
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        # conversation id -> messages, newest first (what conversations.history reads)
        self.history: dict[str, list[dict[str, Any]]] = {}
        self.ephemerals: list[dict[str, Any]] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.modal_stacks: dict[str, list[str]] = {}  # user -> view ids, bottom first
        self.homes: dict[str, str] = {}  # user -> view id of their App Home
        self.files: dict[str, File] = {}
        self.triggers: dict[str, str] = {}  # trigger_id -> user who caused it
        self.response_targets: dict[str, ResponseTarget] = {}
        self._ids = itertools.count(1)
        self._last_ts = 0  # in whole microseconds: a float this size cannot add one

    # --- reading ------------------------------------------------------------
    @contextmanager
    def locked(self) -> Iterator[Workspace]:
        with self.lock:
            yield self

    # --- people and channels -------------------------------------------------
    def add_user(
        self,
        user_id: str,
        email: str | None = None,
        *,
        name: str = "",
        real_name: str = "",
        title: str = "",
        is_bot: bool = False,
    ) -> dict[str, Any]:
        real = real_name or name or user_id
        user = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name or user_id.lower(),
            "real_name": real,
            "is_bot": is_bot,
            "deleted": False,
            "tz": "Europe/London",
            "profile": {
                **({"email": email} if email else {}),
                "real_name": real,
                "display_name": name or user_id.lower(),
                "title": title,
            },
        }
        with self.lock:
            self.users[user_id] = user
        return user

    def add_channel(
        self, channel_id: str, name: str, *, members: list[str], app_member: bool = True
    ) -> None:
        with self.lock:
            self.channels[channel_id] = {
                "id": channel_id,
                "name": name.lstrip("#"),
                "members": list(members),
                "app_member": app_member,
            }

    def resolve_channel(self, channel: str) -> str | None:
        """A conversation id from what the app passed: an id, `#name`, or a user id (its DM).

        Channels the workspace was not told about are taken as given (tests post to
        channels they never set up); None only for an empty name."""
        if not channel:
            return None
        with self.lock:
            if channel.startswith("#"):
                name = channel[1:]
                found = (c["id"] for c in self.channels.values() if c["name"] == name)
                return next(found, channel)
            if channel.startswith(("U", "W")):
                return dm_channel(channel)
            return channel

    def can_post(self, channel_id: str) -> bool:
        """The app may post in its DMs and in channels it is a member of."""
        with self.lock:
            if channel_id.startswith("D"):
                return True
            found = self.channels.get(channel_id)
            return found is None or bool(found["app_member"])

    def channel_name(self, channel_id: str) -> str:
        with self.lock:
            found = self.channels.get(channel_id)
            if found is not None:
                return f"#{found['name']}"
            if channel_id.startswith("D"):
                return "direct message"
            return channel_id

    def members_of(self, channel_id: str) -> list[str]:
        with self.lock:
            if channel_id.startswith("D"):
                return [channel_id[1:]]
            found = self.channels.get(channel_id)
            return list(found["members"]) if found else []

    # --- ids ---------------------------------------------------------------
    def new_ts(self) -> str:
        """A message ts as Slack makes them: the time it was stored, to the microsecond,
        unique and increasing in the workspace whatever the clock does, standing still or going
        back (the outbox looks for its posts by time). Counted in whole microseconds: near today's
        epoch seconds a float cannot hold one more microsecond, so ts would repeat."""
        with self.lock:
            self._last_ts = max(round(self.clock() * 1_000_000), self._last_ts + 1)
            seconds, micros = divmod(self._last_ts, 1_000_000)
            return f"{seconds}.{micros:06d}"

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):06d}"

    def new_trigger(self, user_id: str) -> str:
        trigger = f"{next(self._ids)}.{secrets.token_hex(4)}"
        with self.lock:
            self.triggers[trigger] = user_id
        return trigger

    def new_response_url_token(self, target: ResponseTarget) -> str:
        token = secrets.token_hex(8)
        with self.lock:
            self.response_targets[token] = target
        return token

    # --- messages ----------------------------------------------------------
    def post(self, channel_id: str, message: dict[str, Any]) -> dict[str, Any]:
        """Store a message (from the app unless `user` says otherwise); returns it with its ts."""
        with self.lock:
            posted = {
                "type": "message",
                "ts": self.new_ts(),
                "channel": channel_id,
                "user": BOT_USER_ID,
                "bot_id": BOT_ID,
                **message,
            }
            self.history.setdefault(channel_id, []).insert(0, posted)
        self.note("message", channel=channel_id, ts=posted["ts"])
        return posted

    def post_ephemeral(self, channel_id: str, user_id: str, message: dict[str, Any]) -> str:
        with self.lock:
            ts = self.new_ts()
            self.ephemerals.append(
                {
                    "type": "message",
                    "ts": ts,
                    "channel": channel_id,
                    "user": BOT_USER_ID,
                    "ephemeral_to": user_id,
                    **message,
                }
            )
        self.note("ephemeral", channel=channel_id, user=user_id, ts=ts)
        return ts

    def find_message(self, channel_id: str, ts: str) -> dict[str, Any] | None:
        with self.lock:
            for message in self.history.get(channel_id, []):
                if message.get("ts") == ts:
                    return message
            for message in self.ephemerals:
                if message["channel"] == channel_id and message["ts"] == ts:
                    return message
        return None

    def update_message(self, channel_id: str, ts: str, changes: dict[str, Any]) -> bool:
        with self.lock:
            message = self.find_message(channel_id, ts)
            if message is None:
                return False
            message.pop("blocks", None)  # replaced wholesale, as Slack does
            message.update(changes)
            message["edited"] = True
        self.note("updated", channel=channel_id, ts=ts, user=message.get("ephemeral_to"))
        return True

    def delete_message(self, channel_id: str, ts: str) -> bool:
        with self.lock:
            kept = [m for m in self.history.get(channel_id, []) if m.get("ts") != ts]
            found = len(kept) != len(self.history.get(channel_id, []))
            if found:
                self.history[channel_id] = kept
            ephemerals = [
                m for m in self.ephemerals if not (m["channel"] == channel_id and m["ts"] == ts)
            ]
            found = found or len(ephemerals) != len(self.ephemerals)
            self.ephemerals = ephemerals
        if found:
            self.note("deleted", channel=channel_id, ts=ts)
        return found

    def messages_in(self, channel_id: str, viewer: str | None = None) -> list[dict[str, Any]]:
        """A conversation oldest first, with the ephemerals `viewer` can see in it."""
        with self.lock:
            shown = list(reversed(self.history.get(channel_id, [])))
            if viewer is not None:
                shown += [
                    m
                    for m in self.ephemerals
                    if m["channel"] == channel_id and m["ephemeral_to"] == viewer
                ]
        return sorted(shown, key=lambda m: ts_order(str(m.get("ts", "0"))))

    def conversations_of(self, user_id: str) -> list[str]:
        """The conversations a person can see: their DM with the app and their channels."""
        with self.lock:
            mine = [c["id"] for c in self.channels.values() if user_id in c["members"]]
        return [dm_channel(user_id), *sorted(mine, key=self.channel_name)]

    # --- views -------------------------------------------------------------
    def open_modal(
        self, user_id: str, view: dict[str, Any], *, push: bool = False
    ) -> dict[str, Any]:
        with self.lock:
            stack = self.modal_stacks.setdefault(user_id, [])
            if not push:
                for old in stack:
                    self.views.pop(old, None)
                stack.clear()
            stored = self._store_view(view, user_id, "modal", view_id=None)
            stack.append(stored["id"])
        self.note(
            "modal", user=user_id, view_id=stored["id"], detail="pushed" if push else "opened"
        )
        return stored

    def replace_view(self, view_id: str, view: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            old = self.views[view_id]
            stored = self._store_view(view, old["_user"], old["type"], view_id=view_id)
        kind = "home" if stored["type"] == "home" else "modal"
        self.note(kind, user=old["_user"], view_id=view_id, detail="updated")
        return stored

    def close_modal(self, user_id: str, *, all_views: bool = False) -> None:
        with self.lock:
            stack = self.modal_stacks.get(user_id, [])
            if not stack:
                return
            closing = list(stack) if all_views else [stack[-1]]
            for view_id in closing:
                stack.remove(view_id)
                self.views.pop(view_id, None)
        self.note("modal_closed", user=user_id, detail="all" if all_views else "top")

    def top_modal(self, user_id: str) -> dict[str, Any] | None:
        with self.lock:
            stack = self.modal_stacks.get(user_id) or []
            return self.views.get(stack[-1]) if stack else None

    def modal_depth(self, user_id: str) -> int:
        with self.lock:
            return len(self.modal_stacks.get(user_id) or [])

    def publish_home(self, user_id: str, view: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            existing = self.homes.get(user_id)
            stored = self._store_view(view, user_id, "home", view_id=existing)
            self.homes[user_id] = stored["id"]
        self.note("home", user=user_id, view_id=stored["id"], detail="published")
        return stored

    def home_of(self, user_id: str) -> dict[str, Any] | None:
        with self.lock:
            view_id = self.homes.get(user_id)
            return self.views.get(view_id) if view_id else None

    def _store_view(
        self, view: dict[str, Any], user_id: str, kind: str, *, view_id: str | None
    ) -> dict[str, Any]:
        stored = {
            **view,
            "id": view_id or self.new_id("V"),
            "team_id": TEAM_ID,
            "type": view.get("type", kind),
            "hash": f"{int(self.clock())}.{secrets.token_hex(4)}",
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": initial_values(view)},
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "_user": user_id,
        }
        self.views[stored["id"]] = stored
        return stored

    # --- files -------------------------------------------------------------
    def add_file(self, name: str, title: str) -> File:
        file = File(id=self.new_id("F"), name=name, title=title)
        if name.lower().endswith(".png"):
            file.mimetype = "image/png"
        with self.lock:
            self.files[file.id] = file
        return file


def public_view(view: dict[str, Any]) -> dict[str, Any]:
    """A stored view as Slack shows it to the app (without the stand-in's own keys)."""
    return {k: v for k, v in view.items() if not k.startswith("_")}


def ts_order(ts: str) -> tuple[int, int]:
    seconds, _, fraction = ts.partition(".")
    try:
        return int(seconds), int(fraction or 0)
    except ValueError:
        return 0, 0
