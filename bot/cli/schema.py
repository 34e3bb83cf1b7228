"""`staffroom migrate` and `staffroom check-framework`: the database schema and the trust's file."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import start
from bot.core.framework import load_framework
from bot.runtime.config import Mode


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    migrate = commands.add_parser("migrate", help="bring the database schema up to date")
    migrate.set_defaults(run=migrate_database)

    check = commands.add_parser("check-framework", help="validate a trust framework file")
    check.add_argument("file", type=Path)
    check.set_defaults(run=check_framework)


def migrate_database(_args: argparse.Namespace) -> int:
    start(Mode.OFFLINE)
    print("database is up to date")
    return 0


def check_framework(args: argparse.Namespace) -> int:
    framework = load_framework(args.file)
    sheet = sum(len(level.statements) for level in framework.ladder)
    print(
        f"{args.file}: OK ({framework.name}: {len(framework.values)} values, "
        f"{len(framework.standard_sets)} standard sets, {sheet} ladder statements)"
    )
    return 0
