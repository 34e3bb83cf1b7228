"""`staffroom outbox [--failed] [--retry ID… | --retry-failed]`: what is owed, and re-driving.

Lists the messages not yet delivered (pending, being sent, failed), with why; puts
failed ones back in the queue, with a new retry window, for the next tick (within
a few minutes under `staffroom serve`, or at once with `staffroom tick`).
"""

from __future__ import annotations

import argparse
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.admin.audit import admin_command
from bot.cli.common import open_existing
from bot.core.errors import StaffroomError
from bot.runtime.config import Mode
from bot.runtime.deps import utc_now


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    outbox = commands.add_parser(
        "outbox", help="list messages owed and their state; re-drive failed ones"
    )
    outbox.add_argument("--failed", action="store_true", help="list only the failed")
    redrive = outbox.add_mutually_exclusive_group()
    redrive.add_argument(
        "--retry", nargs="+", type=int, metavar="ID", help="send these failed messages again"
    )
    redrive.add_argument(
        "--retry-failed", action="store_true", help="send every failed message again"
    )
    outbox.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from storage.outbox import count_by_status, messages_by_ids, owed, redrive

    _settings, framework, db = open_existing(Mode.OFFLINE)
    now = utc_now()
    if args.retry or args.retry_failed:
        with db.session() as session:
            if args.retry:
                known = {m.id: m.status for m in messages_by_ids(session=session, ids=args.retry)}
                unknown = sorted(set(args.retry) - set(known))
                if unknown:
                    raise StaffroomError(
                        f"no outbox message with id {', '.join(map(str, unknown))}"
                    )
            again = redrive(session=session, now=now, ids=args.retry)
        admin_command(db=db, command="outbox-retry", detail=f"{len(again)} messages", now=now)
        print(f"queued again: {len(again)} message(s){_ids(again)}; the next tick sends them")
        if args.retry:
            left = sorted(set(args.retry) - set(again))
            if left:
                print(f"not failed, left as they are: {', '.join(map(str, left))}")
        return 0
    with db.read_session() as session:
        counts = count_by_status(session=session)
        rows = owed(session=session, failed_only=args.failed)
    print(
        ", ".join(f"{counts.get(s, 0)} {s}" for s in ("pending", "sending", "failed"))
        + f" ({counts.get('sent', 0)} sent, {counts.get('dropped', 0)} dropped)"
    )
    zone = framework.zone
    for row in rows:
        when = row.next_attempt_at if row.status == "pending" else row.claimed_at
        reason = f"  {row.last_error}" if row.last_error else ""
        maybe = "  (maybe sent: checked in Slack first)" if row.maybe_sent_at else ""
        print(
            f"{row.id:>7}  {row.status:<8} {row.attempts:>3} attempt(s)  "
            f"{_local(when, zone)}  {row.key}  to {row.channel}{reason}{maybe}"
        )
    return 0


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else "-"


def _ids(ids: list[int]) -> str:
    return f" ({', '.join(map(str, ids))})" if ids else ""
