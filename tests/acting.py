"""What people do in Slack, as the tests' `people` fixture (bot.localslack.client) lets them:
fill in whatever form the app opened, and read back what the app said."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from bot.localslack.client import SlackClient
from bot.localslack.inputs import element_state, ordered_options
from bot.localslack.webapi import FakeSlack

TEXT_INPUTS = ("plain_text_input",)
# Slack methods and response_url posts that carry what the app shows people.
SHOWN = (
    "chat.postMessage",
    "chat.postEphemeral",
    "chat.update",
    "response_url",
    "views.open",
    "views.update",
    "views.push",
    "views.publish",
)


def fill_in(people: SlackClient, user: str, typed: str, **chosen: str) -> list[str]:
    """Fill in every field of the form open for `user`: each text field with `typed` (cut
    to the field's length, as Slack's client does), every other field with its first
    choice, a person or a date, unless `chosen` names a block id with what to type.
    Returns the block ids of the text fields."""
    texts = []
    for block in people.inputs(user):
        element = block.get("element") or {}
        block_id, kind = block["block_id"], element.get("type")
        if block_id in chosen:
            people.fill(user, block, chosen[block_id])
        elif kind in TEXT_INPUTS:
            limit = int(element.get("max_length") or 3000)
            people.set_state(user, block_id, {"value": typed[:limit] or None})
            texts.append(block_id)
        elif kind in ("static_select", "radio_buttons"):
            if not element.get("initial_option"):
                people.set_state(user, block_id, {"selected_option": _first(element)})
        elif kind in ("multi_static_select", "checkboxes"):
            people.set_state(user, block_id, {"selected_options": [_first(element)]})
        elif kind == "multi_users_select" or (
            kind == "users_select" and not element.get("initial_user")
        ):
            people.fill(user, block, "bob")
    return texts


def _first(element: Mapping[str, Any]) -> dict[str, Any]:
    return dict(ordered_options(dict(element))[0])


def shown(fake_slack: FakeSlack, since: int = 0) -> Iterator[tuple[str, str]]:
    """(method, text) for every mrkdwn text and message fallback the app sent after call
    number `since`: where Slack would turn `<@U…>`, `<!here>` or `<http…>` into a ping
    or a link (plain_text is shown as it is)."""
    for call in fake_slack.calls[since:]:
        if call.method not in SHOWN:
            continue
        if isinstance(call.params.get("text"), str):
            yield call.method, call.params["text"]
        for value in mrkdwn_texts(call.params):
            yield call.method, value


def mrkdwn_texts(node: Any) -> Iterator[str]:
    """Every mrkdwn text in a message, a view or a part of one."""
    if isinstance(node, str) and node[:1] in "{[":
        try:
            node = json.loads(node)
        except ValueError:
            return
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
            yield node["text"]
        for value in node.values():
            yield from mrkdwn_texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from mrkdwn_texts(value)


SPECIAL = re.compile(r"<([^>]*)>")


def pings_and_links(text: str) -> list[str]:
    """Every mention, channel, @here or link Slack would make of this text."""
    return SPECIAL.findall(text)


def form_values(
    view: Mapping[str, Any], typed: str, chosen: Mapping[str, dict[str, Any]] | None = None
) -> dict[str, dict[str, Any]]:
    """The state Slack sends when `view` is submitted with every text field holding `typed`
    (cut to its length, as Slack's client does) and every other field its initial value
    or, if it has none, its first choice; `chosen` gives a block's state outright."""
    values: dict[str, dict[str, Any]] = {}
    for block in view.get("blocks") or []:
        if block.get("type") != "input":
            continue
        element = dict(block.get("element") or {})
        kind = element.get("type")
        state = element_state(element) or {"type": kind}
        if chosen and block["block_id"] in chosen:
            state = {"type": kind, **chosen[block["block_id"]]}
        elif kind in TEXT_INPUTS:
            state["value"] = typed[: int(element.get("max_length") or 3000)] or None
        elif kind in ("static_select", "radio_buttons") and not state.get("selected_option"):
            state["selected_option"] = _first(element)
        elif kind in ("multi_static_select", "checkboxes") and not state.get("selected_options"):
            state["selected_options"] = [_first(element)]
        elif kind == "users_select" and not state.get("selected_user"):
            state["selected_user"] = "UBOB"
        elif kind == "multi_users_select" and not state.get("selected_users"):
            state["selected_users"] = ["UBOB"]
        values[block["block_id"]] = {element.get("action_id", ""): state}
    return values


# The ids of requests handled, kept so that a retry of one does nothing: every request
# Slack sends adds one, refused or not, so "stored nothing" is judged without them.
MACHINERY = ("handled_request",)


def record_counts(db: Any) -> dict[str, int]:
    """Rows in each table that holds records, the request-id table left out."""
    return {t: n for t, n in db.row_counts().items() if t not in MACHINERY}


def posted(
    fake_slack: FakeSlack, key_prefix: str, channel: str | None = None
) -> list[dict[str, Any]]:
    """Messages Slack accepted whose outbox key starts with `key_prefix` (to `channel`):
    what one feature sent, whatever reminders a running scheduler sent beside it (a
    `serve` process ticks on the real clock, so in working hours it sends them too)."""
    return [
        call.params
        for call in fake_slack.accepted()
        if str(
            ((call.params.get("metadata") or {}).get("event_payload") or {}).get("key", "")
        ).startswith(key_prefix)
        and (channel is None or call.params.get("channel") == channel)
    ]
