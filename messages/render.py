"""The Jinja2 environment and the render helper."""

from __future__ import annotations

import calendar
import json
from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined

from messages.ids import (
    CommendIds,
    FeedbackIds,
    HomeIds,
    LadderIds,
    ObjectivesIds,
    StaffroomIds,
    StarIds,
)

SECTION_TEXT_LIMIT = 3000


def slack_escape(text: str) -> str:
    """Escape & < > so that text shows in Slack as typed: anything that looks like a
    mention, a channel, @here or a link is shown literally and pings nobody. (The
    people a message names come from the roster, as `<@U…>`, never through here.)"""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """mrkdwn text as plain text: the reverse of `slack_escape` (for a plain_text surface)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def quoted(value: object) -> str:
    """What a person typed, quoted inside a sentence, shown as typed (never a ping or link)."""
    return slack_escape(repr(value))


def chunks(text: str, size: int = SECTION_TEXT_LIMIT) -> list[str]:
    """Split escaped text into pieces of at most `size` characters for section blocks,
    never inside an `&amp;`-style entity or a mention; a piece starts with no blank."""
    pieces: list[str] = []
    while len(text) > size:
        cut = text.rfind("\n", 0, size)
        if cut <= size // 2:
            cut = text.rfind(" ", 0, size)
        if cut <= size // 2:
            cut = size
        for opener, closer in (("&", ";"), ("<", ">")):
            start = text.rfind(opener, 0, cut)
            if start > 0 and text.find(closer, start) >= cut:
                cut = start  # never leave an entity or mention cut in two
        pieces.append(text[:cut])
        text = text[cut:].lstrip(" \n")
    pieces.append(text)
    return [piece for piece in pieces if piece]


def truncate(text: str, limit: int) -> str:
    """`text` in at most `limit` characters: shortened at a word, with "…", when too long.

    Never cut mid-word: whoever shows a shortened text shows it whole in context too.
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space > 0 and not text[limit - 1].isspace():  # else the cut is already between words
        cut = cut[:space]
    # An escaped entity or a mention is never left in pieces.
    for opener, closer in (("&", ";"), ("<", ">")):
        start = cut.rfind(opener)
        if start >= 0 and cut.find(closer, start) < 0:
            cut = cut[:start]
    return cut.rstrip(" \n,;:/-\N{EN DASH}") + "…"


def local_date(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%-d %B %Y")


def number(value: float) -> str:
    """62 -> '62', 71.5 -> '71.5', 1/3 -> '0.33'."""
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def signed(value: float) -> str:
    return ("+" if value > 0 else "") + number(value)


RAG_EMOJI = {
    "green": ":large_green_square:",
    "amber": ":large_orange_square:",
    "blank": ":white_large_square:",
}


def rag_strip(colours: list[str]) -> str:
    """A ladder level's statements as coloured squares, in order."""
    return "".join(RAG_EMOJI[colour] for colour in colours)


def weekday_name(weekday: int) -> str:
    """0 -> 'Monday' (the names of the days come from the standard library, in English)."""
    return calendar.day_name[weekday]


def month_name(month: int) -> str:
    """2 -> 'February' (the standard library's English names)."""
    return calendar.month_name[month]


def long_date(day: date) -> str:
    return day.strftime("%-d %B %Y")


def people(mentions: list[str]) -> str:
    """'<@A>', '<@A> and <@B>', '<@A>, <@B> and <@C>'."""
    if len(mentions) <= 1:
        return "".join(mentions)
    return ", ".join(mentions[:-1]) + " and " + mentions[-1]


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("messages", "templates"),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["mrkdwn"] = slack_escape
    env.filters["chunks"] = chunks
    env.filters["truncate_to"] = truncate
    env.filters["shorten"] = truncate
    env.filters["local_date"] = local_date
    env.filters["people"] = people
    env.filters["long_date"] = long_date
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}
    env.globals["CommendIds"] = CommendIds
    env.globals["FeedbackIds"] = FeedbackIds
    env.globals["LadderIds"] = LadderIds
    env.globals["StarIds"] = StarIds
    env.globals["StaffroomIds"] = StaffroomIds
    env.globals["ObjectivesIds"] = ObjectivesIds
    env.globals["HomeIds"] = HomeIds
    env.filters["number"] = number
    env.filters["signed"] = signed
    env.filters["rag_strip"] = rag_strip
    env.filters["quoted"] = quoted
    env.filters["weekday_name"] = weekday_name
    env.filters["month_name"] = month_name
    return env


def render(template: str, /, **context: Any) -> dict[str, Any]:
    """Render `templates/<template>.json.j2` to a dict.

    Every mrkdwn text is marked `verbatim`, so that Slack does not turn what looks like
    a link, a channel name or an @mention into one: only the `<@U…>` and `<#C…>` the
    templates write themselves are.
    """
    rendered = environment().get_template(f"{template}.json.j2").render(**context)
    try:
        result: dict[str, Any] = json.loads(rendered, object_hook=_verbatim)
    except json.JSONDecodeError as exc:
        raise ValueError(f"template {template} rendered invalid JSON: {exc}") from exc
    return result


def _verbatim(node: dict[str, Any]) -> dict[str, Any]:
    if node.get("type") == "mrkdwn" and "text" in node:
        node.setdefault("verbatim", True)
    return node
