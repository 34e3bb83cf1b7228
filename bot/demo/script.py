"""The demo's script language, one step per line:

as <name>                     act as that person of the sample trust
/command text…                a slash command (`@name` becomes a mention)
press <button text>           the newest button with that text the person can see
fill <field label>: <value>   fill a field of the open form …
submit                        … and submit it
open home                     open the person's App Home
time YYYY-MM-DD HH:MM         move the clock (Europe/London) and run the scheduler
# comment                     (and blank lines) ignored
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

FORMS = (
    "as <name>",
    "/command text",
    "press <button text>",
    "fill <field label>: <value>",
    "submit",
    "open home",
    "time YYYY-MM-DD HH:MM",
    "# comment",
)
HINT = "a line is one of: " + " | ".join(FORMS)
_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2})$")


@dataclass(frozen=True)
class As:
    name: str


@dataclass(frozen=True)
class Command:
    text: str  # the whole line, from its slash


@dataclass(frozen=True)
class Press:
    button: str


@dataclass(frozen=True)
class Fill:
    label: str
    value: str


@dataclass(frozen=True)
class Submit:
    pass


@dataclass(frozen=True)
class OpenHome:
    pass


@dataclass(frozen=True)
class Time:
    moment: datetime  # naive: the trust's local time


@dataclass(frozen=True)
class Bad:
    """A line the demo does not understand, with what to write instead."""

    text: str
    reason: str


Step = As | Command | Press | Fill | Submit | OpenHome | Time | Bad


def parse_line(line: str) -> Step | None:
    """One script line as a step; None for blank lines and comments."""
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    word, _, rest = text.partition(" ")
    rest = rest.strip()
    keyword = word.lower()
    if text.startswith("/"):
        if len(word) < 2 or not word[1:].replace("-", "").replace("_", "").isalnum():
            return Bad(text, f"a command is a slash and its name, like /commend; {HINT}")
        return Command(text)
    if keyword == "as" and rest:
        return As(rest)
    if keyword == "press" and rest:
        return Press(rest)
    if keyword == "fill":
        label, colon, value = rest.partition(":")
        if colon and label.strip():
            return Fill(label.strip(), value.strip())
        return Bad(text, f"fill needs a field label, a colon and a value; {HINT}")
    if text.lower() == "submit":
        return Submit()
    if " ".join(text.lower().split()) == "open home":
        return OpenHome()
    if keyword == "time":
        match = _TIME.match(" ".join(rest.split()))
        if match:
            try:
                return Time(datetime.strptime(f"{match[1]} {match[2]}", "%Y-%m-%d %H:%M"))
            except ValueError:
                pass
        return Bad(text, f"time needs a real date and time, like time 2027-02-01 08:30; {HINT}")
    return Bad(text, HINT)


def parse(text: str) -> list[tuple[int, Step]]:
    """Every step of a script with its line number."""
    steps = []
    for number, line in enumerate(text.splitlines(), 1):
        step = parse_line(line)
        if step is not None:
            steps.append((number, step))
    return steps
