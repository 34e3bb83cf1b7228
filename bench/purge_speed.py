"""How long `staffroom purge` takes on a large trust with eight academic years of records.

Method
------
1. Generate, with bulk inserts into a new database (SQLite by default, or a PostgreSQL
   database made for this with --database-url; its tables are dropped first): 5,000 staff
   in 20 schools (100 of them left the roster in 2026-27), and for each of the eight
   academic years 2026-27 to 2033-34: 20,000 commendations with a recipient each, 4,000
   feedback forms with two standards each, 1,000 lesson visits, 5,000 STAR projects with a
   measurement and a note each, 15,000 ladder sheets, 50,000 copies of messages (sent,
   their words already dropped, as `mark_sent` leaves them) and 5,000 audit entries:
   about 920,000 rows in all. Dates are random within each year but seeded.
2. Time, at 2033-09-01 02:30 (the first daily run of 2033-34, with six years kept):
   `purge --dry-run`, then `purge` (2026-27 goes: about 115,000 rows, and the leavers
   are anonymised), then the next day's run, which finds nothing (every other day of the
   year), three times, printing the median.

Run: .venv/bin/python bench/purge_speed.py [--database-url postgresql://…/purge_bench]
(`createdb -h 127.0.0.1 -U postgres purge_bench` first).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert
from sqlmodel import SQLModel

from bot.admin.purge import purge
from bot.core.calendar import SchoolCalendar
from bot.core.framework import load_framework
from storage.db import Database
from storage.models import (
    AuditEvent,
    Commendation,
    CommendationRecipient,
    Feedback,
    FeedbackStandard,
    LadderSheet,
    OutboxMessage,
    Staff,
    StarMeasurement,
    StarNote,
    StarProject,
    Visit,
)

SCHOOLS, STAFF, LEAVERS = 20, 5000, 100
YEARS = range(2026, 2034)
PER_YEAR = {
    "commendations": 20_000,
    "feedback": 4_000,
    "visits": 1_000,
    "projects": 5_000,
    "sheets": 15_000,
    "messages": 50_000,
    "audit": 5_000,
}
AT = datetime(2033, 9, 1, 1, 30, tzinfo=UTC)  # 02:30 in London
BATCH = 20_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Database(args.database_url or f"sqlite:///{folder}/bench.db")
        if args.database_url:
            SQLModel.metadata.drop_all(db.engine)
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.migrate()
        started = time.monotonic()
        rows = _generate(db)
        loaded = time.monotonic() - started
        framework = load_framework()
        calendar = SchoolCalendar(framework)

        def run(at: datetime, dry_run: bool = False):
            began = time.perf_counter()
            report = purge(db=db, framework=framework, calendar=calendar, now=at, dry_run=dry_run)
            return time.perf_counter() - began, report

        dry, dry_report = run(AT, dry_run=True)
        real, report = run(AT)
        quiet = [run(AT + timedelta(days=n))[0] for n in (1, 2, 3)]
        db.dispose()
    name = "PostgreSQL" if args.database_url else "SQLite"
    deleted = sum(report.deleted.values()) + report.messages + report.audit_events
    print(f"{name}: {rows:,} rows over {len(YEARS)} academic years (generated in {loaded:.0f} s)")
    print(f"  dry run:          {dry:.1f} s ({sum(dry_report.deleted.values()):,} records counted)")
    print(
        f"  purge of 2026-27: {real:.1f} s ({deleted:,} rows deleted, {report.people} people "
        f"anonymised; records by kind {report.deleted})"
    )
    print(f"  a day with nothing to purge: median {statistics.median(quiet) * 1000:.0f} ms")


def _bulk(db: Database, table: type, rows: list[dict[str, object]]) -> int:
    with db.engine.begin() as connection:
        for n in range(0, len(rows), BATCH):
            connection.execute(insert(table), rows[n : n + BATCH])
    return len(rows)


def _generate(db: Database) -> int:
    rng = random.Random(13)
    start = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    staff = [
        {
            "id": n,
            "email": f"s{n}@trust.example",
            "name": f"Staff {n}",
            "school": f"School {(n - 1) % SCHOOLS:02d}",
            "role": "teacher",
            "grade": "M3",
            "appraiser_id": None,
            "leader": None,
            "slack_user_id": f"U{n:06d}",
            "active": n > LEAVERS,
            "mute_nudges": False,
            "created_at": start,
            "updated_at": start + timedelta(days=100),
        }
        for n in range(1, STAFF + 1)
    ]
    total = _bulk(db, Staff, staff)
    ids = {"c": 0, "f": 0, "v": 0, "p": 0, "s": 0, "m": 0, "a": 0}

    def person() -> int:
        return rng.randint(1, STAFF)

    for first in YEARS:
        year = f"{first}-{(first + 1) % 100:02d}"
        begins = datetime(first, 9, 1, 8, 0, tzinfo=UTC)

        def moment(begins: datetime = begins) -> datetime:
            return begins + timedelta(seconds=rng.randrange(360 * 24 * 3600))

        def new(kind: str, n: int) -> range:
            first_id = ids[kind] + 1
            ids[kind] += n
            return range(first_id, ids[kind] + 1)

        praise = new("c", PER_YEAR["commendations"])
        total += _bulk(
            db,
            Commendation,
            [
                {"id": i, "author_id": person(), "message": "Thank you", "value": "E"}
                | {"public": False, "created_at": moment()}
                for i in praise
            ],
        )
        recipients = [{"commendation_id": i, "staff_id": person()} for i in praise]
        total += _bulk(db, CommendationRecipient, recipients)
        feedback = new("f", PER_YEAR["feedback"])
        seen = {i: moment() for i in feedback}
        total += _bulk(
            db,
            Feedback,
            [
                {"id": i, "observer_id": person(), "observee_id": person(), "context": "lesson"}
                | {"observed_on": seen[i].date(), "context_detail": "", "standard_set": "teacher"}
                | {"strengths": "s", "development": "d", "next_steps": "n", "created_at": seen[i]}
                for i in feedback
            ],
        )
        total += _bulk(
            db,
            FeedbackStandard,
            [
                {"feedback_id": i, "position": p, "code": code, "rating": "G"}
                for i in feedback
                for p, code in ((1, "ES1"), (2, "QC3"))
            ],
        )
        visits = new("v", PER_YEAR["visits"])
        total += _bulk(
            db,
            Visit,
            [
                {"id": i, "observer_id": person(), "observee_id": person()}
                | {"visited_on": (day := seen[feedback[n]].date()), "verbal_due": day}
                | {"written_due": day, "written_feedback_id": feedback[n]}
                | {"created_at": seen[feedback[n]]}
                for n, i in enumerate(visits)
            ],
        )
        projects = new("p", PER_YEAR["projects"])
        total += _bulk(
            db,
            StarProject,
            [
                {"id": i, "owner_id": (i - 1) % STAFF + 1, "academic_year": year, "title": "T"}
                | {"question": "q", "beneficiaries": "b", "kpi_name": "k", "kpi_unit": "%"}
                | {"higher_is_better": True, "kpi_method": "m", "planned_start": begins.date()}
                | {"planned_end": begins.date(), "stage": 3, "learned": ""}
                | {"created_at": begins, "updated_at": begins}
                for i in projects
            ],
        )
        total += _bulk(
            db,
            StarMeasurement,
            [
                {"id": m, "project_id": i, "kind": "baseline", "value": 50.0}
                | {"measured_on": begins.date(), "created_at": begins}
                for m, i in zip(new("m", len(projects)), projects, strict=True)
            ],
        )
        total += _bulk(
            db,
            StarNote,
            [{"project_id": i, "stage": 1, "text": "note", "created_at": begins} for i in projects],
        )
        total += _bulk(
            db,
            LadderSheet,
            [
                {"id": ids["s"] + n + 1, "staff_id": n % STAFF + 1, "academic_year": year}
                | {"checkpoint": ("sep", "mid", "jul")[n // STAFF], "level_reached": 3}
                | {"created_at": begins, "updated_at": begins}
                for n in range(PER_YEAR["sheets"])
            ],
        )
        ids["s"] += PER_YEAR["sheets"]
        total += _bulk(
            db,
            OutboxMessage,
            [
                {"key": f"m:{first}:{n}", "channel": f"U{person():06d}", "payload": {}}
                | {"status": "sent", "attempts": 1, "next_attempt_at": (at := moment())}
                | {"sent_at": at, "slack_ts": "1.1", "created_at": at}
                for n in range(PER_YEAR["messages"])
            ],
        )
        total += _bulk(
            db,
            AuditEvent,
            [
                {"at": moment(), "actor": f"s{person()}@trust.example", "action": "view.ladder"}
                | {"subject": f"s{person()}@trust.example", "detail": ""}
                for _ in range(PER_YEAR["audit"])
            ],
        )
    return total


if __name__ == "__main__":
    main()
