"""The tables. Times are UTC; the trust's time zone is applied when shown."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, Column, Index, Text, UniqueConstraint, false, text
from sqlalchemy import Enum as SAEnum
from sqlalchemy.types import JSON
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


def _utc(**kwargs: Any) -> Any:
    return Field(sa_column=Column(UTCDateTime(), **kwargs))


def _enum(enum: type[StrEnum], length: int) -> SAEnum:
    """Store an enum by its value ('pending'), as a plain string column."""
    return SAEnum(
        enum, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class Role(StrEnum):
    TEACHER = "teacher"
    TA = "ta"
    SUPPORT = "support"
    LEADER = "leader"
    GOVERNOR = "governor"


class LeaderScope(StrEnum):
    SCHOOL = "school"
    TRUST = "trust"


class Staff(SQLModel, table=True):
    """One person on the trust's roster, keyed by email."""

    __tablename__ = "staff"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=200)
    school: str = Field(max_length=200, index=True)
    role: Role = Field(sa_column=Column(_enum(Role, 20), nullable=False))
    grade: str = Field(default="", max_length=40)
    appraiser_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    leader: LeaderScope | None = Field(default=None, sa_column=Column(_enum(LeaderScope, 10)))
    slack_user_id: str | None = Field(default=None, max_length=40, unique=True, index=True)
    active: bool = Field(default=True)
    mute_nudges: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    # The standard set feedback on this person uses, when the roster chooses one (a key of
    # the framework's standard_sets); None: by grade, else by role.
    standards: str | None = Field(default=None, max_length=40)
    created_at: datetime = _utc(nullable=False)
    updated_at: datetime = _utc(nullable=False)


class Commendation(SQLModel, table=True):
    """Praise from one member of staff to one or more others (seed 001 §2.7)."""

    __tablename__ = "commendation"

    id: int | None = Field(default=None, primary_key=True)
    author_id: int = Field(foreign_key="staff.id", index=True)
    message: str = Field(sa_column=Column(Text, nullable=False))
    value: str | None = Field(default=None, max_length=20)
    public: bool = Field(default=False)
    created_at: datetime = _utc(nullable=False, index=True)


class CommendationRecipient(SQLModel, table=True):
    __tablename__ = "commendation_recipient"

    commendation_id: int = Field(foreign_key="commendation.id", primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", primary_key=True, index=True)


class OutboxStatus(StrEnum):
    PENDING = "pending"  # owed: sent when `next_attempt_at` comes
    SENDING = "sending"  # claimed by one sender (`claimed_by`), which alone may change it
    SENT = "sent"
    FAILED = "failed"  # given up (an error no retry can fix, or retried for the whole window)
    DROPPED = "dropped"  # no longer due when its moment came (the reason in `last_error`)


class OutboxMessage(SQLModel, table=True):
    """A message the app owes someone, keyed so that it exists (and is sent) once."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("key", name="uq_outbox_key"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200)
    channel: str = Field(max_length=80)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    status: OutboxStatus = Field(
        default=OutboxStatus.PENDING,
        sa_column=Column(_enum(OutboxStatus, 10), nullable=False),
    )
    attempts: int = Field(default=0)
    next_attempt_at: datetime = _utc(nullable=False)
    first_attempt_at: datetime | None = _utc(nullable=True)  # retries end a day after it
    # The sender holding the claim (one delivery run), when it claimed (wall clock), and
    # until when its lease holds on SQLite (PostgreSQL fences claims with a lock instead).
    claimed_at: datetime | None = _utc(nullable=True)
    claimed_by: str | None = Field(default=None, max_length=120)
    lease_until: datetime | None = _utc(nullable=True)
    # Set when an attempt ended without knowing whether Slack stored the message (a
    # timeout, a reset, a 5xx, a sender that died): the wall-clock time it started. The
    # conversation's history is searched for the key from then before posting again.
    maybe_sent_at: datetime | None = _utc(nullable=True)
    sent_at: datetime | None = _utc(nullable=True)
    last_error: str | None = Field(default=None, max_length=500)
    slack_ts: str | None = Field(default=None, max_length=40)
    created_at: datetime = _utc(nullable=False)


class FeedbackContext(StrEnum):
    LESSON = "lesson"
    MEETING = "meeting"
    DUTY = "duty"
    OTHER = "other"


class Feedback(SQLModel, table=True):
    """Informal feedback after seeing a colleague at work (seed 001 §6.25-7.2)."""

    __tablename__ = "feedback"

    id: int | None = Field(default=None, primary_key=True)
    observer_id: int = Field(foreign_key="staff.id", index=True)
    observee_id: int = Field(foreign_key="staff.id", index=True)
    observed_on: date = Field(index=True)
    context: FeedbackContext = Field(sa_column=Column(_enum(FeedbackContext, 10), nullable=False))
    context_detail: str = Field(default="", max_length=200)
    standard_set: str = Field(max_length=40)
    strengths: str = Field(default="", sa_column=Column(Text, nullable=False))
    development: str = Field(default="", sa_column=Column(Text, nullable=False))
    next_steps: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = _utc(nullable=False, index=True)


class FeedbackStandard(SQLModel, table=True):
    """One of the 1-4 standards a piece of feedback focused on, with its optional RAGG* rating."""

    __tablename__ = "feedback_standard"

    feedback_id: int = Field(foreign_key="feedback.id", primary_key=True)
    position: int = Field(primary_key=True)
    code: str = Field(max_length=10, index=True)
    rating: str | None = Field(default=None, max_length=3)


class Visit(SQLModel, table=True):
    """A formal lesson visit, with its verbal (5) and written (10 working days) deadlines."""

    __tablename__ = "visit"

    id: int | None = Field(default=None, primary_key=True)
    observer_id: int = Field(foreign_key="staff.id", index=True)
    observee_id: int = Field(foreign_key="staff.id", index=True)
    visited_on: date
    verbal_due: date
    written_due: date = Field(index=True)
    verbal_given_at: datetime | None = _utc(nullable=True)
    written_feedback_id: int | None = Field(default=None, foreign_key="feedback.id", unique=True)
    created_at: datetime = _utc(nullable=False)


class LadderSheet(SQLModel, table=True):
    """A person's ragging sheet at one checkpoint of one academic year.

    `held` is what the person answered for each statement, level by level (levels 1-8,
    in sheet order): true, false, or null when not asked. The colours follow from it
    by the sheet's rule (bot.ladder.rules); `level_reached` is kept too, for queries.
    """

    __tablename__ = "ladder_sheet"
    __table_args__ = (
        UniqueConstraint("staff_id", "academic_year", "checkpoint", name="uq_ladder_sheet"),
    )

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    academic_year: str = Field(max_length=7, index=True)
    checkpoint: str = Field(max_length=20)
    held: list[list[bool | None]] = Field(sa_column=Column(JSON, nullable=False))
    level_reached: int
    target_level: int | None = Field(default=None)
    created_at: datetime = _utc(nullable=False)
    updated_at: datetime = _utc(nullable=False)


class StarProject(SQLModel, table=True):
    """A yearly STAR project (Smart Tested Action Research; seed 000, Appraisal Objective 2)."""

    __tablename__ = "star_project"

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="staff.id", index=True)
    academic_year: str = Field(max_length=7, index=True)
    title: str = Field(max_length=150)
    question: str = Field(default="", sa_column=Column(Text, nullable=False))
    beneficiaries: str = Field(default="", max_length=500)
    kpi_name: str = Field(max_length=150)
    kpi_unit: str = Field(default="", max_length=30)
    higher_is_better: bool
    kpi_method: str = Field(default="", sa_column=Column(Text, nullable=False))
    planned_start: date
    planned_end: date
    stage: int = Field(default=1)
    learned: str = Field(default="", sa_column=Column(Text, nullable=False))
    would_share: bool | None = Field(default=None)
    evaluation_submitted_at: datetime | None = _utc(nullable=True)
    evaluated_at: datetime | None = _utc(nullable=True)
    evaluated_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = _utc(nullable=False)
    updated_at: datetime = _utc(nullable=False)


class MeasurementKind(StrEnum):
    BASELINE = "baseline"
    INTERIM = "interim"
    FINAL = "final"


class StarMeasurement(SQLModel, table=True):
    """A KPI measurement; a project has at most one baseline and one final."""

    __tablename__ = "star_measurement"
    __table_args__ = (
        Index(
            "uq_star_measurement_once",
            "project_id",
            "kind",
            unique=True,
            sqlite_where=text("kind IN ('baseline', 'final')"),
            postgresql_where=text("kind IN ('baseline', 'final')"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="star_project.id", index=True)
    kind: MeasurementKind = Field(sa_column=Column(_enum(MeasurementKind, 10), nullable=False))
    value: float
    measured_on: date
    created_at: datetime = _utc(nullable=False)


class StarNote(SQLModel, table=True):
    """What the owner read, planned or saw happen, in their own words."""

    __tablename__ = "star_note"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="star_project.id", index=True)
    stage: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _utc(nullable=False)


class SummarySubscription(SQLModel, table=True):
    """A channel that gets a leader's summary every week (school None: the whole trust)."""

    __tablename__ = "summary_subscription"

    channel_id: str = Field(primary_key=True, max_length=40)
    school: str | None = Field(default=None, max_length=200)
    subscribed_by: int = Field(foreign_key="staff.id")
    created_at: datetime = _utc(nullable=False)


class HandledRequest(SQLModel, table=True):
    """A request from Slack whose work is done, by a key that names it once (a view's id,
    an event's id, a command's trigger id): a second copy of it does nothing."""

    __tablename__ = "handled_request"

    key: str = Field(primary_key=True, max_length=200)
    handled_at: datetime = _utc(nullable=False, index=True)


class ObjectiveSet(SQLModel, table=True):
    """A person's three appraisal objectives for one academic year (seed 000, "Our
    appraisal categories"), as written by them and agreed by their appraiser.

    `version` goes up with every change the person makes, so that an appraiser's
    "agree" button (which carries the version it was sent with) agrees only what
    the appraiser saw: a compare-and-set on it.
    """

    __tablename__ = "objective_set"
    __table_args__ = (UniqueConstraint("staff_id", "academic_year", name="uq_objective_set"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    academic_year: str = Field(max_length=7, index=True)
    version: int = Field(default=1)
    target_level: int | None = Field(default=None)  # objective 3: the level aimed for by July
    agreed_at: datetime | None = _utc(nullable=True)
    agreed_by: int | None = Field(default=None, foreign_key="staff.id")
    talk_comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    talk_requested_at: datetime | None = _utc(nullable=True)
    created_at: datetime = _utc(nullable=False)
    updated_at: datetime = _utc(nullable=False)


class Objective(SQLModel, table=True):
    """One of the three: 1 main role, 2 STAR project, 3 leadership."""

    __tablename__ = "objective"

    set_id: int = Field(foreign_key="objective_set.id", primary_key=True)
    number: int = Field(primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    standards: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class ObjectiveStatus(StrEnum):
    ON_TRACK = "on_track"
    NEEDS_SUPPORT = "needs_support"
    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"


class ObjectiveReview(SQLModel, table=True):
    """The appraiser's status and comment on one objective at one checkpoint."""

    __tablename__ = "objective_review"
    __table_args__ = (
        UniqueConstraint("set_id", "number", "checkpoint", name="uq_objective_review"),
    )

    id: int | None = Field(default=None, primary_key=True)
    set_id: int = Field(foreign_key="objective_set.id", index=True)
    number: int
    checkpoint: str = Field(max_length=20)
    status: ObjectiveStatus = Field(sa_column=Column(_enum(ObjectiveStatus, 20), nullable=False))
    comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    reviewed_by: int = Field(foreign_key="staff.id")
    reviewed_at: datetime = _utc(nullable=False)


class LeadershipTraining(SQLModel, table=True):
    """A leadership training write-up: what a person learned (seed 000, "Leadership training")."""

    __tablename__ = "leadership_training"

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    title: str = Field(max_length=150)
    taken_on: date
    learned: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _utc(nullable=False)


class SlackRate(SQLModel, table=True):
    """What the app has learned of Slack's rate limit for one Web API method, and the
    next moment a call may be made, shared by every process delivering (times are
    seconds since the epoch by the wall clock)."""

    __tablename__ = "slack_rate"

    method: str = Field(primary_key=True, max_length=60)
    interval: float  # seconds between calls now used
    floor: float = Field(default=0.0)  # the longest spacing Slack refused (too fast)
    ceiling: float | None = Field(default=None)  # the shortest spacing that held for a streak
    next_slot: float = Field(default=0.0)  # no call before this moment
    updated_at: datetime = _utc(nullable=False)


class AuditEvent(SQLModel, table=True):
    """Who looked at whose confidential record, and every admin command (bot.admin.audit).

    People are written by email, so the log reads the same after the roster changes;
    it holds no record text.
    """

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _utc(nullable=False, index=True)
    actor: str = Field(max_length=254)  # a member of staff's email, or the command line's user
    action: str = Field(max_length=40)
    subject: str | None = Field(default=None, max_length=254, index=True)  # whose record
    detail: str = Field(default="", max_length=200)  # counts and options, never record text


class PurgedCount(SQLModel, table=True):
    """How many records of a kind a school had in an academic year that `staffroom purge`
    has since deleted: the anonymous counts that outlive the retention period."""

    __tablename__ = "purged_count"

    academic_year: str = Field(primary_key=True, max_length=7)
    school: str = Field(primary_key=True, max_length=200)
    record: str = Field(primary_key=True, max_length=30)  # commendation, feedback, visit …
    count: int = Field(default=0)
