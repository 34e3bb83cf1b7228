"""`staffroom tick [--at T]`: what the scheduler does, once, for one moment.

It prints what this run did (queued, sent, failed and will be retried, failed for good,
dropped, skipped), then what is left waiting for a later moment: messages never tried
yet, held until working hours, and messages Slack did not take, waiting to be retried.
"""

from __future__ import annotations

import argparse
from collections import Counter
from datetime import datetime

from bot.cli.common import open_existing
from bot.runtime.config import Mode
from bot.runtime.deps import utc_now
from storage.db import Database
from storage.models import OutboxStatus


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tick = commands.add_parser("tick", help="deliver what is due now, once, and exit")
    tick.add_argument("--at", help="the moment to act as (ISO 8601; naive = trust's time zone)")
    tick.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bot.core.calendar import SchoolCalendar
    from bot.runtime.scheduler import delivery_policy
    from bot.runtime.slack_client import make_client
    from bot.runtime.tick import parse_moment, tick

    settings, framework, db = open_existing(Mode.TICK)
    now = parse_moment(args.at, framework) if args.at else utc_now()
    report = tick(
        db=db,
        framework=framework,
        calendar=SchoolCalendar(framework),
        client=make_client(settings, paced=True),
        now=now,
        policy=delivery_policy(settings),
    )
    hours, retry = waiting(db, now)
    print(
        f"{report.queued} queued, {report.sent} sent, {report.retrying} failed and will be "
        f"retried, {report.failed} failed for good, {report.dropped} dropped (no longer true), "
        f"{report.skipped} skipped (no Slack account); waiting now: {hours} until working "
        f"hours, {retry} to retry"
    )
    kinds = Counter(kind_of(key) for key in report.sent_keys)
    for kind, count in sorted(kinds.items(), key=lambda item: (-item[1], item[0])):
        print(f"  sent {count:>5}  {KINDS.get(kind, kind)}")
    for error in report.errors:
        print(f"  failed: {error}")
    return 0


def waiting(db: Database, now: datetime) -> tuple[int, int]:
    """Messages owed for a later moment: (never tried yet, held for working hours; tried
    and failed, waiting for their next attempt)."""
    from storage.outbox import owed

    with db.read_session() as session:
        later = [
            message
            for message in owed(session=session)
            if message.status == OutboxStatus.PENDING and message.next_attempt_at > now
        ]
    retry = sum(1 for message in later if message.attempts > 0)
    return len(later) - retry, retry


# What each outbox key's leading part means, for the report.
KINDS = {
    "nudge:cp-open": "ladder checkpoint opened",
    "nudge:cp-closing": "ladder checkpoint closing",
    "nudge:cp-appraisees": "appraisers: appraisees yet to fill in the ladder",
    "nudge:written-due": "written feedback due",
    "nudge:written-overdue": "written feedback overdue",
    "nudge:verbal-due": "verbal feedback due",
    "nudge:verbal-overdue": "verbal feedback overdue",
    "nudge:star-baseline": "STAR baselines to measure",
    "nudge:star-final": "STAR final measurements to take",
    "nudge:star-evaluation": "STAR evaluations to confirm",
    "nudge:obj-write": "objectives to write",
    "nudge:obj-unagreed": "appraisers: objectives to agree",
    "nudge:obj-review-open": "appraisers: reviews due",
    "nudge:obj-review-closing": "appraisers: reviews closing",
    "nudge:praise": "appraisers: appraisees not yet commended this half term",
    "nudge:holidays": "IT admin: school holidays running out",
    "commend": "commendations",
    "feedback": "feedback",
    "visit": "lesson visits",
    "star": "STAR project messages",
    "ladder": "ladder sheets",
    "objectives": "objectives",
    "summary": "weekly summaries",
}


def kind_of(key: str) -> str:
    """`nudge:cp-open:2026-27:sep:12` -> `nudge:cp-open`; `commend:3:UBOB` -> `commend`."""
    parts = key.split(":")
    return ":".join(parts[:2]) if parts[0] == "nudge" and len(parts) > 1 else parts[0]
