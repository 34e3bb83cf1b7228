"""Slack's Block Kit limits (Slack's Block Kit reference), checked on everything the app sends.

slack_sdk's models validate most of Block Kit (text lengths, ids, labels, option
texts and values, view titles, 100 blocks a view); checked here besides are only
the limits they lack: 50 blocks a message, the plain-text fallback, 10 options in
checkboxes and radio buttons, an input's `max_length`, and unique block ids.
The local Slack stand-in runs these checks on every message and view it receives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_BLOCKS = 50
MESSAGE_TEXT = 40000
CHECKBOX_OPTIONS = 10
INPUT_MAX_LENGTH = 3000
TEXT_INPUT = "plain_text_input"
ONE_OF_TEN = ("checkboxes", "radio_buttons")


def message_problems(message: Mapping[str, Any]) -> list[str]:
    """What Slack would refuse in a message (`text` and `blocks`), as short sentences."""
    problems = []
    text = message.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append("message has no plain-text fallback `text`")
    elif len(text) > MESSAGE_TEXT:
        problems.append(f"text is {len(text)} chars (> {MESSAGE_TEXT})")
    blocks = list(message.get("blocks") or [])
    if len(blocks) > MESSAGE_BLOCKS:
        problems.append(f"{len(blocks)} blocks (> {MESSAGE_BLOCKS})")
    return problems + _blocks_problems(blocks)


def view_problems(view: Mapping[str, Any]) -> list[str]:
    """What Slack would refuse in a modal or Home tab view."""
    problems = []
    try:  # the view's own fields; its blocks are checked one by one below
        View(**{**view, "blocks": [{"type": "divider"}]}).to_dict()
    except (SlackObjectFormationError, TypeError) as error:
        problems.append(f"view: {error}")
    blocks = list(view.get("blocks") or [])
    if not 1 <= len(blocks) <= 100:
        problems.append(f"{len(blocks)} blocks (a view has 1 to 100)")
    return problems + _blocks_problems(blocks)


def _blocks_problems(blocks: list[Any]) -> list[str]:
    problems: list[str] = []
    ids = [b.get("block_id") for b in blocks if isinstance(b, Mapping) and b.get("block_id")]
    if len(ids) != len(set(ids)):
        problems.append("duplicate block_id")
    for index, block in enumerate(blocks):
        where = f"block {index} ({block.get('type') if isinstance(block, Mapping) else '?'})"
        problems += [f"{where}: {problem}" for problem in _block_problems(block)]
    return problems


def _block_problems(block: Any) -> list[str]:
    if not isinstance(block, Mapping):
        return ["not an object"]
    problems = []
    if block.get("type") == "input" and "label" not in block:
        problems.append("input without a label")
    for element in _elements(block):
        options = element.get("options") or []
        if element.get("type") in ONE_OF_TEN and len(options) > CHECKBOX_OPTIONS:
            problems.append(f"{len(options)} options (> {CHECKBOX_OPTIONS})")
        if element.get("type") == TEXT_INPUT and element.get("max_length", 0) > INPUT_MAX_LENGTH:
            problems.append(f"max_length over {INPUT_MAX_LENGTH}")
    try:
        parsed = Block.parse(dict(block))
        if parsed is None:
            return [*problems, f"unknown block type {block.get('type')!r}"]
        parsed.to_dict()  # validates the block and everything in it
    except (SlackObjectFormationError, KeyError, TypeError, AttributeError) as error:
        problems.append(str(error) or type(error).__name__)
    return problems


def _elements(block: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = [block.get("element"), block.get("accessory"), *(block.get("elements") or [])]
    return [e for e in found if isinstance(e, Mapping)]
