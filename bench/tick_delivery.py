"""How fast `staffroom tick` delivers a checkpoint's opening to a trust of 5,000 against
Slack's rate limit, that each message goes exactly once (also after a killed run), and
what a tick with nothing new to queue costs.

Method
------
1. The fake Slack Web API (bot/localslack) on 127.0.0.1 allows one
   `chat.postMessage` per `--interval` (default 50 ms: 20 a second) and answers 429
   with Retry-After beyond that, as Slack does (strictly: no bursts).
2. A roster of `--staff` people (default 5,000; 250 appraisers with 19 appraisees
   each) is written into a new database: a SQLite file, or `--database-url`'s public
   schema, emptied first. Nothing has been learned of Slack's limit yet.
3. `staffroom tick --at 2026-09-01T09:00` runs as its own process: every person is due
   the September opening DM and each appraiser a list (5,250 messages). The rate
   achieved is the messages Slack accepted, less one, over the time from the first
   to the last (sampled every 10 ms); the allowed rate is 1 / interval.
4. `staffroom tick --at 2026-09-01T09:02` in the same way: nothing new, nothing sent.
   Then `tick()` is timed in-process five times at 09:04 for the cost of a tick with
   nothing new to queue (no process start-up).
5. On a fresh database, the first tick is killed (SIGKILL) once half the DMs are
   accepted, then run again; with SQLite the dead process's claim is a lease, so its
   expiry is simulated and the tick run once more. Every person must have exactly one
   opening DM in Slack (none lost, none twice); the second run starts with the limit
   the first learned.

Run: .venv/bin/python bench/tick_delivery.py [--database-url URL] [--staff N]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text, update

from bot.localslack.webapi import FakeSlack
from storage.db import Database
from storage.models import OutboxMessage, OutboxStatus, Role, Staff

APPRAISEES = 19
AT = "2026-09-01T09:00"
OPENING = "The September checkpoint is open: please"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a new SQLite file per run")
    parser.add_argument("--staff", type=int, default=5000)
    parser.add_argument("--interval", type=float, default=0.05, help="seconds between posts")
    parser.add_argument(
        "--burst", type=int, default=5, help="posts Slack allows at once after a pause"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        whole = _run(Path(folder) / "a", args, kill_half_way=False)
        killed = _run(Path(folder) / "b", args, kill_half_way=True)
    database = "PostgreSQL" if args.database_url else "SQLite"
    allowed = 1 / args.interval
    print(
        f"tick at {AT}, {args.staff} staff, chat.postMessage allowed 1 per "
        f"{args.interval * 1000:.0f} ms ({allowed:.0f}/s, bursts of {args.burst}), {database}"
    )
    for name, result in (("whole run", whole), ("killed half way", killed)):
        print(f"  {name}:")
        for line in result["lines"]:
            print(f"    {line}")


def _run(folder: Path, args: argparse.Namespace, *, kill_half_way: bool) -> dict[str, object]:
    folder.mkdir()
    fake = FakeSlack().start()
    fake.limit_rate("chat.postMessage", interval=args.interval, burst=args.burst)
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "STAFFROOM_"))}
    env.update(SLACK_BOT_TOKEN="xoxb-bench", SLACK_API_URL=fake.api_url, DATABASE_URL=url)
    _roster(url, args.staff)
    expected = args.staff + args.staff // (APPRAISEES + 1)
    lines: list[str] = []
    command = [sys.executable, "-m", "bot.cli", "tick", "--at", AT]
    watch = _Watch(fake)
    started = time.monotonic()
    if kill_half_way:
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        while len(fake.accepted()) < expected // 2:
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.wait()
        killed_at = len(fake.accepted())
        learned = _learned(url)
        limited_before = fake.limited
        watch.restart()
        lines.append(f"killed after {killed_at} accepted; learned spacing {learned * 1000:.1f} ms")
    finished = subprocess.run(command, env=env, capture_output=True, text=True)
    if finished.returncode != 0:
        raise SystemExit(finished.stderr)
    seconds = time.monotonic() - started
    rate = watch.stop()
    if kill_half_way:
        left = _lease_runs_out(url)
        if left:
            subprocess.run(command, env=env, check=True, capture_output=True)
        lines.append(
            f"run again: {watch.count} accepted at {rate:.1f}/s = {rate * args.interval:.2f} "
            f"of the allowed rate, {fake.limited - limited_before} 429s"
            + (f"; {left} claim of the dead tick finished after its lease" if left else "")
        )
    else:
        lines.append(
            f"{watch.count} messages at {rate:.1f}/s = {rate * args.interval:.2f} of the "
            f"allowed rate ({seconds:.1f} s wall, with start-up and queueing); "
            f"{fake.limited} 429s; learned spacing {_learned(url) * 1000:.1f} ms"
        )
        before = len(fake.accepted())
        subprocess.run(
            [*command[:-1], "2026-09-01T09:02"], env=env, check=True, capture_output=True
        )
        lines.append(f"a second tick two minutes later sent {len(fake.accepted()) - before}")
        costs = _quiet_ticks(url, fake)
        lines.append(
            "a tick with nothing new to queue: "
            f"median {statistics.median(costs) * 1000:.0f} ms, "
            f"slowest {max(costs) * 1000:.0f} ms (5 runs, in-process)"
        )
    openings = Counter(
        conversation
        for conversation, messages in fake.history.items()
        for m in messages
        if str(m["text"]).startswith(OPENING)
    )
    total = sum(len(messages) for messages in fake.history.values())
    twice = sum(1 for n in openings.values() if n > 1)
    lost = args.staff - len(openings)
    lines.append(
        f"in Slack: {total} messages of {expected}; opening DMs: {len(openings)} people, "
        f"{twice} twice, {lost} lost"
    )
    fake.stop()
    return {"lines": lines}


class _Watch:
    """When Slack accepted the first and the last post (sampled every 10 ms)."""

    def __init__(self, fake: FakeSlack) -> None:
        self._fake = fake
        self._thread: threading.Thread | None = None
        self.restart()

    def restart(self) -> None:
        if self._thread is not None:
            self._done.set()
            self._thread.join()
        self._base = len(self._fake.accepted())
        self._first: float | None = None
        self._last = 0.0
        self.count = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._done.is_set():
            count = len(self._fake.accepted()) - self._base
            now = time.monotonic()
            if count and self._first is None:
                self._first, self._first_count = now, count
            if count != self.count:
                self.count, self._last = count, now
            time.sleep(0.01)

    def stop(self) -> float:
        assert self._thread is not None
        self._done.set()
        self._thread.join()
        self.count = len(self._fake.accepted()) - self._base
        if self._first is None or self._last <= self._first:
            return 0.0
        return (self.count - self._first_count) / (self._last - self._first)


def _roster(url: str, staff: int) -> None:
    db = Database(url)
    if url.startswith("postgresql"):
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    db.migrate()
    appraisers = staff // (APPRAISEES + 1)
    now = datetime(2026, 8, 1, tzinfo=UTC)
    rows = [
        {
            "email": f"staff{n}@bench.sch.uk",
            "name": f"Staff {n}",
            "school": f"School {n % 20}",
            "role": Role.TEACHER,
            "grade": "M3",
            "appraiser_id": None if n < appraisers else n % appraisers + 1,
            "slack_user_id": f"U{n:05d}",
            "active": True,
            "mute_nudges": False,
            "created_at": now,
            "updated_at": now,
        }
        for n in range(staff)
    ]
    with db.session() as session:
        session.execute(insert(Staff), rows)
    db.dispose()


def _learned(url: str) -> float:
    from storage.ratelimit import current

    db = Database(url)
    with db.session() as session:
        rate = current(session=session, method="chat.postMessage")
    db.dispose()
    return rate.interval if rate else 0.0


def _lease_runs_out(url: str) -> int:
    """SQLite: five minutes later, the killed tick's lease (if it held one) has run out."""
    if not url.startswith("sqlite"):
        return 0  # PostgreSQL released the killed tick's lock at once
    db = Database(url)
    with db.session() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.SENDING)
            .values(lease_until=datetime(2000, 1, 1, tzinfo=UTC))
        )
    db.dispose()
    return int(result.rowcount)  # type: ignore[attr-defined]


def _quiet_ticks(url: str, fake: FakeSlack) -> list[float]:
    from bot.core.calendar import SchoolCalendar
    from bot.core.framework import load_framework
    from bot.runtime.config import Settings
    from bot.runtime.slack_client import make_client
    from bot.runtime.tick import tick

    db = Database(url)
    framework = load_framework()
    calendar = SchoolCalendar(framework)
    client = make_client(
        Settings(slack_bot_token="xoxb-bench", slack_api_url=fake.api_url), paced=True
    )
    moment = datetime.fromisoformat("2026-09-01T09:04").replace(tzinfo=framework.zone)
    costs = []
    for _ in range(5):
        started = time.perf_counter()
        report = tick(db=db, framework=framework, calendar=calendar, client=client, now=moment)
        costs.append(time.perf_counter() - started)
        assert report.queued == 0 and report.sent == 0, report
    db.dispose()
    return costs


if __name__ == "__main__":
    main()
