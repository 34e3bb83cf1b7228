"""How long `staffroom import-staff` takes for a trust of 5,000 against Slack's rate tiers.

Method
------
1. The fake Slack Web API (bot/localslack) on 127.0.0.1 enforces Slack's documented
   tiers on the methods the import calls (users.list Tier 2: 20 a minute, i.e. one
   call per 3 s; users.lookupByEmail Tier 3: 50 a minute) and answers 429 with
   Retry-After beyond them, as Slack does.
2. Its workspace holds the trust's 5,000 staff, 1,000 other members (governors,
   guests, bots), one member of staff the directory does not list (found only by
   lookup) and leaves out 25 staff altogether (not in Slack yet).
3. `staffroom import-staff` runs as its own process into a new SQLite database (or
   --database-url), output not a terminal, so it prints a line per page.
4. It runs again: nobody new is looked for except the 25.

Run: .venv/bin/python bench/roster_import.py [--database-url URL] [--staff N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.localslack.webapi import TIERS, FakeSlack

MISSING = 25
OTHERS = 1000


def roster(staff: int) -> str:
    lines = ["email,name,school,role,grade,appraiser_email,leader"]
    for n in range(staff):
        appraiser = "" if n < 40 else f"staff{n % 40}@trust.sch.uk"
        lines.append(f"staff{n}@trust.sch.uk,Staff {n},School {n % 40},teacher,M3,{appraiser},")
    return "\n".join(lines) + "\n"


def workspace(fake: FakeSlack, staff: int) -> None:
    for n in range(staff):
        if n % (staff // MISSING) == 7:
            continue  # not in Slack yet
        fake.add_user(f"U{n:06d}", f"staff{n}@trust.sch.uk")
    fake.users["U000001"]["in_directory"] = False  # a guest only lookupByEmail finds
    for n in range(OTHERS):
        fake.add_user(f"UX{n:05d}", f"member{n}@elsewhere.org", is_bot=n % 20 == 0)


def run(env: dict[str, str], csv: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "import-staff", str(csv)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return time.monotonic() - started, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a new SQLite file")
    parser.add_argument("--staff", type=int, default=5000)
    args = parser.parse_args()
    fake = FakeSlack().start()
    workspace(fake, args.staff)
    fake.limit_to_tiers()
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "staff.csv"
        csv.write_text(roster(args.staff), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "STAFFROOM_"))}
        env.update(
            SLACK_BOT_TOKEN="xoxb-bench",
            SLACK_API_URL=fake.api_url,
            DATABASE_URL=args.database_url or f"sqlite:///{folder}/staffroom.db",
        )
        first, done = run(env, csv)
        assert done.returncode == 0, done.stderr
        calls = {m: len(fake.calls_to(m)) for m in ("users.list", "users.lookupByEmail")}
        second, again = run(env, csv)
        assert again.returncode == 0, again.stderr
    fake.stop()
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"import-staff, {args.staff} staff, Slack's tiers {TIERS} ({database})")
    print(f"  first import: {first:.1f} s; calls {calls}; 429s answered {fake.limited}")
    for line in done.stdout.splitlines() + done.stderr.splitlines()[-3:]:
        print(f"    {line[:110]}")
    print(f"  second import: {second:.1f} s")
    for line in again.stdout.splitlines()[:2]:
        print(f"    {line[:110]}")
    lookups = args.staff / 50 * 60
    print(f"  (one users.lookupByEmail a person, at Tier 3, would take {lookups / 60:.0f} min)")


if __name__ == "__main__":
    main()
