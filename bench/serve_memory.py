"""Resident memory of `staffroom serve` with a trust of 5,000 staff loaded.

Method
------
1. A new database (SQLite, or --database-url) gets 5,000 staff in 40 schools, each
   with a Slack id, through the roster code the import uses.
2. `staffroom serve` starts against the fake Slack Web API (bot/localslack); its
   VmRSS is read from /proc once /healthz answers.
3. 300 `/commend` requests (20 at a time), then each person's /staffroom help, go
   through it; VmRSS and VmHWM (the peak) are read again once every DM is sent.

Run: .venv/bin/python bench/serve_memory.py [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx2 as httpx

from bot.admin.roster import apply_roster, parse_roster
from bot.core.framework import load_framework
from bot.localslack.webapi import FakeSlack
from storage.db import Database
from storage.staff import all_staff
from tests.slack_requests import SIGNING_SECRET, command_payload, signed_headers

STAFF = 5000
COMMENDS = 300


def memory(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) // 1024  # MiB
    return fields


def load(url: str) -> None:
    lines = ["email,name,school,role,grade,appraiser_email,leader"]
    for n in range(STAFF):
        appraiser = "" if n < 40 else f"staff{n % 40}@trust.sch.uk"
        lines.append(f"staff{n}@trust.sch.uk,Staff {n},School {n % 40},teacher,M3,{appraiser},")
    db = Database(url)
    db.migrate()
    roster = parse_roster("\n".join(lines) + "\n", load_framework())
    apply_roster(db=db, roster=roster, now=datetime.now(UTC))
    with db.session() as session:
        for person in all_staff(session=session):
            person.slack_user_id = f"U{person.id:06d}"
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a new SQLite file")
    args = parser.parse_args()
    fake = FakeSlack().start()
    for n in range(1, STAFF + 1):
        fake.add_user(f"U{n:06d}", f"staff{n - 1}@trust.sch.uk")
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/staffroom.db"
        load(url)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "STAFFROOM_"))}
        env.update(
            SLACK_BOT_TOKEN="xoxb-bench",
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake.api_url,
            DATABASE_URL=url,
            PORT=str(port),
        )
        serve = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            started = memory(serve.pid)

            def send(n: int) -> int:
                command, text = ("/commend", f"<@U{(n % STAFF) + 1:06d}> thank you #{n}")
                if n % 3 == 0:
                    command, text = "/staffroom", ""
                body = urlencode(
                    command_payload(
                        command,
                        text,
                        user_id=f"U{((n + 7) % STAFF) + 1:06d}",
                        channel_id="C1",
                        response_url=fake.response_url(),
                    )
                )
                return httpx.post(
                    f"{base}/slack/events", content=body, headers=signed_headers(body), timeout=10
                ).status_code

            with ThreadPoolExecutor(20) as pool:
                statuses = list(pool.map(send, range(COMMENDS)))
            time.sleep(5)  # DMs go out after the acks
            after = memory(serve.pid)
        finally:
            serve.terminate()
            serve.wait(timeout=20)
    fake.stop()
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"staffroom serve, {STAFF} staff ({database})")
    print(f"  after start: RSS {started['VmRSS']} MiB")
    ok = sum(1 for s in statuses if s == 200)
    print(
        f"  after {COMMENDS} requests ({ok} answered 200): RSS {after['VmRSS']} MiB, "
        f"peak {after['VmHWM']} MiB"
    )


if __name__ == "__main__":
    main()
