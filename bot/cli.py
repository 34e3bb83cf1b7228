"""The `staffroom` command line (PRODUCT §3.2).

Errors are one line on stderr and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import Mode, Settings, load_settings
from bot.deps import Deps, utc_now
from bot.errors import RosterError, StaffroomError
from bot.framework import Framework, load_framework
from storage.db import Database

log = logging.getLogger("staffroom")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        return int(args.run(args))
    except RosterError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"staffroom: {error}", file=sys.stderr)
        return 1
    except StaffroomError as error:
        print(f"staffroom: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="staffroom", description="Staff appraisal in Slack.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the Slack app (HTTP, or Socket Mode)")
    serve.set_defaults(run=_serve)

    importer = commands.add_parser("import-staff", help="load or update the staff roster")
    importer.add_argument("file", type=Path, help="roster CSV (PRODUCT §3.4)")
    importer.set_defaults(run=_import_staff)

    tick = commands.add_parser("tick", help="deliver what is due now, once, and exit")
    tick.add_argument("--at", help="the moment to act as (ISO 8601; naive = trust's time zone)")
    tick.set_defaults(run=_tick)

    export = commands.add_parser("export", help="print a person's whole record as JSON")
    export.add_argument("--email", required=True)
    export.set_defaults(run=_export)

    erase = commands.add_parser("erase", help="erase a person's personal data")
    erase.add_argument("--email", required=True)
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    erase.set_defaults(run=_erase)

    migrate = commands.add_parser("migrate", help="bring the database schema up to date")
    migrate.set_defaults(run=_migrate)

    check = commands.add_parser("check-framework", help="validate a trust framework file")
    check.add_argument("file", type=Path)
    check.set_defaults(run=_check_framework)
    return parser


def _start(mode: Mode) -> tuple[Settings, Framework, Database]:
    settings = load_settings()
    settings.require(mode)
    framework = load_framework(settings.staffroom_framework)
    db = Database(settings.database_url)
    try:
        db.migrate()
    except Exception as error:  # an unreachable or unusable database: one clear line
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        where = _safe_url(settings.database_url)
        raise StaffroomError(f"cannot open the database at {where}: {reason}") from None
    return settings, framework, db


def _serve(_args: argparse.Namespace) -> int:
    from bot.app import create_app
    from bot.scheduler import start_scheduler
    from bot.server import serve_http, serve_socket_mode
    from bot.slack_client import make_client

    settings, framework, db = _start(Mode.SERVE)
    deps = Deps(settings=settings, framework=framework, db=db)
    app = create_app(deps)
    scheduler = start_scheduler(deps, make_client(settings, paced=True))
    try:
        if settings.slack_app_token is not None:
            serve_socket_mode(app, settings.slack_app_token.get_secret_value())
        else:
            serve_http(app, db, settings.port)
    finally:
        scheduler.shutdown(wait=False)
    return 0


def _import_staff(args: argparse.Namespace) -> int:
    from bot.roster import import_roster, parse_roster
    from bot.slack_client import make_client

    settings, framework, db = _start(Mode.IMPORT_STAFF)
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise StaffroomError(f"cannot read {args.file}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise StaffroomError(f"{args.file} is not UTF-8 text: save it as CSV UTF-8") from None
    roster = parse_roster(text, framework)
    client = make_client(settings)
    report = import_roster(db=db, roster=roster, lookup=lambda e: _lookup(client, e), now=utc_now())
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(
        f"imported {len(roster.rows)} staff: {report.created} new, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.deactivated} marked inactive"
    )
    if report.unresolved:
        print(f"{len(report.unresolved)} not found in Slack (imported; tried again next import):")
        for email in report.unresolved:
            print(f"  {email}")
    return 0


def _lookup(client: WebClient, email: str) -> str | None:
    try:
        user = client.users_lookupByEmail(email=email)["user"]
    except SlackApiError as error:
        if error.response.get("error") == "users_not_found":
            return None
        raise StaffroomError(
            f"Slack refused users.lookupByEmail: {error.response.get('error')}"
        ) from None
    except OSError as error:
        raise StaffroomError(f"cannot reach Slack: {error}") from None
    return None if user.get("deleted") else str(user["id"])


def _tick(args: argparse.Namespace) -> int:
    from bot.calendar import SchoolCalendar
    from bot.scheduler import parse_moment, tick
    from bot.slack_client import make_client

    settings, framework, db = _start(Mode.TICK)
    now = parse_moment(args.at, framework) if args.at else utc_now()
    report = tick(
        db=db,
        framework=framework,
        calendar=SchoolCalendar(framework),
        client=make_client(settings, paced=True),
        now=now,
    )
    print(
        f"queued {report.queued}, sent {report.sent}, held {report.held}, "
        f"retrying {report.retrying}, failed {report.failed}, "
        f"skipped {report.skipped} (no Slack account)"
    )
    for error in report.errors:
        print(f"  failed: {error}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from bot.export import export_person

    _settings, framework, db = _start(Mode.OFFLINE)
    record = export_person(db=db, framework=framework, email=args.email)
    print(json.dumps(record, indent=2, ensure_ascii=False))
    return 0


def _erase(args: argparse.Namespace) -> int:
    from bot.erasure import erase_person

    _settings, _framework, db = _start(Mode.OFFLINE)
    email = args.email.strip().lower()
    if not args.yes:
        print(f"This erases the personal data of {email} and cannot be undone.")
        try:
            answer = input("Type the email address again to confirm: ")
        except EOFError:
            answer = ""
        if answer.strip().lower() != email:
            raise StaffroomError("not confirmed: nothing was erased")
    report = erase_person(db=db, email=email, now=utc_now())
    print(
        f"erased {email}: {report.commendations} commendation(s), {report.feedback} piece(s) "
        f"of feedback and {report.star_projects} STAR project(s) blanked, "
        f"{report.outbox_messages} message(s) removed. Remove them from the roster CSV too, "
        "or the next import adds them again."
    )
    return 0


def _migrate(_args: argparse.Namespace) -> int:
    _start(Mode.OFFLINE)
    print("database is up to date")
    return 0


def _check_framework(args: argparse.Namespace) -> int:
    framework = load_framework(args.file)
    sheet = sum(len(level.statements) for level in framework.ladder)
    print(
        f"{args.file}: OK ({framework.name}: {len(framework.values)} values, "
        f"{len(framework.standard_sets)} standard sets, {sheet} ladder statements)"
    )
    return 0


def _safe_url(url: str) -> str:
    """The database URL without its password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unparseable DATABASE_URL)"


if __name__ == "__main__":
    sys.exit(main())
