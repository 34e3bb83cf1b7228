"""Errors staffroom expects and explains.

A refusal says *why* as codes with data (`Problem`), never as English: the words
live in `messages/templates/refusals/`, one file per feature, and are chosen in
one place (`messages.refusals`). A refusal may carry several problems at once,
each about one field of a form (or `GENERAL` when it is about no field).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

GENERAL = ""  # the field of a problem that is about no single field


@dataclass(frozen=True)
class Problem:
    """Why something was refused: `<feature>.<name>` and what the wording needs."""

    code: str
    data: Mapping[str, Any] = field(default_factory=dict)


def problem(code: str, /, **data: Any) -> Problem:
    return Problem(code, data)


class StaffroomError(Exception):
    """Base of every error staffroom expects and explains (to an admin, in one line)."""


class ConfigError(StaffroomError):
    """A setting is missing or malformed."""


class FrameworkError(StaffroomError):
    """The trust's framework file is unreadable or invalid."""


class RosterError(StaffroomError):
    """The roster CSV cannot be imported; `problems` lists each bad line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the roster; nothing was imported")
        self.problems = problems


class Refused(StaffroomError):
    """Something a person asked for that staffroom will not do, and why."""

    def __init__(self, problems: Mapping[str, Problem]) -> None:
        super().__init__(*(p.code for p in problems.values()))
        self.problems = dict(problems)

    @property
    def field_errors(self) -> dict[str, str]:
        """Each field's problem, worded for the person."""
        from messages.refusals import wording  # the one place refusals become words

        return {name: wording(p) for name, p in self.problems.items()}

    def __str__(self) -> str:
        return " ".join(self.field_errors.values())


class InvalidInput(Refused):
    """Input a person gave is not acceptable; each problem is about one form field."""


class NotAllowed(Refused):
    """The person asked for something they may not see or do."""

    def __init__(self, reason: Problem) -> None:
        super().__init__({GENERAL: reason})


class NotOnRoster(Refused):
    """The person acting is not on the staff roster."""

    def __init__(self) -> None:
        super().__init__({GENERAL: problem("roster.not_on_roster")})


def invalid(field_name: str, code: str, /, **data: Any) -> InvalidInput:
    """A refusal of one field's input."""
    return InvalidInput({field_name: Problem(code, data)})
