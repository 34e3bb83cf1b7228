"""The `staffroom` command line: one module per command, each with `add(commands)`.

Errors are one line on stderr and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from bot.cli import (
    audit,
    backup,
    demo,
    manifest,
    outbox,
    purge,
    records,
    roster,
    schema,
    serve,
    tick,
)
from bot.core.errors import RosterError, StaffroomError

COMMANDS = (serve, demo, roster, tick, outbox, records, backup, manifest, schema, purge, audit)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is None:
        parser.print_help()
        return 0
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
    except KeyboardInterrupt:
        print("staffroom: interrupted", file=sys.stderr)
        return 130


def staffroom_version() -> str:
    try:
        return version("staffroom")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="staffroom",
        description="Staff appraisal and professional development in Slack.",
        epilog="Run `staffroom COMMAND --help` for a command's options and settings.",
    )
    parser.add_argument("--version", action="version", version=f"staffroom {staffroom_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.add(commands)
    return parser
