"""`staffroom audit [--email E] [--since DATE]`: the audit log as JSON lines."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime, time

from bot.cli.common import open_existing
from bot.core.errors import StaffroomError
from bot.runtime.config import Mode


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = commands.add_parser(
        "audit",
        help="print the audit log as JSON lines",
        description=(
            "Print the audit log, oldest first, one JSON object a line: who viewed whose "
            "confidential record, and every admin command (import-staff, export, erase, "
            "purge, backup, restore, outbox re-drives). Fields: at (UTC), who (an email, or "
            "the account that ran a command), action, whose (an email, or null), detail."
        ),
    )
    audit.add_argument("--email", help="only what this person did, or had looked at")
    audit.add_argument(
        "--since", help="only from this day (YYYY-MM-DD, in the trust's time zone) on"
    )
    audit.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bot.admin.audit import log

    _settings, framework, db = open_existing(Mode.OFFLINE)
    since = None
    if args.since is not None:
        try:
            day = date.fromisoformat(args.since)
        except ValueError:
            problem = f"--since {args.since!r} is not a date: write YYYY-MM-DD"
            raise StaffroomError(problem) from None
        since = datetime.combine(day, time(0), tzinfo=framework.zone)
    for entry in log(db=db, email=args.email, since=since):
        print(json.dumps(entry.as_json(), ensure_ascii=False))
    return 0
