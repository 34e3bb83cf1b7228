"""Informal feedback and lesson visits (PRODUCT §2.3; seed 001 §6.25-7.4).

Feedback names 1-4 standards from the observee's standard set (by role, or the
meetings set for a meeting), an optional RAGG* rating for each, and strengths,
areas for development and next steps. A lesson visit starts two deadlines in
working days: verbal feedback within 5, written within 10. Written feedback
for the same observer, observee and day completes the visit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from sqlmodel import Session

from bot.core.calendar import AcademicYear, SchoolCalendar
from bot.core.errors import InvalidInput, NotAllowed
from bot.core.framework import Framework, StandardSet
from bot.core.people import IsBot, acting_person, active_appraiser, colleague, mention
from bot.core.visibility import can_see
from bot.outbox.queue import Delivery, enqueue
from storage.db import Database
from storage.feedback import (
    add_feedback,
    add_visit,
    feedback_received,
    open_visit_for,
    standards_of,
    unwritten_visits_due_by,
    visit_by_id,
)
from storage.models import Feedback, FeedbackContext, Role, Staff, Visit
from storage.staff import staff_by_ids

MAX_STANDARDS = 4
MAX_TEXT = 3000
MAX_DETAIL = 200
VERBAL_WORKING_DAYS = 5
WRITTEN_WORKING_DAYS = 10
REMIND_WORKING_DAYS_BEFORE = 2

# Form fields, for errors shown beside them.
OBSERVEE = "observee"
OBSERVED_ON = "observed_on"
CONTEXT = "context"
DETAIL = "detail"
STANDARDS = "standards"
STRENGTHS = "strengths"
DEVELOPMENT = "development"
NEXT_STEPS = "next_steps"


def rating_field(code: str) -> str:
    return f"rating:{code}"


@dataclass(frozen=True)
class Subject:
    """Who was seen, when and where: the first part of the form."""

    observer_slack_id: str
    observee_slack_id: str | None
    observed_on: date | None
    context: str | None
    context_detail: str = ""


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


@dataclass(frozen=True)
class FeedbackOutcome:
    feedback_id: int
    visit_id: int | None
    outbox_ids: list[int]


def standard_set_for(framework: Framework, role: Role, context: FeedbackContext) -> str:
    """The key of the standard set feedback uses: meetings for a meeting, else by role."""
    if context is FeedbackContext.MEETING:
        return framework.meeting_standard_set
    return framework.standard_set_for_role[role.value]


# --- the form, part by part ---------------------------------------------------


def check_subject(
    *,
    db: Database,
    framework: Framework,
    calendar: SchoolCalendar,
    subject: Subject,
    now: datetime,
    is_bot: IsBot,
) -> CheckedSubject:
    with db.read_session() as session:
        return _checked_subject(session, framework, calendar, subject, now, is_bot)


def check_standards(standard_set: StandardSet, codes: list[str]) -> list[str]:
    unique = list(dict.fromkeys(codes))
    if not unique:
        raise InvalidInput({STANDARDS: "Choose the standard(s) the feedback focused on."})
    if len(unique) > MAX_STANDARDS:
        raise InvalidInput(
            {STANDARDS: f"Choose at most {MAX_STANDARDS} standards; you chose {len(unique)}."}
        )
    unknown = [code for code in unique if standard_set.get(code) is None]
    if unknown:
        raise InvalidInput(
            {STANDARDS: f"{', '.join(unknown)} is not in the {standard_set.name.lower()}."}
        )
    return unique


def check_feedback(
    *,
    db: Database,
    framework: Framework,
    calendar: SchoolCalendar,
    request: FeedbackRequest,
    now: datetime,
    is_bot: IsBot,
) -> None:
    """Everything `record_feedback` would refuse, reading only."""
    with db.read_session() as session:
        _checked_request(session, framework, calendar, request, now, is_bot)


def record_feedback(
    *,
    db: Database,
    framework: Framework,
    calendar: SchoolCalendar,
    request: FeedbackRequest,
    now: datetime,
    is_bot: IsBot,
) -> FeedbackOutcome:
    """Validate, store, complete the day's open visit and queue the DMs: one transaction."""
    with db.session() as session:
        checked, codes = _checked_request(session, framework, calendar, request, now, is_bot)
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
        visit = open_visit_for(
            session=session,
            observer_id=checked.observer.id,
            observee_id=checked.observee.id,
            visited_on=checked.observed_on,
        )
        if visit is not None:
            visit.written_feedback_id = feedback.id
            session.add(visit)
        assert feedback.id is not None
        record = _record(session, framework, feedback)
        appraiser = active_appraiser(session, checked.observee)
        deliveries = _feedback_deliveries(record, checked, appraiser, visit)
        outbox_ids = enqueue(session=session, deliveries=deliveries, now=now)
        return FeedbackOutcome(
            feedback_id=feedback.id, visit_id=visit.id if visit else None, outbox_ids=outbox_ids
        )


def _checked_subject(
    session: Session,
    framework: Framework,
    calendar: SchoolCalendar,
    subject: Subject,
    now: datetime,
    is_bot: IsBot,
) -> CheckedSubject:
    observer = acting_person(session, subject.observer_slack_id)
    errors: dict[str, str] = {}
    observee: Staff | None = None
    try:
        observee = colleague(
            session,
            subject.observee_slack_id,
            observer,
            is_bot,
            field=OBSERVEE,
            verb="given feedback",
        )
    except InvalidInput as error:
        errors.update(error.field_errors)
    observed_on = subject.observed_on
    date_error = _date_problem(observed_on, calendar.today(now), "observed")
    if date_error:
        errors[OBSERVED_ON] = date_error
    context = _context(subject.context)
    if context is None:
        errors[CONTEXT] = "Choose where you saw them: a lesson, a meeting, a duty or other."
    if len(subject.context_detail.strip()) > MAX_DETAIL:
        errors[DETAIL] = f"Keep this to {MAX_DETAIL} characters."
    if errors:
        raise InvalidInput(errors)
    assert observee is not None and observed_on is not None and context is not None
    key = standard_set_for(framework, observee.role, context)
    return CheckedSubject(
        observer=observer,
        observee=observee,
        observed_on=observed_on,
        context=context,
        standard_set_key=key,
        standard_set=framework.standard_sets[key],
    )


def _checked_request(
    session: Session,
    framework: Framework,
    calendar: SchoolCalendar,
    request: FeedbackRequest,
    now: datetime,
    is_bot: IsBot,
) -> tuple[CheckedSubject, list[str]]:
    checked = _checked_subject(session, framework, calendar, request.subject, now, is_bot)
    codes = check_standards(checked.standard_set, request.standards)
    errors: dict[str, str] = {}
    ratings = {r.code for r in framework.ratings}
    for code, rating in request.ratings.items():
        if not rating:
            continue
        if code not in codes:
            errors[rating_field(code)] = f"{code} is not one of the standards you chose."
        elif rating not in ratings:
            errors[rating_field(code)] = f"{rating!r} is not a rating ({', '.join(ratings)})."
    texts = {
        STRENGTHS: request.strengths,
        DEVELOPMENT: request.development,
        NEXT_STEPS: request.next_steps,
    }
    for name, text in texts.items():
        if len(text.strip()) > MAX_TEXT:
            errors[name] = f"This is {len(text.strip())} characters; please keep it to {MAX_TEXT}."
    if not any(text.strip() for text in texts.values()):
        errors[STRENGTHS] = "Write at least one of strengths, areas for development or next steps."
    if errors:
        raise InvalidInput(errors)
    return checked, codes


def _date_problem(day: date | None, today: date, verb: str) -> str | None:
    if day is None:
        return "Choose a date."
    if day > today:
        return f"That is in the future: choose the day you {verb} them."
    year_start = AcademicYear.of(today).starts
    if day < year_start:
        return f"That is before this academic year began ({year_start:%-d %B %Y})."
    return None


def _context(raw: str | None) -> FeedbackContext | None:
    try:
        return FeedbackContext(raw) if raw else None
    except ValueError:
        return None


# --- lesson visits --------------------------------------------------------------


@dataclass(frozen=True)
class VisitOutcome:
    visit_id: int
    visited_on: date
    verbal_due: date
    written_due: date
    outbox_ids: list[int]


def parse_visit_date(text: str | None, today: date) -> date:
    if not text:
        return today
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            {OBSERVED_ON: f"{text!r} is not a date: write it as YYYY-MM-DD, like 2026-12-17."}
        ) from None


def log_visit(
    *,
    db: Database,
    calendar: SchoolCalendar,
    observer_slack_id: str,
    observee_slack_id: str | None,
    visit_date: str | None,
    now: datetime,
    is_bot: IsBot,
) -> VisitOutcome:
    """Record a formal lesson visit and its deadlines, and tell the observer."""
    today = calendar.today(now)
    with db.session() as session:
        observer = acting_person(session, observer_slack_id)
        observee = colleague(
            session, observee_slack_id, observer, is_bot, field=OBSERVEE, verb="visited"
        )
        visited_on = parse_visit_date(visit_date, today)
        problem = _date_problem(visited_on, today, "visited")
        if problem:
            raise InvalidInput({OBSERVED_ON: problem})
        assert observer.id is not None and observee.id is not None
        visit = add_visit(
            session=session,
            visit=Visit(
                observer_id=observer.id,
                observee_id=observee.id,
                visited_on=visited_on,
                verbal_due=calendar.add_working_days(visited_on, VERBAL_WORKING_DAYS),
                written_due=calendar.add_working_days(visited_on, WRITTEN_WORKING_DAYS),
                created_at=now,
            ),
        )
        assert visit.id is not None
        outbox_ids = enqueue(
            session=session,
            now=now,
            deliveries=[
                Delivery(
                    key=f"visit:{visit.id}:logged",
                    channel=observer_slack_id,
                    template="visit_logged",
                    context=visit_view(visit, observee),
                )
            ],
        )
        return VisitOutcome(
            visit_id=visit.id,
            visited_on=visit.visited_on,
            verbal_due=visit.verbal_due,
            written_due=visit.written_due,
            outbox_ids=outbox_ids,
        )


def mark_verbal_given(
    *, db: Database, visit_id: int, clicker_slack_id: str, now: datetime
) -> dict[str, object]:
    """The observer says verbal feedback was given; returns the visit as the message shows it."""
    with db.session() as session:
        clicker = acting_person(session, clicker_slack_id)
        visit = visit_by_id(session=session, visit_id=visit_id)
        if visit is None or visit.observer_id != clicker.id:
            raise NotAllowed("Only the colleague who made this visit can mark its feedback.")
        if visit.verbal_given_at is None:
            visit.verbal_given_at = now
            session.add(visit)
        observee = staff_by_ids(session=session, ids=[visit.observee_id])[visit.observee_id]
        return visit_view(visit, observee)


def visit_view(visit: Visit, observee: Staff) -> dict[str, object]:
    """What the observer's visit message shows (the template's context)."""
    return {
        "visit_id": visit.id,
        "observee": mention(observee),
        "observee_slack_id": observee.slack_user_id or "",
        "visited_on": visit.visited_on,
        "verbal_due": visit.verbal_due,
        "written_due": visit.written_due,
        "verbal_given": visit.verbal_given_at is not None,
        "written": visit.written_feedback_id is not None,
    }


# --- what is due ----------------------------------------------------------------


@dataclass(frozen=True)
class DueWrittenFeedback:
    visit_id: int
    observer_id: int
    observee_id: int
    written_due: date
    status: Literal["due", "overdue"]
    working_days_left: int


def written_feedback_due_at(
    *, db: Database, calendar: SchoolCalendar, now: datetime
) -> list[DueWrittenFeedback]:
    """Visits owed written feedback at `now`: due within two working days, or overdue."""
    today = calendar.today(now)
    horizon = calendar.add_working_days(today, REMIND_WORKING_DAYS_BEFORE)
    with db.read_session() as session:
        visits = unwritten_visits_due_by(session=session, latest_due=horizon)
    return [
        DueWrittenFeedback(
            visit_id=visit.id,
            observer_id=visit.observer_id,
            observee_id=visit.observee_id,
            written_due=visit.written_due,
            status="overdue" if visit.written_due < today else "due",
            working_days_left=calendar.working_days_until(today, visit.written_due),
        )
        for visit in visits
        if visit.id is not None
    ]


# --- reading records --------------------------------------------------------------


@dataclass(frozen=True)
class StandardView:
    code: str
    name: str
    rating: str | None
    rating_name: str | None


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
    *, db: Database, framework: Framework, viewer_slack_id: str, subject_slack_id: str
) -> list[FeedbackRecord]:
    """The feedback `subject` received that `viewer` may see (NotAllowed when none of it)."""
    with db.read_session() as session:
        viewer = acting_person(session, viewer_slack_id)
        subject = (
            acting_person(session, subject_slack_id)
            if subject_slack_id != viewer_slack_id
            else viewer
        )
        assert subject.id is not None
        received = feedback_received(session=session, staff_id=subject.id)
        visible = [f for f in received if can_see(viewer, subject, author_id=f.observer_id)]
        if not visible and not can_see(viewer, subject):
            raise NotAllowed("That feedback is private to the person, their appraiser and leaders.")
        return [_record(session, framework, f) for f in visible]


def _record(session: Session, framework: Framework, feedback: Feedback) -> FeedbackRecord:
    assert feedback.id is not None
    people = staff_by_ids(session=session, ids=[feedback.observer_id, feedback.observee_id])
    standard_set = framework.standard_sets.get(feedback.standard_set)
    ratings = {r.code: r.name for r in framework.ratings}
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
                rating_name=ratings.get(row.rating) if row.rating else None,
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


def _feedback_deliveries(
    record: FeedbackRecord, checked: CheckedSubject, appraiser: Staff | None, visit: Visit | None
) -> list[Delivery]:
    key = f"feedback:{record.feedback_id}"
    context = {"feedback": record, "completes_visit": visit is not None}
    deliveries = []
    if checked.observee.slack_user_id:
        deliveries.append(
            Delivery(f"{key}:to", checked.observee.slack_user_id, "feedback_received", context)
        )
    if appraiser is not None and appraiser.slack_user_id and appraiser.id != checked.observer.id:
        deliveries.append(
            Delivery(
                f"{key}:copy:{appraiser.id}", appraiser.slack_user_id, "feedback_copy", context
            )
        )
    if checked.observer.slack_user_id:
        deliveries.append(
            Delivery(
                f"{key}:confirm", checked.observer.slack_user_id, "feedback_confirmation", context
            )
        )
    return deliveries


def visit_for_writing(
    *, db: Database, visit_id: int, clicker_slack_id: str
) -> tuple[str | None, date] | None:
    """(observee's Slack id, visit date) to start the written feedback, for the visit's observer."""
    with db.read_session() as session:
        clicker = acting_person(session, clicker_slack_id)
        visit = visit_by_id(session=session, visit_id=visit_id)
        if visit is None or visit.observer_id != clicker.id:
            return None
        observee = staff_by_ids(session=session, ids=[visit.observee_id])[visit.observee_id]
        return observee.slack_user_id, visit.visited_on
