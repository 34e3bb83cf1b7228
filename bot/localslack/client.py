"""What a person's Slack client does when they act: it turns a typed slash command,
a pressed button, a filled-in modal or an opened App Home into the request Slack
sends the app (through the signer), and applies the app's answer (a modal's
field errors, an updated or pushed view) to the workspace.

The checks Slack's own client makes before anything is sent are here too: a
required field left empty here, and what a field can hold in bot.localslack.inputs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from bot.localslack.inputs import (
    REQUIRED,
    ClientError,
    is_empty,
    label_of,
    starts_with_word,
    state_from_text,
)
from bot.localslack.signer import SlackSender
from bot.localslack.workspace import (
    BOT_USER_ID,
    ResponseTarget,
    Workspace,
    dm_channel,
    public_view,
    ts_order,
)

_MENTION = re.compile(r"(?<![\w<])@([A-Za-z][\w.'-]*)")


@dataclass
class Outcome:
    """What came of an action: the app's field errors, or a failure Slack would show."""

    errors: dict[str, str] = field(default_factory=dict)  # block_id -> message
    failure: str | None = None


@dataclass(frozen=True)
class Button:
    """A button a person can see: where it is and what pressing it sends."""

    surface: str  # "modal", "message" or "home"
    text: str
    action_id: str
    block_id: str
    value: str
    url: str | None
    channel: str | None = None
    message: dict[str, Any] | None = None
    view: dict[str, Any] | None = None


class SlackClient:
    def __init__(
        self,
        workspace: Workspace,
        sender: SlackSender,
        response_base: str,
        *,
        commands: Collection[str] | None = None,
    ) -> None:
        self.workspace = workspace
        self.sender = sender
        self.response_base = response_base.rstrip("/")
        self.commands = set(commands) if commands is not None else None  # the app's, if known

    # --- slash commands -----------------------------------------------------
    def command(self, user: str, channel: str, line: str) -> Outcome:
        """`/command text…` typed by `user` in `channel`; `@name` becomes a mention."""
        command, _, text = line.strip().partition(" ")
        if self.commands is not None and command not in self.commands:
            return self._failed(
                user,
                channel,
                f"{command} is not a valid command. In Slack, messages that begin with "
                "“/” are interpreted as commands.",
            )
        text = self.escape_mentions(text.strip())
        target = ResponseTarget(user=user, channel=channel)
        token = self.workspace.new_response_url_token(target)
        name = self.workspace.channel_name(channel)
        reply = self.sender.command(
            command,
            text,
            user_id=user,
            channel_id=channel,
            channel_name="directmessage" if channel.startswith("D") else name.lstrip("#"),
            trigger_id=self.workspace.new_trigger(user),
            response_url=f"{self.response_base}/{token}",
        )
        if reply.status_code != 200:
            failed = f'{command} failed with the error "dispatch_failed"'
            return self._failed(user, channel, failed)
        body = (reply.text or "").strip()
        if body:  # an answer in the ack itself is shown like a response_url reply
            try:
                message = json.loads(body)
            except json.JSONDecodeError:
                message = {"text": body}
            if message.get("response_type") == "in_channel":
                self.workspace.post(channel, message)
            else:
                self.workspace.post_ephemeral(channel, user, message)
        return Outcome()

    def escape_mentions(self, text: str) -> str:
        """`@name` as Slack sends it with should_escape: `<@U123|name>`."""

        def swap(match: re.Match[str]) -> str:
            user = self.find_user(match.group(1))
            if user is None:
                return match.group(0)
            return f"<@{user['id']}|{user['name']}>"

        return _MENTION.sub(swap, text)

    def find_user(self, name: str) -> dict[str, Any] | None:
        """A person by handle, display name, real name or first name (case-insensitive)."""
        wanted = name.strip().lstrip("@").lower()
        with self.workspace.lock:
            people = [u for u in self.workspace.users.values() if not u.get("deleted")]
        for key in ("name", "display_name", "real_name", "first_name"):
            found = [u for u in people if _names(u).get(key, "").lower() == wanted]
            if len(found) == 1:
                return found[0]
        return None

    # --- buttons ------------------------------------------------------------
    def buttons(self, user: str) -> list[Button]:
        """Every button `user` can see, the nearest first: the open modal, then
        messages newest first, then the App Home."""
        found: list[Button] = []
        ws = self.workspace
        modal = ws.top_modal(user)
        if modal is not None:
            found += _buttons_in(modal.get("blocks") or [], surface="modal", view=modal)
        messages: list[dict[str, Any]] = []
        for conversation in ws.conversations_of(user):
            messages += ws.messages_in(conversation, viewer=user)
        messages.sort(key=lambda m: ts_order(str(m.get("ts", "0"))), reverse=True)
        for message in messages:
            found += _buttons_in(
                message.get("blocks") or [],
                surface="message",
                channel=message["channel"],
                message=message,
            )
        home = ws.home_of(user)
        if home is not None:
            found += _buttons_in(home.get("blocks") or [], surface="home", view=home)
        return found

    def find_button(self, user: str, text: str) -> Button | None:
        wanted = text.strip().lower()
        for button in self.buttons(user):
            if button.text.lower() == wanted:
                return button
        return None

    def press(self, user: str, button: Button) -> Outcome:
        if button.url and not button.action_id:
            return Outcome()  # a link: Slack opens it in the browser and tells the app nothing
        trigger = self.workspace.new_trigger(user)
        if button.view is not None:
            reply = self.sender.click(
                button.action_id,
                button.value,
                user_id=user,
                block_id=button.block_id,
                text=button.text,
                trigger_id=trigger,
                view=public_view(button.view),
            )
        else:
            assert button.message is not None and button.channel is not None
            message = button.message
            target = ResponseTarget(user=user, channel=button.channel, message_ts=message["ts"])
            token = self.workspace.new_response_url_token(target)
            ephemeral = "ephemeral_to" in message
            reply = self.sender.click(
                button.action_id,
                button.value,
                user_id=user,
                block_id=button.block_id,
                text=button.text,
                trigger_id=trigger,
                channel_id=button.channel,
                response_url=f"{self.response_base}/{token}",
                is_ephemeral=ephemeral,
                message={k: v for k, v in message.items() if k not in ("channel", "ephemeral_to")},
            )
        if reply.status_code != 200:
            return self._failed(user, button.channel or dm_channel(user), "That didn't work.")
        return Outcome()

    # --- modals -------------------------------------------------------------
    def inputs(self, user: str) -> list[dict[str, Any]]:
        """The input blocks of the modal open for `user`."""
        modal = self.workspace.top_modal(user)
        if modal is None:
            return []
        return [b for b in modal.get("blocks") or [] if b.get("type") == "input"]

    def find_input(self, user: str, label: str) -> dict[str, Any] | None:
        """An input block by its label: the whole label, or its start up to a word's end."""
        wanted = label.strip().lower().rstrip(":")
        blocks = self.inputs(user)
        for block in blocks:
            if label_of(block).lower().rstrip(":?") == wanted.rstrip("?"):
                return block
        starts = [b for b in blocks if starts_with_word(label_of(b).lower(), wanted)]
        return starts[0] if len(starts) == 1 else None

    def fill(self, user: str, block: dict[str, Any], text: str) -> None:
        """Set an input from what a person typed or chose; raise ClientError if it cannot be."""
        modal = self.workspace.top_modal(user)
        if modal is None:
            raise ClientError("no form is open")
        element = block.get("element") or {}
        state = state_from_text(element, text, self._user_id)
        with self.workspace.lock:
            values = modal["state"]["values"].setdefault(block.get("block_id", ""), {})
            values[element.get("action_id", "")] = state
            modal.get("_errors", {}).pop(block.get("block_id", ""), None)
        self.workspace.note("modal", user=user, view_id=modal["id"], detail="filled")

    def set_state(self, user: str, block_id: str, state: dict[str, Any]) -> None:
        """Set an input's state directly, as the page's form controls do."""
        modal = self.workspace.top_modal(user)
        if modal is None:
            raise ClientError("no form is open")
        block = next((b for b in self.inputs(user) if b.get("block_id") == block_id), None)
        if block is None:
            raise ClientError(f"the form has no field {block_id}")
        element = block.get("element") or {}
        with self.workspace.lock:
            values = modal["state"]["values"].setdefault(block_id, {})
            values[element.get("action_id", "")] = {"type": element.get("type"), **state}

    def _user_id(self, name: str) -> str:
        user = self.find_user(name)
        if user is None:
            raise ClientError(f"nobody called {name!r} is in this workspace")
        return str(user["id"])

    def submit(self, user: str) -> Outcome:
        """Submit the modal open for `user`, as its submit button would."""
        ws = self.workspace
        modal = ws.top_modal(user)
        if modal is None:
            raise ClientError("no form is open")
        missing = {
            block.get("block_id", ""): REQUIRED
            for block in modal.get("blocks") or []
            if block.get("type") == "input" and not block.get("optional") and is_empty(modal, block)
        }
        if missing:
            return self._show_errors(user, modal, missing)
        reply = self.sender.view_submission(
            public_view(modal),
            modal["state"]["values"],
            user_id=user,
            trigger_id=ws.new_trigger(user),
        )
        if reply.status_code != 200:
            return self._show_errors(user, modal, {}, failure="We had some trouble connecting.")
        body = (reply.text or "").strip()
        answer: dict[str, Any] = json.loads(body) if body.startswith("{") else {}
        action = answer.get("response_action")
        if action == "errors":
            return self._show_errors(user, modal, dict(answer.get("errors") or {}))
        if action == "update":
            ws.replace_view(modal["id"], answer.get("view") or {})
        elif action == "push":
            ws.open_modal(user, answer.get("view") or {}, push=True)
        elif action == "clear":
            ws.close_modal(user, all_views=True)
        else:
            ws.close_modal(user)
        return Outcome()

    def close(self, user: str) -> None:
        """The modal's close button (the app asked for no view_closed notice)."""
        self.workspace.close_modal(user)

    def _show_errors(
        self,
        user: str,
        modal: dict[str, Any],
        errors: dict[str, str],
        failure: str | None = None,
    ) -> Outcome:
        with self.workspace.lock:
            modal["_errors"] = dict(errors)
            modal["_failure"] = failure
        self.workspace.note("modal", user=user, view_id=modal["id"], detail="errors")
        return Outcome(errors=errors, failure=failure)

    # --- App Home -----------------------------------------------------------
    def open_home(self, user: str) -> Outcome:
        home = self.workspace.home_of(user)
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": user,
            "channel": dm_channel(user),
            "tab": "home",
            "event_ts": self.workspace.new_ts(),
        }
        if home is not None:
            event["view"] = public_view(home)
        reply = self.sender.event(event, event_id=self.workspace.new_id("Ev"))
        if reply.status_code != 200:
            return Outcome(failure="The app did not answer.")
        return Outcome()

    def _failed(self, user: str, channel: str, text: str) -> Outcome:
        self.workspace.post_ephemeral(channel, user, {"text": text, "user": "USLACKBOT"})
        return Outcome(failure=text)


# --- reading blocks ---------------------------------------------------------------


def _names(user: dict[str, Any]) -> dict[str, str]:
    profile = user.get("profile") or {}
    real = str(user.get("real_name") or profile.get("real_name") or "")
    return {
        "name": str(user.get("name") or ""),
        "display_name": str(profile.get("display_name") or ""),
        "real_name": real,
        "first_name": real.split(" ")[0] if real else "",
    }


def _buttons_in(
    blocks: list[dict[str, Any]],
    *,
    surface: str,
    channel: str | None = None,
    message: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
) -> list[Button]:
    found: list[Button] = []
    for block in blocks:
        elements: list[dict[str, Any]] = []
        if block.get("type") == "actions":
            elements = list(block.get("elements") or [])
        elif block.get("type") == "section" and block.get("accessory"):
            elements = [block["accessory"]]
        for element in elements:
            if element.get("type") != "button":
                continue
            found.append(
                Button(
                    surface=surface,
                    text=str((element.get("text") or {}).get("text", "")),
                    action_id=str(element.get("action_id", "")),
                    block_id=str(block.get("block_id", "")),
                    value=str(element.get("value", "")),
                    url=element.get("url"),
                    channel=channel,
                    message=message,
                    view=view,
                )
            )
    return found


__all__ = ["BOT_USER_ID", "Button", "ClientError", "Outcome", "SlackClient"]
