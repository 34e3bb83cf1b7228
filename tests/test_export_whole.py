"""The data-subject export is whole (issue #13): every column of every table is either in
the export, where this test says it is, or excluded here with its reason.

A table or column added later fails `test_every_column_is_exported_or_excluded` until
it is placed in one list or the other; `test_each_exported_column_is_where_it_is_said`
plants a distinct value in every exported column and finds it in the export.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import SQLModel

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
    StarMeasurement,
    StarNote,
    StarProject,
    SummarySubscription,
    Visit,
)
from tests.factories import add_staff, held_up_to

ID = "a row's own id: it means nothing outside this database"
LINK = "links the row to its parent, whose fields are exported in place"
SELF = "the person the export is about: every row here is theirs"

EXCLUDED = {
    "staff.id": ID,
    "commendation.id": ID,
    "commendation_recipient.commendation_id": LINK,
    "outbox.id": ID,
    "outbox.next_attempt_at": "when delivery is next tried: the app's schedule, not the person",
    "outbox.claimed_at": "when a process took the message to send: delivery machinery",
    "outbox.claimed_by": "which process was sending it (host and process id): machinery",
    "feedback.id": ID,
    "feedback_standard.feedback_id": LINK,
    "feedback_standard.position": "the order of the standards, which `standards` keeps",
    "visit.id": ID,
    "ladder_sheet.id": ID,
    "ladder_sheet.staff_id": SELF,
    "star_project.id": ID,
    "star_project.owner_id": SELF,
    "star_measurement.id": ID,
    "star_measurement.project_id": LINK,
    "star_note.id": ID,
    "star_note.project_id": LINK,
    "summary_subscription.subscribed_by": SELF,
    "audit_event.id": ID,
    "outbox.first_attempt_at": "when delivery was first tried: the retry window's start",
    "outbox.lease_until": "how long a sending process holds the message: machinery",
    "outbox.maybe_sent_at": "when an attempt's outcome was unknown: delivery machinery",
    **{
        f"slack_rate.{column}": "what the app learned of Slack's rate limit: about nobody"
        for column in ("method", "interval", "floor", "ceiling", "next_slot", "updated_at")
    },
    "handled_request.key": "the id Slack gave a request, kept so a retry of it does nothing",
    "handled_request.handled_at": "when that request was handled: machinery, about nobody",
    "objective_set.id": ID,
    "objective_set.staff_id": SELF,
    "objective_set.version": "counts the person's edits, so an agreement matches what was read",
    "objective.set_id": LINK,
    "objective_review.id": ID,
    "objective_review.set_id": LINK,
    "objective_review.number": "the objective the review is under, where it is exported",
    "leadership_training.id": ID,
    "leadership_training.staff_id": SELF,
    **{
        f"purged_count.{column}": "anonymous counts by year, school and kind: about nobody"
        for column in ("academic_year", "school", "record", "count")
    },
}

T = [datetime(2026, 10, d, 9, 0, tzinfo=UTC) for d in range(1, 32)]  # distinct moments


def _iso(moment: datetime) -> str:
    return moment.isoformat()


# column -> (where in Bob's export, the value planted there, as JSON has it)
EXPORTED: dict[str, tuple[str, object]] = {
    "staff.email": ("staff.email", "bob@school.example"),
    "staff.name": ("staff.name", "Bob Example"),
    "staff.school": ("staff.school", "Saltash Primary"),
    "staff.role": ("staff.role", "teacher"),
    "staff.grade": ("staff.grade", "UPS2"),
    "staff.appraiser_id": ("staff.appraiser_email", "amir@school.example"),
    "staff.leader": ("staff.leader", "school"),
    "staff.slack_user_id": ("staff.slack_user_id", "UBOB"),
    "staff.standards": ("staff.standards", "support"),
    "staff.active": ("staff.active", True),
    "staff.mute_nudges": ("staff.reminders_muted", True),
    "staff.created_at": ("staff.created_at", "2026-09-01T08:00:00+00:00"),
    "staff.updated_at": ("staff.updated_at", _iso(T[0])),
    "commendation.author_id": ("commendations_received.0.from", "alice@school.example"),
    "commendation.message": ("commendations_received.0.message", "Thanks for the trip"),
    "commendation.value": ("commendations_received.0.value", "Expect the best"),
    "commendation.public": ("commendations_received.0.public", True),
    "commendation.created_at": ("commendations_received.0.created_at", _iso(T[1])),
    "commendation_recipient.staff_id": ("commendations_given.0.to", "alice@school.example"),
    "outbox.key": ("messages.0.key", "commend:1:to"),
    "outbox.channel": ("messages.0.channel", "UBOB"),
    "outbox.payload": ("messages.0.text", "Alice commended you"),
    "outbox.status": ("messages.0.status", "failed"),
    "outbox.attempts": ("messages.0.attempts", 5),
    "outbox.last_error": ("messages.0.last_error", "user_disabled"),
    "outbox.sent_at": ("messages.1.sent_at", _iso(T[3])),
    "outbox.slack_ts": ("messages.1.slack_ts", "1790000000.000100"),
    "outbox.created_at": ("messages.0.created_at", _iso(T[2])),
    "feedback.observer_id": ("feedback_received.0.observer", "carol@school.example"),
    "feedback.observee_id": ("feedback_given.0.observee", "alice@school.example"),
    "feedback.observed_on": ("feedback_received.0.observed_on", "2026-10-05"),
    "feedback.context": ("feedback_received.0.context", "meeting"),
    "feedback.context_detail": ("feedback_received.0.context_detail", "Department meeting"),
    "feedback.standard_set": ("feedback_received.0.standard_set", "meetings"),
    "feedback.strengths": ("feedback_received.0.strengths", "Clear agenda"),
    "feedback.development": ("feedback_received.0.development", "Keep to time"),
    "feedback.next_steps": ("feedback_received.0.next_steps", "Share minutes"),
    "feedback.created_at": ("feedback_received.0.created_at", _iso(T[4])),
    "feedback_standard.code": ("feedback_received.0.standards", ["ES1", "QC3"]),
    "feedback_standard.rating": ("feedback_received.0.ratings", {"ES1": "A"}),
    "visit.observer_id": ("visits.0.observer", "amir@school.example"),
    "visit.observee_id": ("visits.0.observee", "bob@school.example"),
    "visit.visited_on": ("visits.0.visited_on", "2026-10-06"),
    "visit.verbal_due": ("visits.0.verbal_due", "2026-10-13"),
    "visit.written_due": ("visits.0.written_due", "2026-10-20"),
    "visit.verbal_given_at": ("visits.0.verbal_given_at", _iso(T[6])),
    "visit.written_feedback_id": ("visits.0.written_feedback_at", _iso(T[4])),
    "visit.created_at": ("visits.0.created_at", _iso(T[5])),
    "ladder_sheet.academic_year": ("ladder.0.academic_year", "2026-27"),
    "ladder_sheet.checkpoint": ("ladder.0.checkpoint", "sep"),
    # Level 1 held, level 2 not (its first statement is the sixth on the sheet).
    "ladder_sheet.held": ("ladder.0.statements.5.held", False),
    "ladder_sheet.level_reached": ("ladder.0.level_reached", 1),
    "ladder_sheet.target_level": ("ladder.0.target_level", 3),
    "ladder_sheet.created_at": ("ladder.0.created_at", _iso(T[7])),
    "ladder_sheet.updated_at": ("ladder.0.updated_at", _iso(T[8])),
    "star_project.academic_year": ("star_projects.0.academic_year", "2026-27"),
    "star_project.title": ("star_projects.0.title", "Homework club"),
    "star_project.question": ("star_projects.0.question", "Will a club help?"),
    "star_project.beneficiaries": ("star_projects.0.beneficiaries", "Y8 pupils"),
    "star_project.kpi_name": ("star_projects.0.kpi.name", "homework handed in"),
    "star_project.kpi_unit": ("star_projects.0.kpi.unit", "%"),
    "star_project.higher_is_better": ("star_projects.0.kpi.higher_is_better", False),
    "star_project.kpi_method": ("star_projects.0.kpi.method", "Friday register"),
    "star_project.planned_start": ("star_projects.0.planned_start", "2026-10-01"),
    "star_project.planned_end": ("star_projects.0.planned_end", "2027-02-01"),
    "star_project.stage": ("star_projects.0.stage", 5),
    "star_project.learned": ("star_projects.0.learned", "Reminders work"),
    "star_project.would_share": ("star_projects.0.would_share", False),
    "star_project.evaluation_submitted_at": (
        "star_projects.0.evaluation_submitted_at",
        _iso(T[9]),
    ),
    "star_project.evaluated_at": ("star_projects.0.evaluated_at", _iso(T[10])),
    "star_project.evaluated_by": ("star_projects.0.evaluated_by", "amir@school.example"),
    "star_project.created_at": ("star_projects.0.created_at", _iso(T[11])),
    "star_project.updated_at": ("star_projects.0.updated_at", _iso(T[12])),
    "star_measurement.kind": ("star_projects.0.measurements.0.kind", "baseline"),
    "star_measurement.value": ("star_projects.0.measurements.0.value", 62.5),
    "star_measurement.measured_on": ("star_projects.0.measurements.0.measured_on", "2026-10-02"),
    "star_measurement.created_at": ("star_projects.0.measurements.0.recorded_at", _iso(T[13])),
    "star_note.stage": ("star_projects.0.notes.0.stage", 2),
    "star_note.text": ("star_projects.0.notes.0.text", "Read the EEF guide"),
    "star_note.created_at": ("star_projects.0.notes.0.created_at", _iso(T[14])),
    "summary_subscription.channel_id": ("summary_subscriptions.0.channel_id", "C0STAFF"),
    "summary_subscription.school": ("summary_subscriptions.0.school", "Saltash Primary"),
    "summary_subscription.created_at": ("summary_subscriptions.0.created_at", _iso(T[15])),
    "audit_event.at": ("audit.0.at", _iso(T[16])),
    "audit_event.actor": ("audit.0.who", "amir@school.example"),
    "audit_event.action": ("audit.0.action", "view.ladder"),
    "audit_event.subject": ("audit.0.whose", "bob@school.example"),
    "audit_event.detail": ("audit.1.detail", "0 commendations"),
    # Last year's: this year's September sheet would set objective 3's target instead.
    "objective_set.academic_year": ("objectives.0.academic_year", "2025-26"),
    "objective_set.target_level": ("objectives.2.target_level", 4),
    "objective_set.agreed_at": ("objectives.0.agreed_at", _iso(T[18])),
    "objective_set.agreed_by": ("objectives.0.agreed_by", "amir@school.example"),
    "objective_set.talk_comment": ("objectives.0.talk_comment", "Can we talk about 3?"),
    "objective_set.talk_requested_at": ("objectives.0.talk_requested_at", _iso(T[19])),
    "objective_set.created_at": ("objectives.0.created_at", _iso(T[20])),
    "objective_set.updated_at": ("objectives.0.updated_at", _iso(T[21])),
    "objective.number": ("objectives.1.number", 2),
    "objective.text": ("objectives.1.text", "Run the homework club project"),
    "objective.standards": ("objectives.0.standards", ["TS1", "TS2"]),
    "objective_review.checkpoint": ("objectives.0.reviews.0.checkpoint", "mid"),
    "objective_review.status": ("objectives.0.reviews.0.status", "on_track"),
    "objective_review.comment": ("objectives.0.reviews.0.comment", "Good progress"),
    "objective_review.reviewed_by": ("objectives.0.reviews.0.reviewed_by", "amir@school.example"),
    "objective_review.reviewed_at": ("objectives.0.reviews.0.reviewed_at", _iso(T[22])),
    "leadership_training.title": ("leadership_training.0.title", "NPQSL module 1"),
    "leadership_training.taken_on": ("leadership_training.0.taken_on", "2026-10-09"),
    "leadership_training.learned": ("leadership_training.0.learned", "Coaching conversations"),
    "leadership_training.created_at": ("leadership_training.0.created_at", _iso(T[23])),
}


def test_every_column_is_exported_or_excluded():
    columns = {f"{t.name}.{c.name}" for t in SQLModel.metadata.sorted_tables for c in t.columns}
    unplaced = sorted(columns - set(EXPORTED) - set(EXCLUDED))
    assert unplaced == [], (
        "a column is neither in the data-subject export nor excluded with its reason: add it "
        "to bot.admin.export (and EXPORTED here), or to EXCLUDED with why it is not personal"
    )
    assert set(EXPORTED) & set(EXCLUDED) == set()
    assert sorted((set(EXPORTED) | set(EXCLUDED)) - columns) == []  # nothing stale


@pytest.fixture
def bob_everywhere(database):
    """Bob in every table, each column holding a value of its own."""
    amir = add_staff(database, "Amir", slack_user_id="UAMIR", grade="TLR2")
    alice = add_staff(database, "Alice", slack_user_id="UALICE")
    carol = add_staff(database, "Carol", slack_user_id="UCAROL")
    bob = add_staff(database, "Bob", slack_user_id="UBOB", appraiser=amir, grade="UPS2")
    with database.session() as session:
        bob = session.get(type(bob), bob.id)
        bob.name, bob.leader, bob.mute_nudges, bob.standards, bob.updated_at = (
            "Bob Example",
            LeaderScope.SCHOOL,
            True,
            "support",
            T[0],
        )
        praise = Commendation(
            author_id=alice.id,
            message="Thanks for the trip",
            value="E",
            public=True,
            created_at=T[1],
        )
        given = Commendation(author_id=bob.id, message="You too", created_at=T[1])
        session.add_all([praise, given])
        session.flush()
        session.add_all(
            [
                CommendationRecipient(commendation_id=praise.id, staff_id=bob.id),
                CommendationRecipient(commendation_id=given.id, staff_id=alice.id),
            ]
        )
        session.add_all(
            [
                OutboxMessage(
                    key="commend:1:to",
                    channel="UBOB",
                    payload={"text": "Alice commended you", "blocks": []},
                    status=OutboxStatus.FAILED,
                    attempts=5,
                    last_error="user_disabled",
                    next_attempt_at=T[2],
                    created_at=T[2],
                ),
                OutboxMessage(
                    key="nudge:sent",
                    channel="UBOB",
                    payload={},
                    status=OutboxStatus.SENT,
                    attempts=1,
                    next_attempt_at=T[3],
                    sent_at=T[3],
                    slack_ts="1790000000.000100",
                    created_at=T[3],
                ),
            ]
        )
        received = Feedback(
            observer_id=carol.id,
            observee_id=bob.id,
            observed_on=date(2026, 10, 5),
            context=FeedbackContext.MEETING,
            context_detail="Department meeting",
            standard_set="meetings",
            strengths="Clear agenda",
            development="Keep to time",
            next_steps="Share minutes",
            created_at=T[4],
        )
        feedback_given = Feedback(
            observer_id=bob.id,
            observee_id=alice.id,
            observed_on=date(2026, 10, 5),
            context=FeedbackContext.LESSON,
            standard_set="teacher",
            created_at=T[4],
        )
        session.add_all([received, feedback_given])
        session.flush()
        session.add_all(
            [
                FeedbackStandard(feedback_id=received.id, position=1, code="ES1", rating="A"),
                FeedbackStandard(feedback_id=received.id, position=2, code="QC3"),
                Visit(
                    observer_id=amir.id,
                    observee_id=bob.id,
                    visited_on=date(2026, 10, 6),
                    verbal_due=date(2026, 10, 13),
                    written_due=date(2026, 10, 20),
                    verbal_given_at=T[6],
                    written_feedback_id=received.id,
                    created_at=T[5],
                ),
                LadderSheet(
                    staff_id=bob.id,
                    academic_year="2026-27",
                    checkpoint="sep",
                    held=held_up_to(1),
                    level_reached=1,
                    target_level=3,
                    created_at=T[7],
                    updated_at=T[8],
                ),
            ]
        )
        project = StarProject(
            owner_id=bob.id,
            academic_year="2026-27",
            title="Homework club",
            question="Will a club help?",
            beneficiaries="Y8 pupils",
            kpi_name="homework handed in",
            kpi_unit="%",
            higher_is_better=False,
            kpi_method="Friday register",
            planned_start=date(2026, 10, 1),
            planned_end=date(2027, 2, 1),
            stage=5,
            learned="Reminders work",
            would_share=False,
            evaluation_submitted_at=T[9],
            evaluated_at=T[10],
            evaluated_by=amir.id,
            created_at=T[11],
            updated_at=T[12],
        )
        session.add(project)
        session.flush()
        session.add_all(
            [
                StarMeasurement(
                    project_id=project.id,
                    kind=MeasurementKind.BASELINE,
                    value=62.5,
                    measured_on=date(2026, 10, 2),
                    created_at=T[13],
                ),
                StarNote(
                    project_id=project.id, stage=2, text="Read the EEF guide", created_at=T[14]
                ),
                SummarySubscription(
                    channel_id="C0STAFF",
                    school="Saltash Primary",
                    subscribed_by=bob.id,
                    created_at=T[15],
                ),
                AuditEvent(
                    at=T[16],
                    actor="amir@school.example",
                    action="view.ladder",
                    subject="bob@school.example",
                ),
                AuditEvent(
                    at=T[17],
                    actor="root@server",
                    action="admin.erase",
                    subject="bob@school.example",
                    detail="0 commendations",
                ),
                LeadershipTraining(
                    staff_id=bob.id,
                    title="NPQSL module 1",
                    taken_on=date(2026, 10, 9),
                    learned="Coaching conversations",
                    created_at=T[23],
                ),
            ]
        )
        objectives = ObjectiveSet(
            staff_id=bob.id,
            academic_year="2025-26",
            version=3,
            target_level=4,
            agreed_at=T[18],
            agreed_by=amir.id,
            talk_comment="Can we talk about 3?",
            talk_requested_at=T[19],
            created_at=T[20],
            updated_at=T[21],
        )
        session.add(objectives)
        session.flush()
        session.add_all(
            [
                Objective(set_id=objectives.id, number=1, text="Teach", standards=["TS1", "TS2"]),
                Objective(set_id=objectives.id, number=2, text="Run the homework club project"),
                Objective(set_id=objectives.id, number=3, text="Lead", standards=[]),
                ObjectiveReview(
                    set_id=objectives.id,
                    number=1,
                    checkpoint="mid",
                    status=ObjectiveStatus.ON_TRACK,
                    comment="Good progress",
                    reviewed_by=amir.id,
                    reviewed_at=T[22],
                ),
            ]
        )


def _at(record: object, path: str) -> object:
    for step in path.split("."):
        record = record[int(step)] if isinstance(record, list) else record[step]  # type: ignore[index]
    return record


@pytest.mark.usefixtures("bob_everywhere")
def test_each_exported_column_is_where_it_is_said(export):
    record = export("bob@school.example")
    wrong = {
        column: (path, _at(record, path), planted)
        for column, (path, planted) in EXPORTED.items()
        if _at(record, path) != planted
    }
    assert wrong == {}
    (sheet,) = record["ladder"]
    assert [s["rag"] for s in sheet["statements"][:6]] == ["green"] * 5 + ["blank"]
    assert record["messages"][1]["text"] is None  # sent: only that it was sent is kept
