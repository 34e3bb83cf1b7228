"""A readable transcript of a demo: who did what, then each message and view that
appeared, as a screen reader would read it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.demo.sample import Person
from bot.demo.world import Demo
from bot.localslack.readable import message_lines, view_lines
from bot.localslack.workspace import BOT_USER_ID

INDENT = "    "
OTHERS_IN_FULL = 3  # DMs to people other than the actor, shown whole up to this many


class Transcript:
    def __init__(self, demo: Demo, write: Callable[[str], None]) -> None:
        self.demo = demo
        self.write = write
        self.cursor = demo.workspace.version

    def line(self, text: str) -> None:
        self.write(text)

    def problem(self, text: str) -> None:
        self.write(f"  ! {text}")

    def skip_to_now(self) -> None:
        self.cursor = self.demo.workspace.version

    def changes(self, actor: Person | None) -> None:
        """Everything that appeared since the last call, as `actor` sees it."""
        ws = self.demo.workspace
        changes = ws.changes_since(self.cursor)
        self.cursor += len(changes)
        me = actor.slack_user_id if actor else None
        messages: dict[tuple[str, str], str] = {}
        modal = home = False
        for change in changes:
            if change.kind in ("message", "ephemeral", "updated", "deleted"):
                key = (change.channel or "", change.ts or "")
                if change.kind == "deleted":
                    messages[key] = "gone" if messages.get(key) == "new" else "deleted"
                else:
                    messages.setdefault(key, "new" if change.kind != "updated" else "updated")
            elif change.kind in ("modal", "modal_closed") and change.user == me:
                modal = modal or change.detail != "filled"
            elif change.kind == "home" and change.user == me:
                home = True
        others: list[tuple[str, dict[str, Any]]] = []
        for (channel, ts), how in messages.items():
            if how == "gone":
                continue
            if how == "deleted":
                self.write(f"  {self._poster(None)} deleted a message in {self._where(channel)}.")
                continue
            message = ws.find_message(channel, ts)
            if message is None:
                continue
            to = message.get("ephemeral_to")
            if to is not None and to != me:
                continue
            if channel.startswith("D") and channel[1:] != me:
                others.append((channel[1:], message))
                continue
            self._message(message, how, me)
        self._others(others)
        if modal and me:
            top = ws.top_modal(me)
            if top is None:
                self.write("  The form closed.")
            else:
                self.write("  Form open:")
                self._lines(view_lines(top, self.demo.name_of))
        if home and me:
            view = ws.home_of(me)
            if view is not None:
                self.write("  App Home:")
                self._lines(view_lines(view, self.demo.name_of))

    def _message(self, message: dict[str, Any], how: str, me: str | None) -> None:
        channel = str(message["channel"])
        poster = self._poster(message.get("user"))
        if message.get("ephemeral_to"):
            where = f"in {self._where(channel)}, only visible to you"
        elif channel.startswith("D"):
            where = "to you, direct message" if channel[1:] == me else f"to {self._where(channel)}"
        else:
            where = f"in {self._where(channel)}"
        if message.get("thread_ts") and message.get("thread_ts") != message.get("ts"):
            where += ", in the thread of its post"
        verb = " updated its message" if how == "updated" else ""
        self.write(f"  {poster}{verb} {where}:")
        self._lines(message_lines(message, self.demo.name_of))

    def _others(self, others: list[tuple[str, dict[str, Any]]]) -> None:
        if len(others) <= OTHERS_IN_FULL:
            for user, message in others:
                self.write(f"  {self._poster(message.get('user'))} to {self.demo.name_of(user)}:")
                self._lines(message_lines(message, self.demo.name_of))
            return
        by_text: dict[str, list[str]] = {}
        for user, message in others:
            first = (message_lines(message, self.demo.name_of) or [""])[0]
            by_text.setdefault(first, []).append(self.demo.name_of(user))
        for first, names in by_text.items():
            people = ", ".join(names) if len(names) <= 4 else f"{len(names)} people"
            self.write(f"  staffroom to {people}, direct messages:")
            self._lines([first])

    def _lines(self, lines: list[str]) -> None:
        for text in lines:
            self.write(INDENT + text)

    def _poster(self, user: Any) -> str:
        if user in (None, BOT_USER_ID):
            return "staffroom"
        if user == "USLACKBOT":
            return "Slackbot"
        return self.demo.name_of(str(user))

    def _where(self, channel: str) -> str:
        if channel.startswith("D"):
            return self.demo.name_of(channel[1:])
        return self.demo.workspace.channel_name(channel)
