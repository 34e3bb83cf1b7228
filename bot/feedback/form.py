"""The feedback form, step by step: who and where, the standards, then the words.

Each step is checked as it is submitted; the last step validates everything again,
stores the feedback, completes the day's open lesson visit and queues the DMs in
one transaction (or, validate-only, checks and stores nothing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from bot.core.calendar import SchoolCalendar
from bot.core.errors import InvalidInput, NotAllowed, Problem, problem
from bot.core.framework import Framework
from bot.core.framework_parts import Standard, StandardSet
from bot.core.people import IsBot, active_appraiser, colleague, refreshed
from bot.core.usecase import UseCase
from bot.feedback.records import FeedbackRecord, record_of
from bot.feedback.rules import (
    CONTEXT,
    DETAIL,
    DEVELOPMENT,
    MAX_DETAIL,
    NEXT_STEPS,
    OBSERVED_ON,
    OBSERVEE,
    STRENGTHS,
    checked_standards,
    context_of,
    date_problem,
    rating_problems,
    refuse_if,
    standard_set_for,
    text_problems,
)
from bot.outbox.queue import Delivery, enqueue
from storage.db import Database
from storage.feedback import add_feedback, claim_visit, feedback_by_ids, open_visit_for, visit_by_id
from storage.models import Feedback, FeedbackContext, Staff, Visit


@dataclass(frozen=True)
class Subject:
    """Who was seen, when and where: the first part of the form."""

    observer: Staff
    observee_slack_id: str | None
    observed_on: date | None
    context: str | None
    context_detail: str = ""
    visit_id: int | None = None  # the lesson visit whose [Write feedback] opened the form


@dataclass(frozen=True)
class FeedbackRequest:
    subject: Subject
    standards: list[str]
    ratings: dict[str, str] = field(default_factory=dict)
    strengths: str = ""
    development: str = ""
    next_steps: str = ""


@dataclass(frozen=True)
class CheckedSubject:
    observer: Staff
    observee: Staff
    observed_on: date
    context: FeedbackContext
    standard_set_key: str
    standard_set: StandardSet
    visit: Visit | None = None  # the visit this writes up (its observee and day match)


@dataclass(frozen=True)
class StandardGroup:
    """Standards under one of the trust's values (label None: not under a value)."""

    label: str | None
    standards: list[Standard]


@dataclass(frozen=True)
class FeedbackOutcome:
    feedback_id: int
    visit_id: int | None
    outbox_ids: list[int]


def check_subject(
    *,
    db: Database,
    framework: Framework,
    calendar: SchoolCalendar,
    subject: Subject,
    now: datetime,
    is_bot: IsBot,
) -> CheckedSubject:
    """Step 1: a colleague, a day this academic year, where they were seen."""
    with db.read_session() as session:
        return _checked_subject(session, framework, calendar, subject, now, is_bot)


def standard_groups(standard_set: StandardSet) -> list[StandardGroup]:
    """Step 2 offers the set's standards under the headings the trust's document gives them."""
    groups: dict[str | None, list[Standard]] = {}
    for standard in standard_set.standards:
        groups.setdefault(standard.heading or None, []).append(standard)
    return [StandardGroup(label, standards) for label, standards in groups.items()]


@dataclass(frozen=True)
class RecordFeedback(UseCase[FeedbackOutcome]):
    """Step 3: validate, store, complete the day's open visit and queue the DMs."""

    db: Database
    framework: Framework
    calendar: SchoolCalendar
    request: FeedbackRequest
    now: datetime
    is_bot: IsBot

    def run(self, session: Session, *, write: bool) -> FeedbackOutcome | None:
        request, framework = self.request, self.framework
        checked = _checked_subject(
            session, framework, self.calendar, request.subject, self.now, self.is_bot
        )
        codes = checked_standards(checked.standard_set, request.standards)
        texts = {
            STRENGTHS: request.strengths,
            DEVELOPMENT: request.development,
            NEXT_STEPS: request.next_steps,
        }
        refuse_if(rating_problems(framework, codes, request.ratings) | text_problems(texts))
        if not write:
            return None
        return _record(session, framework, self.calendar, checked, codes, request, self.now)


def visit_written(session: Session, calendar: SchoolCalendar, visit: Visit) -> NotAllowed:
    """The refusal for a visit whose written feedback is already stored, saying when."""
    assert visit.written_feedback_id is not None
    written = feedback_by_ids(session=session, ids=[visit.written_feedback_id])
    feedback = written.get(visit.written_feedback_id)
    on = calendar.today(feedback.created_at) if feedback else None
    return NotAllowed(problem("feedback.visit_written", on=on))


def _record(
    session: Session,
    framework: Framework,
    calendar: SchoolCalendar,
    checked: CheckedSubject,
    codes: list[str],
    request: FeedbackRequest,
    now: datetime,
) -> FeedbackOutcome:
    assert checked.observer.id is not None and checked.observee.id is not None
    feedback = add_feedback(
        session=session,
        feedback=Feedback(
            observer_id=checked.observer.id,
            observee_id=checked.observee.id,
            observed_on=checked.observed_on,
            context=checked.context,
            context_detail=request.subject.context_detail.strip(),
            standard_set=checked.standard_set_key,
            strengths=request.strengths.strip(),
            development=request.development.strip(),
            next_steps=request.next_steps.strip(),
            created_at=now,
        ),
        standards=[(code, request.ratings.get(code) or None) for code in codes],
    )
    assert feedback.id is not None
    visit = checked.visit or open_visit_for(
        session=session,
        observer_id=checked.observer.id,
        observee_id=checked.observee.id,
        visited_on=checked.observed_on,
    )
    if visit is not None:
        assert visit.id is not None
        if not claim_visit(session=session, visit_id=visit.id, feedback_id=feedback.id):
            if checked.visit is not None:  # another form for this visit was sent first
                raise visit_written(
                    session, calendar, visit_by_id(session=session, visit_id=visit.id) or visit
                )
            visit = None
    record = record_of(session, framework, feedback)
    appraiser = active_appraiser(session, checked.observee)
    deliveries = _deliveries(record, checked, appraiser, visit)
    return FeedbackOutcome(
        feedback_id=feedback.id,
        visit_id=visit.id if visit else None,
        outbox_ids=enqueue(session=session, deliveries=deliveries, now=now),
    )


def _checked_subject(
    session: Session,
    framework: Framework,
    calendar: SchoolCalendar,
    subject: Subject,
    now: datetime,
    is_bot: IsBot,
) -> CheckedSubject:
    observer = refreshed(session, subject.observer)
    errors: dict[str, Problem] = {}
    observee: Staff | None = None
    try:
        observee = colleague(
            session,
            subject.observee_slack_id,
            observer,
            is_bot,
            field=OBSERVEE,
            purpose="feedback",
        )
    except InvalidInput as error:
        errors.update(error.problems)
    date_error = date_problem(subject.observed_on, calendar.today(now), "feedback")
    if date_error:
        errors[OBSERVED_ON] = date_error
    context = context_of(subject.context)
    if context is None:
        errors[CONTEXT] = problem("feedback.no_context")
    if len(subject.context_detail.strip()) > MAX_DETAIL:
        errors[DETAIL] = problem("feedback.detail_too_long", limit=MAX_DETAIL)
    refuse_if(errors)
    assert observee is not None and subject.observed_on is not None and context is not None
    visit = _visit_written_up(session, calendar, subject, observer, observee)
    key = standard_set_for(framework, observee, context)
    return CheckedSubject(
        observer=observer,
        observee=observee,
        observed_on=subject.observed_on,
        context=context,
        standard_set_key=key,
        standard_set=framework.standard_sets[key],
        visit=visit,
    )


def _visit_written_up(
    session: Session, calendar: SchoolCalendar, subject: Subject, observer: Staff, observee: Staff
) -> Visit | None:
    """The visit the form was opened for, when it is still the visit written about (same
    observer, colleague and day); refused once its written feedback is stored."""
    if subject.visit_id is None:
        return None
    visit = visit_by_id(session=session, visit_id=subject.visit_id)
    if (
        visit is None
        or visit.observer_id != observer.id
        or visit.observee_id != observee.id
        or visit.visited_on != subject.observed_on
    ):
        return None
    if visit.written_feedback_id is not None:
        raise visit_written(session, calendar, visit)
    return visit


def _deliveries(
    record: FeedbackRecord, checked: CheckedSubject, appraiser: Staff | None, visit: Visit | None
) -> list[Delivery]:
    key = f"feedback:{record.feedback_id}"
    context = {"feedback": record, "completes_visit": visit is not None}
    deliveries = []
    if checked.observee.slack_user_id:
        deliveries.append(
            Delivery(f"{key}:to", checked.observee.slack_user_id, "feedback_received", context)
        )
    copied = (
        appraiser is not None
        and appraiser.slack_user_id is not None
        and appraiser.id != checked.observer.id  # the author is not sent a copy of their own
    )
    if copied:
        assert appraiser is not None and appraiser.slack_user_id is not None
        deliveries.append(
            Delivery(
                f"{key}:copy:{appraiser.id}", appraiser.slack_user_id, "feedback_copy", context
            )
        )
    if checked.observer.slack_user_id:
        confirmation = {**context, "appraiser_copied": copied}
        deliveries.append(
            Delivery(
                f"{key}:confirm",
                checked.observer.slack_user_id,
                "feedback_confirmation",
                confirmation,
            )
        )
    return deliveries
