"""How long a leader's summary takes for a large trust with a year of data.

Method
------
1. Generate, with bulk inserts into a new database (SQLite by default, or
   --database-url): 5,000 staff in 20 schools (each school a head and 12
   appraisers), 200,000 commendations with a recipient each (1 in 10 public, most
   tagged with a value), 40,000 feedback forms with two standards each (most
   rated), 5,000 lesson visits, 5,000 STAR projects with a baseline and a later
   measurement, and 15,000 ladder sheets (Sep, Mid and Jul for everyone), spread
   over the academic year 2026-27. Dates are random but seeded (repeatable).
2. Time `bot.summary.figures.summarise` (every aggregate for this week and the week before,
   the STAR stages, shared praise and the 8-week chart series) for the whole trust,
   school by school, and for one school, five times each at 2027-03-10 10:00, and
   print the fastest and the median. Rendering the post and drawing the chart are
   timed separately.

Run: .venv/bin/python bench/summary_speed.py [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text

from bot.core.calendar import SchoolCalendar
from bot.core.framework import load_framework
from bot.summary.figures import summarise
from bot.summary.post import chart_of, post_context
from messages import render
from storage.db import Database
from storage.models import (
    Commendation,
    CommendationRecipient,
    Feedback,
    FeedbackStandard,
    LadderSheet,
    Staff,
    StarMeasurement,
    StarProject,
    Visit,
)

SCHOOLS, STAFF = 20, 5000
COMMENDATIONS, FEEDBACK, VISITS, PROJECTS = 200_000, 40_000, 5_000, 5_000
YEAR_START = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
AT = datetime(2027, 3, 10, 10, 0, tzinfo=UTC)
BATCH = 20_000
COUNTS = [5, 4, 6, 6, 11, 13, 15, 15]  # SMART's ragging sheets, levels 1-8


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
        loaded = time.monotonic() - started
        framework = load_framework()
        calendar = SchoolCalendar(framework)
        trust = _time(
            lambda: summarise(db=db, framework=framework, calendar=calendar, school=None, now=AT)
        )
        one = _time(
            lambda: summarise(
                db=db, framework=framework, calendar=calendar, school="School 07", now=AT
            )
        )
        summary = summarise(db=db, framework=framework, calendar=calendar, school=None, now=AT)
        post = _time(lambda: render("summary", **post_context(summary, framework)))
        chart = _time(lambda: chart_of(summary))
        db.dispose()
    name = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"{name}: {STAFF} staff, {SCHOOLS} schools, {COMMENDATIONS} commendations, "
        f"{FEEDBACK} feedback, {PROJECTS} STAR projects, {3 * STAFF} ladder sheets "
        f"(generated in {loaded:.1f} s)"
    )
    print(
        f"  trust summary (school by school): fastest {trust[0] * 1000:.0f} ms, "
        f"median {trust[1] * 1000:.0f} ms"
    )
    print(
        f"  one school's summary:             fastest {one[0] * 1000:.0f} ms, "
        f"median {one[1] * 1000:.0f} ms"
    )
    print(
        f"  rendering the post {post[1] * 1000:.0f} ms, drawing the chart {chart[1] * 1000:.0f} ms"
    )


def _time(work) -> tuple[float, float]:
    times = []
    for _ in range(5):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def _when(rng: random.Random) -> datetime:
    return YEAR_START + timedelta(seconds=rng.randrange(int((AT - YEAR_START).total_seconds())))


def _bulk(db: Database, table: type, rows: list[dict[str, object]]) -> None:
    with db.engine.begin() as connection:
        for n in range(0, len(rows), BATCH):
            connection.execute(insert(table), rows[n : n + BATCH])


def _generate(db: Database) -> None:
    rng = random.Random(7)
    grades = ["M1", "M3", "M6", "UPS1", "UPS3", "TLR2", "TLR1", "F", "G", "B", "Z9"]
    staff = []
    for n in range(1, STAFF + 1):
        school = (n - 1) % SCHOOLS
        head = school + 1
        appraiser = None if n <= SCHOOLS else SCHOOLS + 1 + (n % (SCHOOLS * 12))
        staff.append(
            {
                "id": n,
                "email": f"s{n}@trust.example",
                "name": f"Staff {n}",
                "school": f"School {school:02d}",
                "role": "teacher",
                "grade": rng.choice(grades),
                "appraiser_id": head if SCHOOLS < n <= SCHOOLS * 13 else appraiser,
                "leader": "school" if n <= SCHOOLS else None,
                "slack_user_id": f"U{n:06d}",
                "active": True,
                "mute_nudges": False,
                "created_at": YEAR_START,
                "updated_at": YEAR_START,
            }
        )
    _bulk(db, Staff, staff)
    values = ["E", "Q", "U", "I", "P", None]
    _bulk(
        db,
        Commendation,
        [
            {
                "id": n,
                "author_id": rng.randint(1, STAFF),
                "message": "Thank you",
                "value": rng.choice(values),
                "public": rng.random() < 0.1,
                "created_at": _when(rng),
            }
            for n in range(1, COMMENDATIONS + 1)
        ],
    )
    _bulk(
        db,
        CommendationRecipient,
        [
            {"commendation_id": n, "staff_id": rng.randint(1, STAFF)}
            for n in range(1, COMMENDATIONS + 1)
        ],
    )
    codes = ["ES1", "ES2", "QE1", "QC3", "UR3", "IE1", "PT2", "PT4"]
    _bulk(
        db,
        Feedback,
        [
            {
                "id": n,
                "observer_id": rng.randint(1, STAFF),
                "observee_id": rng.randint(1, STAFF),
                "observed_on": (moment := _when(rng)).date(),
                "context": "lesson",
                "context_detail": "",
                "standard_set": "teacher",
                "strengths": "s",
                "development": "",
                "next_steps": "n",
                "created_at": moment,
            }
            for n in range(1, FEEDBACK + 1)
        ],
    )
    _bulk(
        db,
        FeedbackStandard,
        [
            {
                "feedback_id": n,
                "position": p,
                "code": rng.choice(codes),
                "rating": rng.choice(["G*", "G", "A", "R", None]),
            }
            for n in range(1, FEEDBACK + 1)
            for p in (1, 2)
        ],
    )
    visits = []
    for n in range(1, VISITS + 1):
        day = _when(rng).date()
        visits.append(
            {
                "id": n,
                "observer_id": rng.randint(1, STAFF),
                "observee_id": rng.randint(1, STAFF),
                "visited_on": day,
                "verbal_due": day + timedelta(days=7),
                "written_due": day + timedelta(days=14),
                "verbal_given_at": None,
                "written_feedback_id": n if rng.random() < 0.8 else None,
                "created_at": YEAR_START,
            }
        )
    _bulk(db, Visit, visits)
    _bulk(
        db,
        StarProject,
        [
            {
                "id": n,
                "owner_id": n,
                "academic_year": "2026-27",
                "title": "t",
                "question": "",
                "beneficiaries": "",
                "kpi_name": "k",
                "kpi_unit": "%",
                "higher_is_better": rng.random() < 0.7,
                "kpi_method": "m",
                "planned_start": date(2026, 10, 1),
                "planned_end": date(2027, 5, 1),
                "stage": rng.randint(1, 6),
                "learned": "",
                "would_share": None,
                "evaluation_submitted_at": None,
                "evaluated_at": None,
                "evaluated_by": None,
                "created_at": YEAR_START,
                "updated_at": YEAR_START,
            }
            for n in range(1, PROJECTS + 1)
        ],
    )
    measurements = []
    for n in range(1, PROJECTS + 1):
        for kind in ("baseline", "interim"):
            moment = _when(rng)
            measurements.append(
                {
                    "project_id": n,
                    "kind": kind,
                    "value": rng.uniform(0, 100),
                    "measured_on": moment.date(),
                    "created_at": moment,
                }
            )
    _bulk(db, StarMeasurement, measurements)
    _bulk(
        db,
        LadderSheet,
        [
            {
                "staff_id": n,
                "academic_year": "2026-27",
                "checkpoint": checkpoint,
                "held": [[level < gap] * count for level, count in enumerate(COUNTS, 1)],
                "level_reached": gap - 1,
                "target_level": None,
                "created_at": YEAR_START,
                "updated_at": YEAR_START,
            }
            for n in range(1, STAFF + 1)
            for checkpoint in ("sep", "mid", "jul")
            for gap in [rng.randint(1, 8)]
        ],
    )
    if db.url.startswith("postgresql"):
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))


if __name__ == "__main__":
    main()
