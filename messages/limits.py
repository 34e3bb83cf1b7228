"""Slack's Block Kit limits (SLACK.md), checked on anything the app sends.

slack_sdk's models check some of these; not the 50-block message limit, the
checkbox option limit or input `max_length`, so all are checked here in one place.
"""

from __future__ import annotations

from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_TEXT = 3000
SECTION_FIELDS = 10
FIELD_TEXT = 2000
HEADER_TEXT = 150
INPUT_MAX_LENGTH = 3000
STATIC_OPTIONS = 100
CHECKBOX_OPTIONS = 10
VIEW_TITLE = 24
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
CONTEXT_ELEMENTS = 10
PRIVATE_METADATA = 3000
ID_LENGTH = 255
OPTION_TEXT = 75
OPTION_VALUE = 75
INPUT_LABEL = 2000
MESSAGE_TEXT = 40000


def message_problems(message: dict[str, Any]) -> list[str]:
    problems = []
    text = message.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append("message has no plain-text fallback `text`")
    elif len(text) > MESSAGE_TEXT:
        problems.append(f"text is {len(text)} chars (> {MESSAGE_TEXT})")
    blocks = message.get("blocks", [])
    if len(blocks) > MESSAGE_BLOCKS:
        problems.append(f"{len(blocks)} blocks (> {MESSAGE_BLOCKS})")
    problems += _blocks_problems(blocks)
    return problems


def view_problems(view: dict[str, Any]) -> list[str]:
    problems = []
    blocks = view.get("blocks", [])
    if len(blocks) > VIEW_BLOCKS:
        problems.append(f"{len(blocks)} blocks (> {VIEW_BLOCKS})")
    for key in ("title", "submit", "close"):
        text = view.get(key, {}).get("text", "")
        if len(text) > VIEW_TITLE:
            problems.append(f"view {key} {text!r} over {VIEW_TITLE} chars")
    if len(view.get("private_metadata", "")) > PRIVATE_METADATA:
        problems.append("private_metadata over 3000 chars")
    if len(view.get("callback_id", "")) > ID_LENGTH:
        problems.append("callback_id too long")
    problems += _blocks_problems(blocks)
    return problems


def _blocks_problems(blocks: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    if len(block_ids) != len(set(block_ids)):
        problems.append("duplicate block_id")
    for index, block in enumerate(blocks):
        where = f"block {index} ({block.get('type')})"
        if len(block.get("block_id", "")) > ID_LENGTH:
            problems.append(f"{where}: block_id too long")
        kind = block.get("type")
        if kind == "section":
            text = block.get("text", {}).get("text", "")
            if not text and not block.get("fields"):
                problems.append(f"{where}: empty section")
            if len(text) > SECTION_TEXT:
                problems.append(f"{where}: text {len(text)} chars (> {SECTION_TEXT})")
            fields = block.get("fields", [])
            if len(fields) > SECTION_FIELDS:
                problems.append(f"{where}: {len(fields)} fields")
            problems += [
                f"{where}: field over {FIELD_TEXT}" for f in fields if len(f["text"]) > FIELD_TEXT
            ]
            if "accessory" in block:
                problems += _element_problems(block["accessory"], where)
        elif kind == "header":
            if len(block["text"]["text"]) > HEADER_TEXT:
                problems.append(f"{where}: header over {HEADER_TEXT}")
        elif kind == "context":
            elements = block.get("elements", [])
            if not elements or len(elements) > CONTEXT_ELEMENTS:
                problems.append(f"{where}: {len(elements)} context elements")
        elif kind == "actions":
            for element in block.get("elements", []):
                problems += _element_problems(element, where)
        elif kind == "input":
            if "label" not in block:
                problems.append(f"{where}: input without a label")
            elif len(block["label"]["text"]) > INPUT_LABEL:
                problems.append(f"{where}: label over {INPUT_LABEL}")
            problems += _element_problems(block["element"], where)
    return problems


def _element_problems(element: dict[str, Any], where: str) -> list[str]:
    problems = []
    kind = element.get("type")
    if len(element.get("action_id", "")) > ID_LENGTH:
        problems.append(f"{where}: action_id too long")
    if kind == "button":
        if len(element["text"]["text"]) > BUTTON_TEXT:
            problems.append(f"{where}: button text over {BUTTON_TEXT}")
        if len(element.get("value", "")) > BUTTON_VALUE:
            problems.append(f"{where}: button value over {BUTTON_VALUE}")
    if kind == "plain_text_input" and element.get("max_length", 0) > INPUT_MAX_LENGTH:
        problems.append(f"{where}: max_length over {INPUT_MAX_LENGTH}")
    options = element.get("options", [])
    if kind in ("checkboxes", "radio_buttons") and len(options) > CHECKBOX_OPTIONS:
        problems.append(f"{where}: {len(options)} options (> {CHECKBOX_OPTIONS})")
    if kind in ("static_select", "multi_static_select") and len(options) > STATIC_OPTIONS:
        problems.append(f"{where}: {len(options)} options (> {STATIC_OPTIONS})")
    groups = element.get("option_groups", [])
    if len(groups) > STATIC_OPTIONS:
        problems.append(f"{where}: {len(groups)} option groups")
    for group in groups:
        options = [*options, *group["options"]]
        if len(group["options"]) > STATIC_OPTIONS:
            problems.append(f"{where}: {len(group['options'])} options in a group")
    for option in options:
        if len(option["text"]["text"]) > OPTION_TEXT:
            problems.append(f"{where}: option text over {OPTION_TEXT}")
        if len(option.get("value", "")) > OPTION_VALUE:
            problems.append(f"{where}: option value over {OPTION_VALUE}")
        if len(option.get("description", {}).get("text", "")) > OPTION_TEXT:
            problems.append(f"{where}: option description over {OPTION_TEXT}")
    return problems
