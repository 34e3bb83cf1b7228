"""`staffroom import-staff FILE.csv [--dry-run]`: load or update the roster, then find
everyone in Slack, showing progress as it goes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from bot.admin.audit import admin_command
from bot.cli.common import existing_database, framework_for, safe_url, settings_for, start
from bot.core.errors import StaffroomError
from bot.runtime.config import Mode
from bot.runtime.deps import utc_now
from storage.db import sqlite_path

ROSTER_FORMAT = """\
The CSV (UTF-8; Excel's "CSV UTF-8" is fine) has this header:
  email,name,school,role,grade,appraiser_email,leader
role: teacher, ta, support, leader or governor; grade: as in the framework's grade table;
appraiser_email: someone in the same file; leader: empty, school or trust.
Importing again updates people and marks anyone no longer listed inactive (their history
stays). If any row is invalid, every problem is listed with its line and nothing is imported.
People are found in Slack by email: the workspace's directory is read a page at a time
(users.list), and only emails it does not list are looked up one by one.
"""


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    importer = commands.add_parser(
        "import-staff",
        help="load or update the staff roster",
        description="Load or update the staff roster from a CSV file.",
        epilog=ROSTER_FORMAT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    importer.add_argument(
        "file",
        type=Path,
        help="roster CSV: email,name,school,role,grade,appraiser_email,leader "
        "(- reads it from standard input)",
    )
    importer.add_argument(
        "--dry-run",
        action="store_true",
        help="print who would be added, updated and marked inactive; change nothing",
    )
    importer.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bot.admin.roster import parse_roster

    if args.dry_run:
        return dry_run(args.file)
    from bot.admin.roster import apply_roster, resolve_slack_ids
    from bot.admin.slack_directory import SlackPeople
    from bot.runtime.slack_client import make_client
    from bot.runtime.startup import check_token

    settings, framework, db = start(Mode.IMPORT_STAFF)
    roster = parse_roster(read_csv(args.file), framework)
    client = make_client(settings, paced=True)  # SlackPeople waits out 429s itself
    check_token(client, unreachable_ok=False)  # a refused token stops before anything is written
    report = apply_roster(db=db, roster=roster, now=utc_now())
    counts = f"{len(roster.rows)} rows: {report.created} new, {report.updated} updated, "
    counts += f"{report.deactivated} marked inactive"
    admin_command(db=db, command="import-staff", detail=counts, now=utc_now())
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(
        f"imported {len(roster.rows)} staff: {report.created} new, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.deactivated} marked inactive",
        flush=True,
    )
    progress = make_progress(sys.stderr)
    try:
        found = resolve_slack_ids(
            db=db, directory=SlackPeople(client, listener=progress), progress=progress
        )
    except StaffroomError as error:
        raise StaffroomError(
            f"{error} (the roster was imported and those found so far saved: "
            "run import-staff again to find the rest)"
        ) from None
    finally:
        progress.close()
    if found.pages or found.looked_up:
        print(
            f"found in Slack: {found.found_listed} in its directory ({found.pages} page(s), "
            f"{found.listed} people listed), {found.found_by_lookup} of {found.looked_up} "
            "looked up by email"
        )
    if found.unresolved:
        print(f"{len(found.unresolved)} not found in Slack (imported; tried again next import):")
        for email in found.unresolved:
            print(f"  {email}")
    return 0


def dry_run(file: Path) -> int:
    from bot.admin.roster import parse_roster, plan_roster
    from storage.staff import all_staff, emails_without_slack_id

    settings = settings_for(Mode.OFFLINE)
    framework = framework_for(settings)
    roster = parse_roster(read_csv(file), framework)
    path = sqlite_path(settings.database)
    if path is not None and not path.exists():
        existing, unresolved = [], set()
        print(f"dry run: no database yet at {path}; nothing was written")
    else:
        db = existing_database(settings)
        with db.read_session() as session:
            existing = list(all_staff(session=session))
            unresolved = set(emails_without_slack_id(session=session))
        print(f"dry run against {safe_url(db.url)}: nothing was written")
    for warning in roster.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    changes = plan_roster(existing=existing, roster=roster)
    print(
        f"would add {len(changes.added)}, update {len(changes.updated)}, "
        f"mark {len(changes.deactivated)} inactive, leave {changes.unchanged} unchanged"
    )
    for change in changes.added:
        print(f"  add       {change.email} ({change.what})")
    for change in changes.updated:
        print(f"  update    {change.email}: {change.what}")
    for email in changes.deactivated:
        print(f"  inactive  {email}")
    known = {person.email for person in existing}
    to_find = [r.email for r in roster.rows if r.email not in known or r.email in unresolved]
    print(f"{len(to_find)} would be looked for in Slack")
    return 0


def read_csv(file: Path) -> str:
    """The roster's text; `-` reads it from standard input (`import-staff - < staff.csv`),
    as from a container or another user, who need no copy of the file of their own."""
    name = "standard input" if str(file) == "-" else str(file)
    try:
        if str(file) != "-":
            return file.read_text(encoding="utf-8-sig")
        text = sys.stdin.buffer.read().decode("utf-8-sig")
        return text.replace("\r\n", "\n").replace("\r", "\n")  # as read_text reads a file
    except OSError as error:
        raise StaffroomError(f"cannot read {name}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise StaffroomError(
            f"{name} is not UTF-8 text: save it as UTF-8 (in Excel: Save As, CSV UTF-8)"
        ) from None


class LineProgress:
    """A line per page (and per 50 lookups), for logs and pipes."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def page(self, *, number: int, listed: int, found: int, wanted: int) -> None:
        print(
            f"Slack directory page {number}: {listed} people read, {found} of {wanted} found",
            file=self.out,
            flush=True,
        )

    def looked_up(self, *, done: int, total: int, found: int) -> None:
        if done == total or done % 50 == 0:
            print(f"looked up {done} of {total} by email, {found} found", file=self.out, flush=True)

    def waiting(self, *, method: str, seconds: float) -> None:
        print(
            f"waiting {seconds:.0f} s: Slack's rate limit for {method}", file=self.out, flush=True
        )

    def close(self) -> None:
        pass


class BarProgress:
    """A progress bar on a terminal (tqdm)."""

    def __init__(self, out: TextIO) -> None:
        from tqdm import tqdm

        self.out = out
        self.bar = tqdm(file=out, unit=" found", desc="finding staff in Slack", leave=True)

    def page(self, *, number: int, listed: int, found: int, wanted: int) -> None:
        self.bar.total = wanted
        self.bar.n = found
        self.bar.set_postfix_str(f"page {number}, {listed} read")

    def looked_up(self, *, done: int, total: int, found: int) -> None:
        self.bar.set_description("looking up by email")
        self.bar.total = total
        self.bar.n = done
        self.bar.set_postfix_str(f"{found} found")

    def waiting(self, *, method: str, seconds: float) -> None:
        self.bar.set_postfix_str(f"waiting {seconds:.0f} s for {method}'s rate limit")

    def close(self) -> None:
        self.bar.close()


def make_progress(out: TextIO) -> LineProgress | BarProgress:
    return BarProgress(out) if out.isatty() else LineProgress(out)
