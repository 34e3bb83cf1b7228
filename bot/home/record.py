"""A person's record as their appraiser or leader opens it from the App Home: their
objectives, ladder sheet, STAR project, feedback and visits (bot.core.visibility)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.admin import audit
from bot.core.calendar import SchoolCalendar
from bot.core.errors import NotAllowed, problem
from bot.core.framework import Framework
from bot.core.people import mention
from bot.core.visibility import can_see
from bot.feedback.records import FeedbackRecord, feedback_about
from bot.home.facts import Moment
from bot.ladder.grid import Grid, grid_of
from bot.objectives.view import ObjectivesView, objectives_view
from bot.star.view import Status, current, status_of
from storage.db import Database
from storage.feedback import visits_involving
from storage.models import Staff
from storage.staff import staff_by_ids

FEEDBACK_SHOWN = 4
VISITS_SHOWN = 6


@dataclass(frozen=True)
class VisitLine:
    observer: str
    visited_on: date
    written: bool


@dataclass(frozen=True)
class Record:
    staff_id: int
    person: str
    slack_user_id: str | None
    school: str
    grade: str
    objectives: ObjectivesView
    star: Status | None
    grid: Grid
    feedback: list[FeedbackRecord]
    visits: list[VisitLine]
    viewer_is_appraiser: bool


def shown_to(viewer: Staff, subject: Staff | None) -> Staff:
    """The one gate before someone's record is shown (bot.core.visibility): the person, their
    appraiser and their leaders only. NotAllowed, and nothing shown, for anyone else."""
    if subject is None or not subject.active or not can_see(viewer, subject):
        raise NotAllowed(problem("home.private"))
    return subject


def record_seen_by(
    *,
    db: Database,
    framework: Framework,
    calendar: SchoolCalendar,
    viewer: Staff,
    subject_id: int,
    now: datetime,
) -> Record:
    moment = Moment.at(framework, calendar, now)
    with db.read_session() as session:
        subject = shown_to(viewer, session.get(Staff, subject_id))
        objectives = objectives_view(session, framework, calendar, subject, now)
        project = current(session, calendar, subject, now)
        star = status_of(session, calendar, project) if project else None
        grid = grid_of(session, framework, subject, moment.year.label)
        visits = [
            v
            for v in visits_involving(session=session, staff_id=subject_id)
            if v.observee_id == subject_id and v.visited_on >= moment.year.starts
        ]
        observers = staff_by_ids(session=session, ids=[v.observer_id for v in visits])
    feedback = feedback_about(db=db, framework=framework, viewer=viewer, subject=subject)
    audit.viewed(db=db, viewer=viewer, subject=subject, record="record", now=now)
    return Record(
        staff_id=subject_id,
        person=mention(subject),
        slack_user_id=subject.slack_user_id,
        school=subject.school,
        grade=subject.grade,
        objectives=objectives,
        star=star,
        grid=grid,
        feedback=list(reversed(feedback[-FEEDBACK_SHOWN:])),
        visits=[
            VisitLine(
                observer=mention(observers[v.observer_id]) if v.observer_id in observers else "",
                visited_on=v.visited_on,
                written=v.written_feedback_id is not None,
            )
            for v in reversed(visits[-VISITS_SHOWN:])
        ],
        viewer_is_appraiser=subject.appraiser_id == viewer.id,
    )
