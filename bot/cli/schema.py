"""`staffroom migrate` and `staffroom check-framework`: the database schema and the trust's file."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path

from bot.cli.common import framework_for, migrate_database, settings_for
from bot.core.calendar import first_uncovered_year, holidays_run_out
from bot.core.framework import Framework, load_framework
from bot.runtime.config import Mode


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    migrate = commands.add_parser("migrate", help="bring the database schema up to date")
    migrate.set_defaults(run=run_migrate)

    check = commands.add_parser(
        "check-framework", help="validate a trust framework file (or a built-in name)"
    )
    check.add_argument("file", type=Path)
    check.add_argument(
        "--on",
        type=_day,
        help="check the school holidays for the academic year of this day (YYYY-MM-DD) and "
        "the next (default: today)",
    )
    check.set_defaults(run=check_framework)


def run_migrate(_args: argparse.Namespace) -> int:
    settings = settings_for(Mode.OFFLINE)
    framework_for(settings)  # a framework that does not load stops here, as serve would
    print(migrate_database(settings))
    return 0


def check_framework(args: argparse.Namespace) -> int:
    framework = load_framework(args.file)
    sheet = sum(len(level.statements) for level in framework.ladder)
    print(
        f"{args.file}: OK ({framework.name}: {len(framework.values)} values, "
        f"{len(framework.standard_sets)} standard sets, {sheet} ladder statements)"
    )
    warn_about_holidays(framework, args.on or datetime.now(framework.zone).date())
    return 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def holiday_warning(framework: Framework, today: date) -> str | None:
    """One line when the school holidays do not cover this academic year and the next."""
    year = first_uncovered_year(framework, today)
    if year is None:
        return None
    last = holidays_run_out(framework)
    listed = (
        f"the school holidays in the framework end on {last:%-d %B %Y}"
        if last
        else "the framework lists no school holidays"
    )
    return (
        f"warning: {listed}, so they do not cover {year.label}: half terms would count as "
        f"working days; add {year.label}'s term dates to school_holidays"
    )


def warn_about_holidays(framework: Framework, today: date) -> None:
    warning = holiday_warning(framework, today)
    if warning:
        print(warning, file=sys.stderr)
