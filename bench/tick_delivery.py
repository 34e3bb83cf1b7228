"""How fast `staffroom tick` delivers the September opening DMs under Slack's rate limit,
and that it delivers each exactly once, also after being killed half way.

Method
------
1. The fake Slack Web API (tests/fake_slack.py) on 127.0.0.1 allows one
   `chat.postMessage` per 50 ms (20 a second) and answers 429 with Retry-After
   beyond that, as Slack does.
2. A roster of 200 staff (10 appraisers with 19 appraisees each, plus the 10) is
   imported into a new SQLite database (or --database-url).
3. `staffroom tick --at 2026-09-01T09:00` runs as its own process: every person is
   due an opening DM and each appraiser a list. Its wall time and the number of 429s
   give the delivery rate achieved against the 20 a second allowed.
4. The same tick again must send nothing.
5. On a fresh database, the first tick is killed (SIGKILL) once half the DMs are
   accepted, then run again: every person must still have exactly one opening DM.

Run: .venv/bin/python bench/tick_delivery.py [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.localslack.webapi import FakeSlack

PEOPLE = 200
APPRAISERS = 10
ALLOWED_INTERVAL = 0.05
AT = "2026-09-01T09:00"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a new SQLite file per run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        first = _run(Path(folder) / "a", args.database_url, kill_half_way=False)
        second = _run(Path(folder) / "b", args.database_url, kill_half_way=True)
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"tick at {AT}, {PEOPLE} staff, chat.postMessage allowed 1 per 50 ms ({database})")
    print(
        f"  delivered {first['sent']} messages in {first['seconds']:.1f} s = "
        f"{first['sent'] / first['seconds']:.1f}/s against 20/s allowed; {first['limited']} 429s"
    )
    print(f"  second tick at the same moment sent {first['again']}")
    print(
        f"  killed after {second['killed_after']} accepted, run again: {second['sent']} in all, "
        f"opening DMs per person: {second['per_person']}"
    )


def _run(folder: Path, database_url: str | None, *, kill_half_way: bool) -> dict[str, object]:
    folder.mkdir()
    fake = FakeSlack().start()
    fake.limit_rate("chat.postMessage", interval=ALLOWED_INTERVAL)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "STAFFROOM_"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_API_URL=fake.api_url,
        DATABASE_URL=database_url or f"sqlite:///{folder}/bench.db",
    )
    if database_url:
        _reset(env)
    _import(fake, env, folder)
    command = [sys.executable, "-m", "bot.cli", "tick", "--at", AT]
    result: dict[str, object] = {}
    started = time.monotonic()
    if kill_half_way:
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        while len(fake.accepted()) < PEOPLE // 2:
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.wait()
        result["killed_after"] = len(fake.accepted())
    subprocess.run(command, env=env, check=True, capture_output=True)
    result["seconds"] = time.monotonic() - started
    result["sent"] = len(fake.accepted())
    result["limited"] = fake.limited
    before = len(fake.accepted())
    subprocess.run(command, env=env, check=True, capture_output=True)
    result["again"] = len(fake.accepted()) - before
    openings = Counter(
        c.params["channel"]
        for c in fake.accepted()
        if c.params["text"].startswith("The September checkpoint is open: please")
    )
    result["per_person"] = dict(Counter(openings.values())) | {"people": len(openings)}
    fake.stop()
    return result


def _import(fake: FakeSlack, env: dict[str, str], folder: Path) -> None:
    lines = ["email,name,school,role,grade,appraiser_email,leader"]
    for n in range(PEOPLE):
        appraiser = "" if n < APPRAISERS else f"staff{n % APPRAISERS}@bench.sch.uk"
        lines.append(f"staff{n}@bench.sch.uk,Staff {n},Bench School,teacher,M3,{appraiser},")
        fake.add_user(f"U{n:05d}", f"staff{n}@bench.sch.uk")
    roster = folder / "staff.csv"
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "import-staff", str(roster)],
        env=env,
        check=True,
        capture_output=True,
    )


def _reset(env: dict[str, str]) -> None:
    from sqlalchemy import text

    from storage.db import Database

    db = Database(env["DATABASE_URL"])
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    db.dispose()


if __name__ == "__main__":
    main()
