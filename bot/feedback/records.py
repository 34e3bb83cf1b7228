"""Feedback as people are shown it, and who may see it (bot.core.visibility)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.core.errors import NotAllowed, problem
from bot.core.framework import Framework
from bot.core.framework_parts import StandardSet
from bot.core.people import mention
from bot.core.visibility import can_see
from storage.db import Database
from storage.feedback import feedback_received, standards_of
from storage.models import Feedback, Staff
from storage.staff import staff_by_ids


@dataclass(frozen=True)
class StandardView:
    code: str
    name: str
    rating: str | None
    rating_name: str | None
    rating_meaning: str | None = None


@dataclass(frozen=True)
class FeedbackRecord:
    """A piece of feedback as people are shown it."""

    feedback_id: int
    observer: str  # Slack mentions, or escaped names
    observee: str
    observed_on: date
    context: str
    context_detail: str
    standards: list[StandardView]
    strengths: str
    development: str
    next_steps: str
    created_at: datetime


def feedback_about(
    *, db: Database, framework: Framework, viewer: Staff, subject: Staff
) -> list[FeedbackRecord]:
    """The feedback `subject` received that `viewer` may see (NotAllowed when none of it)."""
    assert subject.id is not None
    with db.read_session() as session:
        received = feedback_received(session=session, staff_id=subject.id)
        visible = [f for f in received if can_see(viewer, subject, author_id=f.observer_id)]
        if not visible and not can_see(viewer, subject):
            raise NotAllowed(problem("feedback.private"))
        return [record_of(session, framework, f) for f in visible]


def record_of(session: Session, framework: Framework, feedback: Feedback) -> FeedbackRecord:
    assert feedback.id is not None
    people = staff_by_ids(session=session, ids=[feedback.observer_id, feedback.observee_id])
    standard_set = framework.standard_sets.get(feedback.standard_set)
    ratings = {r.code: r for r in framework.ratings}
    return FeedbackRecord(
        feedback_id=feedback.id,
        observer=mention(people[feedback.observer_id]),
        observee=mention(people[feedback.observee_id]),
        observed_on=feedback.observed_on,
        context=feedback.context.value,
        context_detail=feedback.context_detail,
        standards=[
            StandardView(
                code=row.code,
                name=_standard_name(standard_set, row.code),
                rating=row.rating,
                rating_name=ratings[row.rating].name if row.rating in ratings else None,
                rating_meaning=ratings[row.rating].meaning if row.rating in ratings else None,
            )
            for row in standards_of(session=session, feedback_ids=[feedback.id])[feedback.id]
        ],
        strengths=feedback.strengths,
        development=feedback.development,
        next_steps=feedback.next_steps,
        created_at=feedback.created_at,
    )


def _standard_name(standard_set: StandardSet | None, code: str) -> str:
    standard = standard_set.get(code) if standard_set else None
    return standard.name if standard else code
