"""The audit log: who looked at whose confidential record, and every admin command.

A view is recorded when someone other than the record's subject is shown it (an
appraiser's or a leader's `/ladder @a`, and each other view of a record through one
function: `viewed(...)` before the record is returned). Admin commands (import-staff,
export, erase, purge, backup, restore, outbox re-drives) are recorded by the command
line as the operating-system user who ran them. Each event says who, what, whose (by
email) and when, never what the record says. `staffroom audit` prints the log.
"""

from __future__ import annotations

import getpass
import os
import socket
from dataclasses import dataclass
from datetime import datetime

from bot.core.errors import StaffroomError
from storage.audit import add_event, events
from storage.db import Database
from storage.models import Staff

VIEW = "view"
ADMIN = "admin"


@dataclass(frozen=True)
class Entry:
    """One line of `staffroom audit`."""

    at: datetime
    who: str
    action: str
    whose: str | None
    detail: str

    def as_json(self) -> dict[str, str | None]:
        return {
            "at": self.at.isoformat(),
            "who": self.who,
            "action": self.action,
            "whose": self.whose,
            "detail": self.detail,
        }


def viewed(*, db: Database, viewer: Staff, subject: Staff, record: str, now: datetime) -> None:
    """Record that `viewer` is being shown `subject`'s `record` (nothing when it is theirs).

    Call it before returning the record: a view that cannot be recorded is not shown."""
    if viewer.id is not None and viewer.id == subject.id:
        return
    with db.session() as session:
        add_event(
            session=session,
            at=now,
            actor=viewer.email,
            action=f"{VIEW}.{record}",
            subject=subject.email,
        )


def admin_command(
    *,
    db: Database,
    command: str,
    now: datetime,
    whose: str | None = None,
    detail: str = "",
    actor: str | None = None,
) -> None:
    """Record an admin command (`whose`: the person it was about), run from the command
    line unless `actor` says who else (the scheduler inside `serve`)."""
    with db.session() as session:
        add_event(
            session=session,
            at=now,
            actor=actor or command_line_user(),
            action=f"{ADMIN}.{command}",
            subject=whose,
            detail=detail[:200],
        )


def command_line_user() -> str:
    """Who ran a command: the operating-system account and machine, e.g. `root@school-srv`."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (some containers)
        user = f"uid {os.getuid()}"
    return f"{user}@{socket.gethostname()}"[:254]


def log(*, db: Database, email: str | None = None, since: datetime | None = None) -> list[Entry]:
    """The log in the order it happened: all of it, or what `email` did or had looked at."""
    if email is not None and not email.strip():
        raise StaffroomError("--email needs an email address")
    wanted = email.strip().lower() if email is not None else None
    with db.read_session() as session:
        return [
            Entry(at=e.at, who=e.actor, action=e.action, whose=e.subject, detail=e.detail)
            for e in events(session=session, email=wanted, since=since)
        ]
