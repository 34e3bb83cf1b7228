"""The `staffroom` command line: one module per command (PRODUCT §3.2).

Errors are one line on stderr and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot.cli import outbox, records, roster, schema, serve, tick
from bot.core.errors import RosterError, StaffroomError

COMMANDS = (serve, roster, tick, outbox, records, schema)


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
    for module in COMMANDS:
        module.add(commands)
    return parser
