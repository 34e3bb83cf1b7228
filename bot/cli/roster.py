"""`staffroom import-staff FILE.csv`: load or update the roster."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.cli.common import start
from bot.core.errors import StaffroomError
from bot.runtime.config import Mode
from bot.runtime.deps import utc_now


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    importer = commands.add_parser("import-staff", help="load or update the staff roster")
    importer.add_argument(
        "file", type=Path, help="roster CSV: email,name,school,role,grade,appraiser_email,leader"
    )
    importer.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bot.admin.roster import import_roster, parse_roster
    from bot.runtime.slack_client import make_client

    settings, framework, db = start(Mode.IMPORT_STAFF)
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
