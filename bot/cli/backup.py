"""`staffroom backup FILE` and `staffroom restore FILE [--yes]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.admin.audit import admin_command
from bot.cli.common import existing_database, safe_url, settings_for
from bot.core.errors import StaffroomError
from bot.runtime.config import Mode
from bot.runtime.deps import utc_now


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = commands.add_parser(
        "backup",
        help="write a consistent copy of the whole database to FILE (safe while serve runs)",
        description=(
            "Copy the whole database to FILE while `staffroom serve` keeps running: SQLite's "
            "online backup (a SQLite file), or pg_dump's custom format for PostgreSQL "
            "(needs PostgreSQL's client tools). FILE's folder must exist; FILE is readable by "
            "you only, and replaced if it exists."
        ),
    )
    backup.add_argument("file", type=Path)
    backup.set_defaults(run=run_backup)

    restore = commands.add_parser(
        "restore",
        help="put a backup made by `staffroom backup` into the database",
        description=(
            "Restore FILE into the database DATABASE_URL names (created if it does not exist). "
            "Stop `staffroom serve` first. A database that already holds records is replaced "
            "only with --yes."
        ),
    )
    restore.add_argument("file", type=Path)
    restore.add_argument("--yes", action="store_true", help="replace a database that holds records")
    restore.set_defaults(run=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    from bot.admin.backup import backup

    settings = settings_for(Mode.OFFLINE)
    folder = args.file.absolute().parent
    if not folder.is_dir():
        raise StaffroomError(f"no folder {folder}: create it first (nothing was backed up)")
    db = existing_database(settings)
    copied = backup(db=db, target=args.file)
    admin_command(db=db, command="backup", detail=f"{copied.total} records", now=utc_now())
    print(
        f"backed up {safe_url(db.url)} to {args.file}: {copied.rows.get('staff', 0)} staff, "
        f"{copied.total} records in {len(copied.rows)} tables, {copied.size:,} bytes"
    )
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from bot.admin.backup import restore

    settings = settings_for(Mode.OFFLINE)
    copied = restore(url=settings.database, source=args.file, replace=args.yes)
    admin_command(db=existing_database(settings), command="restore", now=utc_now())
    print(
        f"restored {args.file} into {safe_url(settings.database)}: "
        f"{copied.rows.get('staff', 0)} staff, {copied.total} records in {len(copied.rows)} tables"
    )
    return 0
