"""How long the App Home takes to draw for an appraiser of 30 with a year of data.

Method
------
1. Generate the trust `summary_speed.py` generates (5,000 staff in 20 schools, each
   school a head and 12 appraisers; 200,000 commendations, 40,000 feedback forms,
   5,000 visits, 5,000 STAR projects with measurements and 15,000 ladder sheets over
   2026-27), and on top of it: every person's objectives for 2026-27 (three each,
   agreed, and reviewed at the January and Mid-year checkpoints by their appraiser)
   and 2,000 leadership training write-ups; then make one member of staff (id 4,999)
   the appraiser of exactly 30 people (ids 4,000-4,029), with a school leader's role
   in none, and the head of the first school a trust leader. Dates are random but
   seeded (repeatable).
2. At 2027-03-10 10:00 (the Mid-year checkpoint open), time what the server does for
   `views.publish` when that appraiser opens the Home tab, `handlers.home.home_view`:
   every query (the person's own year, their 30 rows, what they owe) and rendering
   the Block Kit JSON, ten times after one warm-up run, and print the fastest and the
   median. The Web API call itself is Slack's time, not the server's. For comparison
   the same for a school leader (their follow-up list of 250) and the trust leader
   (5,000, by school) is printed too.

Run: .venv/bin/python bench/home_speed.py [--database-url URL]
(the PostgreSQL run empties that database's public schema).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pydantic import SecretStr
from sqlalchemy import insert, text, update
from summary_speed import STAFF, _generate  # the same trust and year of data

from bot.core.framework import load_framework
from bot.runtime.config import Settings
from bot.runtime.deps import Deps
from handlers.home import Pages, home_view
from messages.limits import view_problems
from storage.db import Database
from storage.models import LeadershipTraining, Objective, ObjectiveReview, ObjectiveSet, Staff

AT = datetime(2027, 3, 10, 10, 0, tzinfo=UTC)
APPRAISER, TEAM = 4999, range(4000, 4030)
BATCH = 20_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Database(args.database_url or f"sqlite:///{folder}/bench.db")
        if args.database_url:
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        db.migrate()
        started = time.monotonic()
        _generate(db)
        _appraisal_year(db)
        loaded = time.monotonic() - started
        framework = load_framework()
        deps = Deps(
            settings=Settings(slack_bot_token=SecretStr("xoxb-bench"), database_url=db.url),
            framework=framework,
            db=db,
            clock=lambda: AT,
        )
        results = {}
        for label, user in (
            ("appraiser of 30", f"U{APPRAISER:06d}"),
            ("school leader (250 staff)", "U000003"),
            ("trust leader (5,000 staff)", "U000001"),
        ):
            view = home_view(deps, user, Pages())
            problems = view_problems(view)
            assert not problems, problems
            results[label] = (_time(lambda u=user: home_view(deps, u, Pages())), view)
        db.dispose()
    name = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{name}: {STAFF} staff with a year of data (generated in {loaded:.1f} s)")
    for label, ((fastest, median), view) in results.items():
        size = len(json.dumps(view))
        print(
            f"  {label:28} fastest {fastest * 1000:4.0f} ms, median {median * 1000:4.0f} ms"
            f"  ({len(view['blocks'])} blocks, {size / 1024:.0f} KB)"
        )


def _time(work) -> tuple[float, float]:
    work()  # warm-up: caches, templates, the first connection
    times = []
    for _ in range(10):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def _bulk(db: Database, table: type, rows: list[dict[str, object]]) -> None:
    with db.engine.begin() as connection:
        for n in range(0, len(rows), BATCH):
            connection.execute(insert(table), rows[n : n + BATCH])


def _appraisal_year(db: Database) -> None:
    rng = random.Random(11)
    with db.engine.begin() as connection:
        connection.execute(
            update(Staff).where(Staff.id.in_(list(TEAM))).values(appraiser_id=APPRAISER)  # type: ignore[union-attr]
        )
        connection.execute(update(Staff).where(Staff.id == 1).values(leader="trust"))
        appraisers = dict(connection.execute(text("SELECT id, appraiser_id FROM staff")).all())
    agreed = datetime(2026, 10, 2, 9, 0, tzinfo=UTC)
    _bulk(
        db,
        ObjectiveSet,
        [
            {
                "id": n,
                "staff_id": n,
                "academic_year": "2026-27",
                "version": 1,
                "target_level": rng.randint(2, 6),
                "agreed_at": agreed if appraisers[n] else None,
                "agreed_by": appraisers[n],
                "talk_comment": "",
                "talk_requested_at": None,
                "created_at": agreed,
                "updated_at": agreed,
            }
            for n in range(1, STAFF + 1)
        ],
    )
    _bulk(
        db,
        Objective,
        [
            {"set_id": n, "number": k, "text": "An objective " * 20, "standards": ["QE2", "UR3"]}
            for n in range(1, STAFF + 1)
            for k in (1, 2, 3)
        ],
    )
    _bulk(
        db,
        ObjectiveReview,
        [
            {
                "set_id": n,
                "number": k,
                "checkpoint": checkpoint,
                "status": rng.choice(["on_track", "needs_support", "met"]),
                "comment": "A short comment",
                "reviewed_by": appraisers[n],
                "reviewed_at": day,
            }
            for n in range(1, STAFF + 1)
            if appraisers[n]
            for k in (1, 2, 3)
            for checkpoint, day in (
                ("jan", datetime(2027, 1, 12, 10, tzinfo=UTC)),
                ("mid", datetime(2027, 2, 10, 10, tzinfo=UTC)),
            )
        ],
    )
    _bulk(
        db,
        LeadershipTraining,
        [
            {
                "staff_id": rng.randint(1, STAFF),
                "title": "Leading teams",
                "taken_on": date(2026, 9, 1) + timedelta(days=rng.randrange(180)),
                "learned": "What I learned " * 30,
                "created_at": agreed,
            }
            for _ in range(2000)
        ],
    )
    if db.url.startswith("postgresql"):
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))


if __name__ == "__main__":
    main()
