"""Messages and views as a screen reader would read them: plain lines of text,
mentions as names, emoji as emoji, buttons as `[Button text]`."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from bot.localslack.inputs import ordered_options

# The emoji staffroom's messages use, and a few common others.
EMOJI = {
    "clipboard": "📋",
    "hourglass_flowing_sand": "⏳",
    "ladder": "🪜",
    "large_green_square": "🟩",
    "large_orange_square": "🟧",
    "white_large_square": "⬜",
    "mag": "🔍",
    "memo": "📝",
    "seedling": "🌱",
    "sparkles": "✨",
    "star": "⭐",
    "star2": "🌟",
    "straight_ruler": "📏",
    "tada": "🎉",
    "warning": "⚠️",
    "white_check_mark": "✅",
    "zzz": "💤",
    "wave": "👋",
    "clap": "👏",
    "bar_chart": "📊",
    "calendar": "📅",
    "bell": "🔔",
    "raised_hands": "🙌",
    "heart": "❤️",
    "thumbsup": "👍",
    "+1": "👍",
}
_EMOJI = re.compile(r":([a-z0-9_+-]+):")
_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
_MARKS = re.compile(r"(?<![\w*_~`])([*_~])(?=\S)(.+?)(?<=\S)\1(?![\w*_~])")

Names = Callable[[str], str]  # user or channel id -> how it is shown


def emoji(text: str) -> str:
    return _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)


def mrkdwn_to_text(text: str, names: Names) -> str:
    """Slack's mrkdwn as plain text: links and mentions named, bold and italics dropped."""

    def link(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            return "@" + (label or names(target[1:]))
        if target.startswith("#"):
            return "#" + (label or names(target[1:]).lstrip("#"))
        if target.startswith("!"):
            return "@" + (label or target[1:].split("^")[0])
        return label or target

    text = _LINK.sub(link, text)
    text = _MARKS.sub(lambda m: m.group(2), text)
    text = text.replace("```", "").replace("`", "")
    return emoji(html.unescape(text))


def plain(obj: dict[str, Any] | None, names: Names) -> str:
    """A text object (plain_text or mrkdwn) as plain text."""
    if not obj:
        return ""
    text = str(obj.get("text", ""))
    if obj.get("type") == "mrkdwn":
        return mrkdwn_to_text(text, names)
    return emoji(text) if obj.get("emoji", True) else text


def blocks_to_lines(
    blocks: list[dict[str, Any]],
    names: Names,
    *,
    state: dict[str, dict[str, Any]] | None = None,
    errors: dict[str, str] | None = None,
) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        lines += _block(block, names, state or {}, errors or {})
    return lines


def _block(
    block: dict[str, Any], names: Names, state: dict[str, dict[str, Any]], errors: dict[str, str]
) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        return [plain(block.get("text"), names).upper()]
    if kind == "divider":
        return ["---"]
    if kind == "section":
        lines = plain(block.get("text"), names).splitlines()
        for item in block.get("fields") or []:
            lines += plain(item, names).splitlines()
        accessory = block.get("accessory")
        if accessory:
            lines.append(element_text(accessory, names))
        return lines
    if kind == "context":
        parts = []
        for element in block.get("elements") or []:
            if element.get("type") == "image":
                parts.append(f"[image: {element.get('alt_text', '')}]")
            else:
                parts.append(plain(element, names))
        return [" · ".join(part for part in parts if part)]
    if kind == "image":
        title = plain(block.get("title"), names)
        return [f"[image: {block.get('alt_text') or title}]"]
    if kind == "actions":
        return [" ".join(element_text(e, names) for e in block.get("elements") or [])]
    if kind == "input":
        return _input(block, names, state, errors)
    if kind == "rich_text":
        return [_rich_text(block)]
    return []


def element_text(element: dict[str, Any], names: Names) -> str:
    kind = element.get("type")
    if kind == "button":
        return f"[{plain(element.get('text'), names)}]"
    if kind == "image":
        return f"[image: {element.get('alt_text', '')}]"
    placeholder = plain(element.get("placeholder"), names)
    return f"[{kind}: {placeholder}]" if placeholder else f"[{kind}]"


def _input(
    block: dict[str, Any], names: Names, state: dict[str, dict[str, Any]], errors: dict[str, str]
) -> list[str]:
    element = block.get("element") or {}
    label = plain(block.get("label"), names)
    optional = " (optional)" if block.get("optional") and "(optional)" not in label else ""
    values = state.get(block.get("block_id", ""), {})
    current = next(iter(values.values()), None) if values else None
    lines = [f"{label}{optional}: {value_text(element, current, names)}"]
    hint = plain(block.get("hint"), names)
    if hint:
        lines.append(f"  ({hint})")
    error = errors.get(block.get("block_id", ""))
    if error:
        lines.append(f"  ! {error}")
    return lines


def value_text(element: dict[str, Any], current: dict[str, Any] | None, names: Names) -> str:
    """An input's kind and what it holds now, e.g. `(one of: A, B) A`."""
    current = current or {}
    kind = element.get("type", "")
    if kind in ("plain_text_input", "number_input", "email_text_input", "url_text_input"):
        what = {"number_input": "a number"}.get(
            kind, "text, several lines" if element.get("multiline") else "text"
        )
        value = current.get("value")
        return f"({what})" + (f" {value}" if value else "")
    if kind in ("static_select", "radio_buttons", "multi_static_select", "checkboxes"):
        options = [plain(o.get("text"), names) for o in ordered_options(element)]
        many = kind in ("multi_static_select", "checkboxes")
        chosen = (
            [plain(o.get("text"), names) for o in current.get("selected_options") or []]
            if many
            else [plain((current.get("selected_option") or {}).get("text"), names)]
        )
        chosen = [c for c in chosen if c]
        shown = options if len(options) <= 12 else [*options[:12], f"… {len(options) - 12} more"]
        word = "tick any of" if kind == "checkboxes" else ("choose from" if many else "one of")
        return f"({word}: {', '.join(shown)})" + (f" {', '.join(chosen)}" if chosen else "")
    if kind == "users_select":
        user = current.get("selected_user")
        return "(a person)" + (f" {names(user)}" if user else "")
    if kind == "multi_users_select":
        users = current.get("selected_users") or []
        return "(people)" + (f" {', '.join(names(u) for u in users)}" if users else "")
    if kind == "datepicker":
        day = current.get("selected_date")
        return "(a date)" + (f" {day}" if day else "")
    return f"({kind})"


def _rich_text(block: dict[str, Any]) -> str:
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "text":
                parts.append(str(node.get("text", "")))
            for child in node.get("elements") or []:
                walk(child)

    walk(block)
    return "".join(parts)


def message_lines(message: dict[str, Any], names: Names) -> list[str]:
    """A message's blocks, or its text when it has none, then its files."""
    blocks = message.get("blocks") or []
    lines = (
        blocks_to_lines(blocks, names)
        if blocks
        else mrkdwn_to_text(str(message.get("text") or ""), names).splitlines()
    )
    for file in message.get("files") or []:
        lines.append(f"[file: {file.get('title') or file.get('name')} ({file.get('name')})]")
    return [line for line in lines if line.strip()]


def view_lines(view: dict[str, Any], names: Names) -> list[str]:
    """A modal or Home tab: its title and buttons, then its blocks with their inputs' values."""
    lines: list[str] = []
    if view.get("type") == "modal":
        buttons = " ".join(
            f"[{plain(view[key], names)}]" for key in ("submit", "close") if view.get(key)
        )
        lines.append(f"{plain(view.get('title'), names)}  {buttons}".rstrip())
    lines += blocks_to_lines(
        view.get("blocks") or [],
        names,
        state=(view.get("state") or {}).get("values") or {},
        errors=view.get("_errors") or {},
    )
    if view.get("_failure"):
        lines.append(f"! {view['_failure']}")
    return [line for line in lines if line.strip()]
