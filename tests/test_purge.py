"""Retention (issue #13): `staffroom purge` on eight academic years of records.

With the default six years, a record of 2026-27 is kept until 2033-34 begins (1
September 2033, in the trust's time zone), then deleted, its count kept anonymously by
year, school and kind. Messages Slack already has keep no words.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot.admin.purge import purge
from bot.cli import main
from bot.runtime.deps import utc_now
from storage.models import (
    AuditEvent,
    Commendation,
    CommendationRecipient,
    Feedback,
    FeedbackContext,
    FeedbackStandard,
    LadderSheet,
    LeaderScope,
    LeadershipTraining,
    MeasurementKind,
    Objective,
    ObjectiveReview,
    ObjectiveSet,
    ObjectiveStatus,
    OutboxMessage,
    OutboxStatus,
    Staff,
    StarMeasurement,
    StarNote,
    StarProject,
    Visit,
)
from storage.retention import purged_counts
from tests.conftest import LONDON
from tests.factories import add_staff, ladder_sheet

YEARS = range(2026, 2034)  # 2026-27 … 2033-34: eight academic years
KINDS = (
    "commendation",
    "feedback",
    "ladder_sheet",
    "leadership_training",
    "objectives",
    "star_project",
    "visit",
)


def _label(first: int) -> str:
    return f"{first}-{(first + 1) % 100:02d}"


def _moment(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON).astimezone(UTC)


class Trust:
    """Two schools; in each academic year, one of every record at each."""

    def __init__(self, db) -> None:
        self.db = db
        self.head = add_staff(db, "Hannah", slack_user_id="UHEAD", leader=LeaderScope.TRUST)
        self.amir = add_staff(db, "Amir", slack_user_id="UAMIR", appraiser=self.head)
        self.bob = add_staff(db, "Bob", slack_user_id="UBOB", appraiser=self.amir)
        self.tess = add_staff(db, "Tess", slack_user_id="UTESS", school="Tamar Academy")
        self.left_early = add_staff(db, "Lee", slack_user_id=None, active=False)
        self.left_late = add_staff(db, "Laura", slack_user_id=None, active=False)
        with db.session() as session:
            for person, when in ((self.left_early, 2026), (self.left_late, 2028)):
                row = session.get(Staff, person.id)
                row.updated_at = _moment(date(when, 12, 1))
                session.add(row)
        for first in YEARS:
            for observer, observee in ((self.amir, self.bob), (self.bob, self.tess)):
                self.year_of_records(first, observer, observee)

    def year_of_records(self, first: int, observer: Staff, observee: Staff) -> None:
        day = date(first, 11, 16)
        at = _moment(day)
        with self.db.session() as session:
            praise = Commendation(author_id=observer.id, message=f"Thanks {first}", created_at=at)
            feedback = Feedback(
                observer_id=observer.id,
                observee_id=observee.id,
                observed_on=day,
                context=FeedbackContext.LESSON,
                standard_set="teacher",
                strengths=f"Strong start {first}",
                created_at=at,
            )
            project = StarProject(
                owner_id=observee.id,
                academic_year=_label(first),
                title=f"Project {first}",
                kpi_name="homework",
                higher_is_better=True,
                planned_start=day,
                planned_end=day + timedelta(days=90),
                created_at=at,
                updated_at=at,
            )
            objectives = ObjectiveSet(
                staff_id=observee.id,
                academic_year=_label(first),
                target_level=3,
                talk_comment=f"Talk {first}",
                created_at=at,
                updated_at=at,
            )
            session.add_all([praise, feedback, project, objectives])
            session.flush()
            session.add_all(
                [
                    CommendationRecipient(commendation_id=praise.id, staff_id=observee.id),
                    FeedbackStandard(feedback_id=feedback.id, position=1, code="ES1", rating="G"),
                    Visit(
                        observer_id=observer.id,
                        observee_id=observee.id,
                        visited_on=day,
                        verbal_due=day + timedelta(days=7),
                        written_due=day + timedelta(days=14),
                        written_feedback_id=feedback.id,
                        created_at=at,
                    ),
                    ladder_sheet(
                        staff_id=observee.id, academic_year=_label(first), level_reached=2, at=at
                    ),
                    StarMeasurement(
                        project_id=project.id,
                        kind=MeasurementKind.BASELINE,
                        value=50,
                        measured_on=day,
                        created_at=at,
                    ),
                    StarNote(project_id=project.id, stage=1, text=f"Note {first}", created_at=at),
                    *(
                        Objective(set_id=objectives.id, number=n, text=f"Aim {n} {first}")
                        for n in (1, 2, 3)
                    ),
                    ObjectiveReview(
                        set_id=objectives.id,
                        number=1,
                        checkpoint="mid",
                        status=ObjectiveStatus.ON_TRACK,
                        comment=f"Going well {first}",
                        reviewed_by=observer.id,
                        reviewed_at=at,
                    ),
                    LeadershipTraining(
                        staff_id=observee.id,
                        title=f"NPQ {first}",
                        taken_on=day,
                        learned=f"Coaching {first}",
                        created_at=at,
                    ),
                    OutboxMessage(
                        key=f"praise:{praise.id}",
                        channel=observee.slack_user_id or "",
                        payload={"text": f"Thanks {first}"},
                        status=OutboxStatus.FAILED,
                        next_attempt_at=at,
                        created_at=at,
                    ),
                    AuditEvent(
                        at=at, actor=observer.email, action="view.ladder", subject=observee.email
                    ),
                ]
            )

    def commend_at(self, moment: datetime, words: str) -> None:
        with self.db.session() as session:
            session.add(Commendation(author_id=self.amir.id, message=words, created_at=moment))

    def years_left(self, table) -> list[str]:
        with self.db.read_session() as session:
            rows = session.exec(select(table)).all()
        if table in (LadderSheet, StarProject, ObjectiveSet):
            return sorted({r.academic_year for r in rows})
        field = {Feedback: "observed_on", Visit: "visited_on", LeadershipTraining: "taken_on"}.get(
            table
        )
        if field:
            return sorted({_label(_first(getattr(r, field))) for r in rows})
        moment = "at" if table is AuditEvent else "created_at"
        return sorted({_label(_first(getattr(r, moment).astimezone(LONDON).date())) for r in rows})


def _first(day: date) -> int:
    return day.year if day.month >= 9 else day.year - 1


@pytest.fixture
def trust(database):
    return Trust(database)


def _purge(deps, at: datetime, dry_run: bool = False):
    return purge(
        db=deps.db, framework=deps.framework, calendar=deps.calendar, now=at, dry_run=dry_run
    )


ALL = [_label(y) for y in YEARS]
START_OF_2033_34 = datetime(2033, 9, 1, 0, 10, tzinfo=LONDON)


def test_nothing_goes_before_its_six_years_are_up(deps, trust):
    report = _purge(deps, datetime(2033, 8, 31, 23, 50, tzinfo=LONDON))
    assert report.first_year_kept == "2026-27"
    assert not report.anything
    for table in (Commendation, Feedback, Visit, LadderSheet, StarProject, OutboxMessage):
        assert trust.years_left(table) == ALL


def test_a_dry_run_counts_and_deletes_nothing(deps, trust):
    before = deps.db.row_counts()
    report = _purge(deps, START_OF_2033_34, dry_run=True)
    assert report.dry_run and report.deleted == {kind: 2 for kind in sorted(KINDS, key=_order)}
    assert deps.db.row_counts() == before


def _order(kind: str) -> int:
    return [
        "commendation",
        "visit",
        "feedback",
        "ladder_sheet",
        "star_project",
        "objectives",
        "leadership_training",
    ].index(kind)


def test_the_oldest_year_goes_when_the_seventh_begins_and_its_counts_stay(deps, trust):
    # The last hour of 2026-27 and the first of 2027-28, as London counts them.
    trust.commend_at(datetime(2027, 8, 31, 23, 30, tzinfo=LONDON), "late in 2026-27")
    trust.commend_at(datetime(2027, 9, 1, 0, 30, tzinfo=LONDON), "early in 2027-28")

    report = _purge(deps, START_OF_2033_34)

    assert report.first_year_kept == "2027-28"
    assert report.deleted == {
        "commendation": 3,
        "visit": 2,
        "feedback": 2,
        "ladder_sheet": 2,
        "star_project": 2,
        "objectives": 2,
        "leadership_training": 2,
    }
    assert (report.messages, report.audit_events, report.people) == (2, 2, 1)
    for table in (
        Commendation,
        Feedback,
        Visit,
        LadderSheet,
        StarProject,
        ObjectiveSet,
        LeadershipTraining,
        OutboxMessage,
    ):
        assert trust.years_left(table) == ALL[1:], table
    assert trust.years_left(AuditEvent) == ALL[1:]
    with deps.db.read_session() as session:
        words = {c.message for c in session.exec(select(Commendation)).all()}
        assert "early in 2027-28" in words and "late in 2026-27" not in words
        assert {n.text for n in session.exec(select(StarNote)).all()} == {
            f"Note {y}" for y in YEARS[1:]
        }
        assert len(session.exec(select(StarMeasurement)).all()) == 2 * 7
        assert len(session.exec(select(FeedbackStandard)).all()) == 2 * 7
        assert len(session.exec(select(CommendationRecipient)).all()) == 2 * 7
        assert {o.text for o in session.exec(select(Objective)).all()} == {
            f"Aim {n} {y}" for n in (1, 2, 3) for y in YEARS[1:]
        }
        assert {r.comment for r in session.exec(select(ObjectiveReview)).all()} == {
            f"Going well {y}" for y in YEARS[1:]
        }
        counts = [
            (c.academic_year, c.school, c.record, c.count) for c in purged_counts(session=session)
        ]
        lee = session.get(Staff, trust.left_early.id)
        laura = session.get(Staff, trust.left_late.id)
    assert counts == [
        ("2026-27", "Saltash Primary", "commendation", 3),
        ("2026-27", "Saltash Primary", "feedback", 1),
        ("2026-27", "Saltash Primary", "ladder_sheet", 1),
        ("2026-27", "Saltash Primary", "leadership_training", 1),
        ("2026-27", "Saltash Primary", "objectives", 1),
        ("2026-27", "Saltash Primary", "star_project", 1),
        ("2026-27", "Saltash Primary", "visit", 1),
        ("2026-27", "Tamar Academy", "feedback", 1),
        ("2026-27", "Tamar Academy", "ladder_sheet", 1),
        ("2026-27", "Tamar Academy", "leadership_training", 1),
        ("2026-27", "Tamar Academy", "objectives", 1),
        ("2026-27", "Tamar Academy", "star_project", 1),
        ("2026-27", "Tamar Academy", "visit", 1),
    ]
    assert (lee.name, lee.email) == ("(erased)", f"erased-{lee.id}@erased.invalid")
    assert laura.name == "Laura"  # left in 2028-29: kept with that year's records

    again = _purge(deps, START_OF_2033_34 + timedelta(days=1))
    assert not again.anything
    trust.commend_at(datetime(2026, 12, 1, 9, 0, tzinfo=LONDON), "restored from a backup")
    assert _purge(deps, START_OF_2033_34 + timedelta(days=2)).deleted["commendation"] == 1
    with deps.db.read_session() as session:
        (count,) = [c.count for c in purged_counts(session=session) if c.record == "commendation"]
    assert count == 4  # added to 2026-27's three
    next_year = _purge(deps, datetime(2034, 9, 10, 9, 0, tzinfo=LONDON))
    assert next_year.deleted["commendation"] == 3  # 2027-28's two, and its first hour's
    assert trust.years_left(Commendation) == ALL[2:]
    with deps.db.read_session() as session:
        years = sorted({c.academic_year for c in purged_counts(session=session)})
    assert years == ["2026-27", "2027-28"]


def test_a_sent_message_keeps_only_that_it_was_sent(deps, trust, slack, fake_slack):
    slack.command("/commend", "<@UBOB|bob> thank you for the cover", user_id="UAMIR")
    slack.drain()
    with deps.db.read_session() as session:
        sent = session.exec(select(OutboxMessage).where(OutboxMessage.status == "sent")).all()
    assert len(sent) == 2 and all(m.payload == {} for m in sent)  # to Bob, and to Amir
    assert all(m.slack_ts and m.sent_at and m.key for m in sent)
    assert "thank you for the cover" in json.dumps(fake_slack.messages_to("UBOB"))

    with deps.db.session() as session:  # one sent by an older version, words and all
        session.add(
            OutboxMessage(
                key="old:1",
                channel="UBOB",
                payload={"text": "kept words", "chart_png_base64": "iVBOR"},
                status=OutboxStatus.SENT,
                next_attempt_at=utc_now(),
                sent_at=utc_now(),
                slack_ts="1.2",
                created_at=utc_now(),
            )
        )
    assert _purge(deps, datetime(2030, 1, 6, 9, 0, tzinfo=LONDON)).texts_dropped == 1
    with deps.db.read_session() as session:
        old = session.exec(select(OutboxMessage).where(OutboxMessage.key == "old:1")).one()
    assert (old.payload, old.status, old.slack_ts) == ({}, OutboxStatus.SENT, "1.2")


def test_staffroom_purge_from_the_command_line(deps, monkeypatch, capsys):
    """Against the real clock: records eight years old go, last year's stay."""
    monkeypatch.setenv("DATABASE_URL", deps.db.url)
    trust = Trust.__new__(Trust)
    trust.db = deps.db
    trust.amir = add_staff(deps.db, "Amir", slack_user_id="UAMIR")
    trust.bob = add_staff(deps.db, "Bob", slack_user_id="UBOB", appraiser=trust.amir)
    this_year = _first(utc_now().astimezone(LONDON).date())
    for first in (this_year - 8, this_year - 1):
        trust.year_of_records(first, trust.amir, trust.bob)

    assert main(["purge", "--dry-run"]) == 0
    dry = capsys.readouterr().out
    assert dry.startswith(
        f"would delete the records of academic years before {_label(this_year - 6)}"
    )
    assert "1 commendation(s), 1 visit(s), 1 feedback(s)" in dry
    assert trust.years_left(Commendation) == [_label(this_year - 8), _label(this_year - 1)]

    assert main(["purge"]) == 0
    done = capsys.readouterr().out
    assert done.startswith("deleted the records of academic years before")
    assert trust.years_left(Commendation) == [_label(this_year - 1)]
    assert main(["audit"]) == 0
    actions = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(a["action"], a["detail"][:8]) for a in actions[-2:]] == [
        ("admin.purge", "dry run,"),
        ("admin.purge", "before 2"),
    ]


def test_the_scheduler_purges_daily_at_half_past_two(deps, trust):
    from bot.runtime.scheduler import start_scheduler
    from bot.runtime.slack_client import make_client

    deps.clock.now = START_OF_2033_34
    scheduler = start_scheduler(deps, make_client(deps.settings))
    try:
        job = scheduler.get_job("purge")
        fields = {f.name: str(f) for f in job.trigger.fields}
        assert (fields["hour"], fields["minute"], str(job.trigger.timezone)) == (
            "2",
            "30",
            "Europe/London",
        )
        job.func()
    finally:
        scheduler.shutdown(wait=False)
    assert trust.years_left(Commendation) == ALL[1:]
    with deps.db.read_session() as session:
        (entry,) = session.exec(select(AuditEvent).where(AuditEvent.action == "admin.purge")).all()
    assert entry.actor.startswith("staffroom serve (") and entry.detail.startswith("before 2027-28")
