"""Domain errors: each carries a message fit to show to the person who caused it."""

from __future__ import annotations


class StaffroomError(Exception):
    """Base of every error staffroom expects and explains."""


class ConfigError(StaffroomError):
    """A setting is missing or malformed."""


class FrameworkError(StaffroomError):
    """The trust's framework file is unreadable or invalid."""


class RosterError(StaffroomError):
    """The roster CSV cannot be imported; `problems` lists each bad line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the roster; nothing was imported")
        self.problems = problems


class NotOnRoster(StaffroomError):
    """The person acting is not on the staff roster."""


class InvalidInput(StaffroomError):
    """Input a person gave is not acceptable.

    `field_errors` maps a form field to its message, so modals can show each
    message beside its field; `str(error)` is one message for a command reply.
    """

    def __init__(self, field_errors: dict[str, str]) -> None:
        super().__init__(" ".join(field_errors.values()))
        self.field_errors = field_errors


class NotAllowed(StaffroomError):
    """The person asked for something they may not see or do."""
