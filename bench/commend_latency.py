"""How fast `staffroom serve` answers a quick `/commend` under concurrent load.

Method
------
1. Start the fake Slack Web API (tests/fake_slack.py) on 127.0.0.1, answering
   every call at once, so the figure is staffroom's own time.
2. Import a roster of 40 staff (each with an appraiser) with `staffroom
   import-staff`, then start `staffroom serve` as its own process (uvicorn on a
   free port, SQLite in a temporary folder unless --database-url is given).
3. After 20 warm-up requests, send --requests signed `/commend @someone message`
   slash commands from --concurrency threads at once, each its own HTTP
   keep-alive connection, and time each from send to HTTP response (Slack's 3 s
   ack budget is measured the same way).
4. Print p50, p90, p99 and max of those times, the request rate, and how long the
   DMs (recipient, appraiser copy, confirmation) took to be delivered after the
   last answer.

Run: .venv/bin/python bench/commend_latency.py [--requests 400] [--concurrency 20]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx2 as httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.localslack.webapi import FakeSlack
from tests.slack_requests import SIGNING_SECRET, command_payload, signed_headers

STAFF = 40


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--database-url", help="default: a new SQLite file")
    parser.add_argument("--server-log", type=Path, help="write the server's output here")
    args = parser.parse_args()

    fake = FakeSlack().start()
    with tempfile.TemporaryDirectory() as folder:
        env = _environment(fake, folder, args.database_url)
        _import_roster(fake, env, Path(folder))
        log = args.server_log.open("w") if args.server_log else subprocess.DEVNULL
        server = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{env['PORT']}"
        try:
            _wait_healthy(base)
            _load(base, fake, 20, min(args.concurrency, 20))  # warm-up
            warm = len(fake.calls_to("chat.postMessage"))
            started = time.monotonic()
            times = _load(base, fake, args.requests, args.concurrency)
            elapsed = time.monotonic() - started
            expected = warm + 3 * args.requests  # DM, appraiser copy, confirmation
            drain = _wait_for_messages(fake, expected)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=15)
            fake.stop()
    _report(times, elapsed, args, drain)


def _environment(fake: FakeSlack, folder: str, database_url: str | None) -> dict[str, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "STAFFROOM_"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.api_url,
        PORT=str(port),
        DATABASE_URL=database_url or f"sqlite:///{folder}/bench.db",
    )
    return env


def _import_roster(fake: FakeSlack, env: dict[str, str], folder: Path) -> None:
    lines = ["email,name,school,role,grade,appraiser_email,leader"]
    for n in range(STAFF):
        appraiser = "" if n < 4 else f"staff{n % 4}@bench.sch.uk"
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


def _wait_healthy(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit("staffroom serve did not become healthy")


def _load(base: str, fake: FakeSlack, count: int, concurrency: int) -> list[float]:
    times: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    counter = iter(range(count))

    def worker() -> None:
        rng = random.Random(threading.get_ident())
        with httpx.Client(base_url=base, timeout=10) as http:
            while True:
                with lock:
                    if next(counter, None) is None:
                        return
                author = rng.randrange(4, STAFF)  # appraisees, so every commendation has a copy
                recipient = rng.choice([n for n in range(4, STAFF) if n != author])
                body = urlencode(
                    command_payload(
                        "/commend",
                        f"<@U{recipient:05d}> thank you for your help today",
                        user_id=f"U{author:05d}",
                        channel_id="C1",
                        response_url=fake.response_url(),
                    )
                )
                started = time.perf_counter()
                try:
                    response = http.post(
                        "/slack/events", content=body, headers=signed_headers(body)
                    )
                except httpx.TransportError as error:
                    with lock:
                        failures.append(repr(error))
                    continue
                took = time.perf_counter() - started
                with lock:
                    if response.status_code == 200 and not response.content:
                        times.append(took)
                    else:
                        failures.append(f"HTTP {response.status_code}: {response.text[:200]}")

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"{len(failures)} of {count} requests failed, e.g. {failures[0]}")
    return times


def _wait_for_messages(fake: FakeSlack, expected: int) -> float:
    started = time.monotonic()
    while len(fake.calls_to("chat.postMessage")) < expected:
        if time.monotonic() - started > 120:
            raise SystemExit(
                f"only {len(fake.calls_to('chat.postMessage'))} of {expected} messages"
            )
        time.sleep(0.05)
    return time.monotonic() - started


def _report(times: list[float], elapsed: float, args: argparse.Namespace, drain: float) -> None:
    ordered = sorted(times)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000

    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"/commend quick form, {len(times)} requests, {args.concurrency} concurrent, {database}")
    print(
        f"  p50 {pct(50):.1f} ms   p90 {pct(90):.1f} ms   p99 {pct(99):.1f} ms   "
        f"max {ordered[-1] * 1000:.1f} ms   mean {statistics.mean(times) * 1000:.1f} ms"
    )
    print(
        f"  {len(times) / elapsed:.0f} requests/s; all {3 * len(times)} DMs delivered "
        f"{drain:.2f} s after the last answer"
    )


if __name__ == "__main__":
    main()
