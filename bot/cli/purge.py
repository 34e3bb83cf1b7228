"""`staffroom purge [--dry-run]`: delete records older than the retention period."""

from __future__ import annotations

import argparse

from bot.cli.common import open_existing
from bot.runtime.config import Mode
from bot.runtime.deps import utc_now


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    purge = commands.add_parser(
        "purge",
        help="delete records older than the framework's retention period",
        description=(
            "Delete every record kept longer than the framework's retention_years (default "
            "6) academic years after the one it belongs to, keeping anonymous counts by "
            "academic year, school and kind; with them the copies of messages and audit "
            "entries of those years, the words of messages Slack already has, and the names "
            "of people who left the roster before then. `staffroom serve` does this daily."
        ),
    )
    purge.add_argument(
        "--dry-run", action="store_true", help="say what would be deleted; delete nothing"
    )
    purge.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bot.admin.audit import admin_command
    from bot.admin.purge import purge
    from bot.core.calendar import SchoolCalendar

    _settings, framework, db = open_existing(Mode.OFFLINE)
    now = utc_now()
    report = purge(
        db=db,
        framework=framework,
        calendar=SchoolCalendar(framework),
        now=now,
        dry_run=args.dry_run,
    )
    detail = ("dry run, " if report.dry_run else "") + report.summary()
    admin_command(db=db, command="purge", detail=detail, now=now)
    verb = "would delete" if report.dry_run else "deleted"
    records = ", ".join(f"{n} {kind.replace('_', ' ')}(s)" for kind, n in report.deleted.items())
    print(
        f"{verb} the records of academic years before {report.first_year_kept} (kept "
        f"{framework.retention_years} years): {records}; {report.messages} message copies; "
        f"{report.audit_events} audit entries; {report.people} people who left anonymised; "
        f"the words of {report.texts_dropped} sent messages dropped. Anonymous counts stay."
    )
    return 0
