"""`staffroom demo [--port P] [--script FILE] [--database PATH] [--framework NAME]`: the real
app against the local Slack stand-in with a sample trust, in a Slack-like page or as a transcript.

Needs no Slack settings and never reads DATABASE_URL: the database is a temporary
SQLite file unless --database names one. The framework is --framework's, else
STAFFROOM_FRAMEWORK's as for the other commands (SMART's when neither says).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from pathlib import Path

from bot.core.errors import FrameworkError, StaffroomError
from bot.core.framework import Framework, load_framework

DEFAULT_PORT = 8080


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = commands.add_parser(
        "demo", help="try staffroom without Slack: a local workspace with a sample trust"
    )
    demo.add_argument(
        "--port", type=int, default=None, help=f"the page's port (default {DEFAULT_PORT})"
    )
    demo.add_argument(
        "--script", type=Path, help="run this script (- for standard input), print a transcript"
    )
    demo.add_argument("--database", type=Path, help="keep the demo's SQLite database in this file")
    demo.add_argument(
        "--framework",
        help="smart, share or a framework file (default: STAFFROOM_FRAMEWORK, else smart)",
    )
    demo.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bot.demo.world import Demo

    logging.getLogger().setLevel(logging.WARNING)  # the page and transcripts speak for it
    if args.port is not None and not 0 <= args.port <= 65535:
        raise StaffroomError(f"--port {args.port} is not a port number (0 to 65535)")
    framework = _framework(args.framework)
    text = _read_script(args.script) if args.script else None
    port = args.port if args.port is not None else (0 if text is not None else DEFAULT_PORT)
    demo = Demo(
        port=port,
        database=args.database,
        page=text is None,
        running_clock=text is None,
        framework=framework,
    )
    try:
        demo.start()
        if text is not None:
            from bot.demo.play import Player

            Player(demo, lambda line: print(line, flush=True)).play(text)
            return 0
        return _serve_page(demo)
    except KeyboardInterrupt:
        print("\nstaffroom demo: stopped", file=sys.stderr)
        return 130
    finally:
        demo.stop()


def _framework(option: str | None) -> Framework:
    """--framework's, else STAFFROOM_FRAMEWORK's; a problem names where the name came from."""
    if option is not None:
        where, name = "--framework", option
    else:
        where, name = "STAFFROOM_FRAMEWORK", os.environ.get("STAFFROOM_FRAMEWORK", "")
    try:
        return load_framework(name or None)
    except FrameworkError as error:
        raise FrameworkError(f"{where}: {error}") from None


def _read_script(path: Path) -> str:
    try:
        if str(path) == "-":
            return sys.stdin.read()
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise StaffroomError(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise StaffroomError(f"{path} is not UTF-8 text") from None


def _serve_page(demo: object) -> int:
    from bot.demo.sample import sample
    from bot.demo.world import Demo

    assert isinstance(demo, Demo)
    demo.start_scheduler()
    stopped = threading.Event()
    if sys.stdin is not None and sys.stdin.isatty():

        def wait_for_end_of_input() -> None:
            try:
                while sys.stdin.readline():
                    pass
            except (OSError, ValueError):
                pass
            stopped.set()

        threading.Thread(target=wait_for_end_of_input, daemon=True).start()
    where = "the temporary database goes when it stops"
    if demo.database_path is not None:
        where = f"the database is kept in {demo.database_path}"
    print(f"staffroom demo: {demo.url}", flush=True)
    print(
        f"  A sample trust of {len(sample().people)} people at {' and '.join(sample().schools)}; "
        f"the clock says {demo.clock().strftime('%A %-d %B %Y, %H:%M')}.\n"
        f"  Nothing here reaches a real Slack workspace; {where}.\n"
        "  Stop with Ctrl-C.",
        flush=True,
    )
    while not stopped.wait(0.5):
        pass
    print("staffroom demo: stopped", file=sys.stderr)
    return 0
