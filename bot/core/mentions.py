"""Reading slash-command text that Slack sent with `should_escape: true`.

Slack writes people as `<@U123|name>` (or `<@U123>`), channels as
`<#C123|name>`, groups as `<!subteam^S123|@name>`, and escapes & < > typed by
the person. `parse_command_text` takes the mentions that lead the text as the
command's subjects and returns the rest as the message: plain text, as typed,
with anyone named inside it written as `@name`. Only the subjects are people the
app acts on; nothing in the message can ping anyone when it is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.typed import clean

_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_OTHER = re.compile(r"<(#C[A-Z0-9]+|!subteam\^[A-Z0-9]+|![a-z]+)(?:\|([^>]*))?>")
_LEADING_TOKEN = re.compile(r"\s*(<[@#!][^>]*>)")


@dataclass(frozen=True)
class ParsedText:
    users: list[str]  # Slack user ids, in the order written, without repeats
    others: list[str]  # channel, group or @here mentions among the leading ones, as written
    message: str


def parse_command_text(text: str) -> ParsedText:
    users: list[str] = []
    others: list[str] = []
    rest = text
    while match := _LEADING_TOKEN.match(rest):
        token = match.group(1)
        user = _USER.fullmatch(token)
        if user:
            if user.group(1) not in users:
                users.append(user.group(1))
        else:
            others.append(_display(token))
        rest = rest[match.end() :]
    return ParsedText(users=users, others=others, message=clean(_plain(rest.strip())))


def _display(token: str) -> str:
    other = _OTHER.fullmatch(token)
    if other is None:
        return token
    label = other.group(2)
    if other.group(1).startswith("#"):
        return f"#{label}" if label else token
    return label or "@" + other.group(1).lstrip("!")


def _plain(text: str) -> str:
    text = _USER.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    text = _OTHER.sub(lambda m: _display(m.group(0)), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
