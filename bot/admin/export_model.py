"""The export's shape (docs/export.md) as typed models: other tools rely on it, so it is
published as a JSON Schema (docs/export.schema.json) that a test keeps in step."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

# ISO 8601 with the offset written out (2026-11-23T10:30:00+00:00), as the contract shows.
Moment = Annotated[
    datetime,
    PlainSerializer(lambda moment: moment.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]


class _Shape(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class StaffRecord(_Shape):
    email: str
    name: str
    school: str
    role: str
    grade: str
    appraiser_email: str | None
    slack_user_id: str | None
    standards: str | None  # the roster's choice of standard set, if it overrides grade and role
    leader: Literal["school", "trust"] | None
    active: bool
    reminders_muted: bool
    created_at: Moment
    updated_at: Moment


class Commendation(_Shape):
    message: str
    value: str | None
    public: bool
    created_at: Moment


class CommendationGiven(Commendation):
    to: str | None


class CommendationReceived(Commendation):
    from_: str | None = Field(alias="from")


class Feedback(_Shape):
    observed_on: date
    context: str
    context_detail: str
    standard_set: str
    standards: list[str]
    ratings: dict[str, str]
    strengths: str
    development: str
    next_steps: str
    created_at: Moment


class FeedbackGiven(Feedback):
    observee: str | None


class FeedbackReceived(Feedback):
    observer: str | None


class VisitRecord(_Shape):
    observer: str | None
    observee: str | None
    visited_on: date
    verbal_due: date
    written_due: date
    verbal_given_at: Moment | None
    written_feedback_at: Moment | None
    created_at: Moment


class Kpi(_Shape):
    name: str
    unit: str
    higher_is_better: bool
    method: str


class Measurement(_Shape):
    kind: Literal["baseline", "interim", "final"]
    value: float
    measured_on: date
    recorded_at: Moment


class StarNoteRecord(_Shape):
    stage: int
    text: str
    created_at: Moment


class StarProjectRecord(_Shape):
    academic_year: str
    title: str
    stage: int
    kpi: Kpi
    measurements: list[Measurement]
    evaluated: bool
    question: str
    beneficiaries: str
    planned_start: date
    planned_end: date
    notes: list[StarNoteRecord]
    learned: str
    would_share: bool | None
    evaluation_submitted_at: Moment | None
    evaluated_at: Moment | None
    evaluated_by: str | None
    created_at: Moment
    updated_at: Moment


class Statement(_Shape):
    level: int
    index: int
    text: str
    held: bool | None  # what the person answered; None: not asked
    rag: Literal["green", "amber", "blank"]


class LadderRecord(_Shape):
    academic_year: str
    checkpoint: str
    target_level: int | None
    level_reached: int
    expected_level: int | None
    statements: list[Statement]
    created_at: Moment
    updated_at: Moment


class MessageCopy(_Shape):
    """A message the app queued for the person, as it keeps it: its text and blocks until
    Slack has it (or it was dropped), then only that it was sent (key, status, times,
    Slack's ts). A message about someone else's record (an appraiser's copy of an
    appraisee's feedback) is listed without its words: they are that person's data."""

    key: str
    channel: str
    status: Literal["pending", "sending", "sent", "failed", "dropped"]
    text: str | None
    blocks: list[dict[str, object]] | None
    attempts: int
    last_error: str | None
    created_at: Moment
    sent_at: Moment | None
    slack_ts: str | None


class SubscriptionRecord(_Shape):
    """A channel the person subscribed to the weekly summary."""

    channel_id: str
    school: str | None
    created_at: Moment


class AuditRecord(_Shape):
    """An audit log entry by or about the person (`staffroom audit`)."""

    at: Moment
    who: str
    action: str
    whose: str | None
    detail: str


class ObjectiveReviewRecord(_Shape):
    checkpoint: str
    status: Literal["on_track", "needs_support", "met", "partly_met", "not_met"]
    comment: str
    reviewed_by: str | None
    reviewed_at: Moment


class ObjectiveRecord(_Shape):
    """One of the year's three objectives (1 main role, 2 STAR, 3 leadership)."""

    academic_year: str
    number: Literal[1, 2, 3]
    text: str
    standards: list[str]
    # objective 3's target ladder level (None on 1 and 2, and in a trust without a ladder)
    target_level: int | None
    agreed_at: Moment | None
    agreed_by: str | None
    talk_comment: str  # the appraiser's "let's talk first", while not agreed
    talk_requested_at: Moment | None
    reviews: list[ObjectiveReviewRecord]
    created_at: Moment  # when the year's objectives were first written
    updated_at: Moment  # and last changed


class LeadershipTrainingRecord(_Shape):
    title: str
    taken_on: date
    learned: str
    created_at: Moment


class PersonExport(_Shape):
    """A person's whole record: the answer to a data-subject access request."""

    staff: StaffRecord
    commendations_given: list[CommendationGiven]
    commendations_received: list[CommendationReceived]
    feedback_given: list[FeedbackGiven]
    feedback_received: list[FeedbackReceived]
    visits: list[VisitRecord]
    star_projects: list[StarProjectRecord]
    ladder: list[LadderRecord]
    objectives: list[ObjectiveRecord]
    leadership_training: list[LeadershipTrainingRecord]
    messages: list[MessageCopy]
    summary_subscriptions: list[SubscriptionRecord]
    audit: list[AuditRecord]

    def as_json(self) -> dict[str, object]:
        return self.model_dump(mode="json", by_alias=True)


def json_schema() -> dict[str, object]:
    """The export's JSON Schema, as published in docs/export.schema.json."""
    schema = PersonExport.model_json_schema(by_alias=True, mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "staffroom export"
    return schema


if __name__ == "__main__":  # python -m bot.admin.export_model > docs/export.schema.json
    import json

    print(json.dumps(json_schema(), indent=2, sort_keys=True))
