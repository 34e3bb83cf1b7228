"""`staffroom export` and `staffroom erase`: a person's data-subject requests."""

from __future__ import annotations

import argparse
import json

from bot.admin.audit import admin_command
from bot.cli.common import open_existing
from bot.core.errors import StaffroomError
from bot.runtime.config import Mode
from bot.runtime.deps import utc_now


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser("export", help="print a person's whole record as JSON")
    export.add_argument("--email", required=True)
    export.set_defaults(run=export_record)

    erase = commands.add_parser(
        "erase",
        help="erase a person's personal data",
        description=(
            "Erase a person's personal data (a data-subject erasure request): their name, "
            "email, grade and Slack identity become a pseudonym; the words of every "
            "commendation and piece of feedback they wrote or received, of their STAR "
            "projects (notes deleted), their objectives with the review comments and "
            '"let\'s talk first" notes on them, and their leadership training write-ups are '
            "blanked; every copy of a message to them, about their records or naming them is "
            "deleted. Counts stay, anonymous. Asks for the email again unless --yes."
        ),
    )
    erase.add_argument("--email", required=True)
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    erase.set_defaults(run=erase_record)


def export_record(args: argparse.Namespace) -> int:
    from bot.admin.export import export_person

    _settings, framework, db = open_existing(Mode.OFFLINE)
    record = export_person(db=db, framework=framework, email=args.email)
    admin_command(db=db, command="export", whose=record.staff.email, now=utc_now())
    print(json.dumps(record.as_json(), indent=2, ensure_ascii=False))
    return 0


def erase_record(args: argparse.Namespace) -> int:
    from bot.admin.erasure import erase_person

    _settings, _framework, db = open_existing(Mode.OFFLINE)
    email = args.email.strip().lower()
    if not args.yes:
        print(
            f"This erases the personal data of {email} (their name and the words of their "
            "records: commendations, feedback, STAR projects, objectives and their reviews, "
            "training write-ups) and cannot be undone."
        )
        try:
            answer = input("Type the email address again to confirm: ")
        except EOFError:
            answer = ""
        if answer.strip().lower() != email:
            raise StaffroomError("not confirmed: nothing was erased")
    report = erase_person(db=db, email=email, now=utc_now())
    counts = f"{report.commendations} commendations, {report.feedback} feedback, "
    counts += f"{report.star_projects} STAR projects, {report.outbox_messages} messages"
    admin_command(db=db, command="erase", whose=email, detail=counts, now=utc_now())
    print(
        f"erased {email}: {report.commendations} commendation(s), {report.feedback} piece(s) "
        f"of feedback and {report.star_projects} STAR project(s) blanked, and their "
        'objectives (with the review comments and "let\'s talk first" notes on them) and '
        f"leadership training write-ups; {report.outbox_messages} message(s) removed. "
        "Remove them from the roster CSV too, or the next import adds them again."
    )
    return 0
