"""The `staffroom` command line: one module per command, each with `add(commands)`.

Errors are one line on stderr and a non-zero exit status, never a traceback. Output cut
short by its reader (`staffroom outbox | head`) ends quietly, as other commands do.
"""

from __future__ import annotations

import argparse
import os
import select
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
        code = int(args.run(args))
        sys.stdout.flush()  # a reader that went away is found here, not at exit
        return code
    except BrokenPipeError as error:
        if not _stdout_closed():  # not our output: a connection the command was using
            print(f"staffroom: connection closed: {error.strerror}", file=sys.stderr)
            return 2
        _discard_stdout()
        return 1
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


def _stdout_closed() -> bool:
    """Whether standard output is a pipe whose reader has gone (`| head` after its lines)."""
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll (Windows), or no real stdout
        return True


def _discard_stdout() -> None:
    """What is still buffered for the closed pipe goes nowhere, so that Python's own flush
    at exit does not fail again (Python's documentation, signal: "Note on SIGPIPE")."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    finally:
        os.close(devnull)


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
