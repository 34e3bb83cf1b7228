"""`staffroom tick [--at T]`: what the scheduler does, once, for one moment."""

from __future__ import annotations

import argparse

from bot.cli.common import start
from bot.runtime.config import Mode
from bot.runtime.deps import utc_now


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tick = commands.add_parser("tick", help="deliver what is due now, once, and exit")
    tick.add_argument("--at", help="the moment to act as (ISO 8601; naive = trust's time zone)")
    tick.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bot.core.calendar import SchoolCalendar
    from bot.runtime.scheduler import delivery_policy
    from bot.runtime.slack_client import make_client
    from bot.runtime.tick import parse_moment, tick

    settings, framework, db = start(Mode.TICK)
    now = parse_moment(args.at, framework) if args.at else utc_now()
    report = tick(
        db=db,
        framework=framework,
        calendar=SchoolCalendar(framework),
        client=make_client(settings, paced=True),
        now=now,
        policy=delivery_policy(settings),
    )
    print(
        f"queued {report.queued}, sent {report.sent}, held {report.held}, "
        f"retrying {report.retrying}, failed {report.failed}, dropped {report.dropped}, "
        f"skipped {report.skipped} (no Slack account)"
    )
    for error in report.errors:
        print(f"  failed: {error}")
    return 0
