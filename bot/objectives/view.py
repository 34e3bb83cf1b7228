"""A person's objectives as people are shown them, and the one way to see someone's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.admin import audit
from bot.core.calendar import AcademicYear, SchoolCalendar
from bot.core.errors import NotAllowed, invalid, problem
from bot.core.framework import Framework
from bot.core.framework_parts import LeadershipObjective
from bot.core.people import mention, on_roster
from bot.core.visibility import can_see
from bot.feedback.rules import standard_set_for
from bot.ladder.grid import target_level
from bot.objectives import rules
from storage.db import Database
from storage.models import FeedbackContext, Objective, ObjectiveReview, ObjectiveSet, Staff
from storage.objectives import objective_set_by_id, objective_set_of, objectives_in, reviews_in
from storage.staff import staff_by_ids
from storage.star import current_project


@dataclass(frozen=True)
class StandardName:
    code: str
    name: str


@dataclass(frozen=True)
class ReviewView:
    checkpoint: str
    checkpoint_name: str
    status: str  # an ObjectiveStatus value; the templates word it
    comment: str
    reviewed_by: str
    reviewed_on: date


@dataclass(frozen=True)
class ObjectiveView:
    number: int
    text: str
    standards: list[StandardName]
    reviews: list[ReviewView]

    @property
    def latest(self) -> ReviewView | None:
        return self.reviews[-1] if self.reviews else None


@dataclass(frozen=True)
class StarLink:
    project_id: int
    title: str
    stage: int


@dataclass(frozen=True)
class ReviewAt:
    """The checkpoint a review made now counts for."""

    key: str
    name: str
    closes: date
    statuses: tuple[str, ...]
    done: bool  # every objective already has a review at it


@dataclass(frozen=True)
class ObjectivesView:
    person: str  # a mention
    person_id: int
    slack_user_id: str | None
    year: str
    set_id: int | None
    version: int
    objectives: list[ObjectiveView]
    target_level: int | None  # objective 3's ladder level for July (None without a ladder)
    agreed_on: date | None
    agreed_by: str | None
    talk_comment: str
    star: StarLink | None
    review_at: ReviewAt | None
    appraiser_id: int | None
    has_ladder: bool  # the trust has a leadership ladder: objective 3 aims for a level
    leadership: LeadershipObjective  # objective 3 as the trust's framework words it

    @property
    def written(self) -> bool:
        return bool(self.objectives)

    @property
    def agreed(self) -> bool:
        return self.agreed_on is not None

    def objective(self, number: int) -> ObjectiveView | None:
        return next((o for o in self.objectives if o.number == number), None)

    @property
    def reviewed_checkpoints(self) -> list[str]:
        return list(dict.fromkeys(r.checkpoint for o in self.objectives for r in o.reviews))


def year_now(calendar: SchoolCalendar, now: datetime) -> AcademicYear:
    return AcademicYear.of(calendar.today(now))


def standard_set_of(framework: Framework, person: Staff) -> str:
    """The standards an objective can name: the person's own set, as feedback uses."""
    return standard_set_for(framework, person, FeedbackContext.LESSON)


def objectives_view(
    session: Session,
    framework: Framework,
    calendar: SchoolCalendar,
    person: Staff,
    now: datetime,
    year: str | None = None,
    naming: Callable[[Staff], str] = mention,
) -> ObjectivesView:
    """The person's objectives for `year` (this academic year by default); people are named
    by `naming` (Slack mentions, or names on paper)."""
    assert person.id is not None
    label = year or year_now(calendar, now).label
    found = objective_set_of(session=session, staff_id=person.id, academic_year=label)
    set_id = found.id if found is not None else None
    objectives = objectives_in(session=session, set_ids=[set_id])[set_id] if set_id else []
    reviews = reviews_in(session=session, set_ids=[set_id])[set_id] if set_id else []
    project = current_project(session=session, owner_id=person.id, academic_year=label)
    target = target_of(session, person, label, found) if framework.has_ladder else None
    names = [r.reviewed_by for r in reviews] + (
        [found.agreed_by] if found and found.agreed_by else []
    )
    people = staff_by_ids(session=session, ids=names)
    return shape(
        framework,
        calendar,
        person,
        label,
        found,
        objectives,
        reviews,
        people,
        StarLink(project.id, project.title, project.stage) if project and project.id else None,
        target,
        now,
        naming,
    )


def shape(
    framework: Framework,
    calendar: SchoolCalendar,
    person: Staff,
    year: str,
    found: ObjectiveSet | None,
    objectives: list[Objective],
    reviews: list[ObjectiveReview],
    people: dict[int, Staff],
    star: StarLink | None,
    target: int | None,
    now: datetime,
    naming: Callable[[Staff], str] = mention,
) -> ObjectivesView:
    """Shape stored rows as people are shown them (also used in bulk by the dashboards)."""
    assert person.id is not None
    standard_set = framework.standard_sets[standard_set_of(framework, person)]
    checkpoint_names = {c.key: c.name for c in framework.checkpoints}

    def named(staff_id: int | None) -> str | None:
        return naming(people[staff_id]) if staff_id in people else None

    views = [
        ObjectiveView(
            number=o.number,
            text=o.text,
            standards=[
                StandardName(code, s.name if (s := standard_set.get(code)) else code)
                for code in o.standards
            ],
            reviews=[
                ReviewView(
                    checkpoint=r.checkpoint,
                    checkpoint_name=checkpoint_names.get(r.checkpoint, r.checkpoint),
                    status=r.status.value,
                    comment=r.comment,
                    reviewed_by=named(r.reviewed_by) or "",
                    reviewed_on=calendar.today(r.reviewed_at),
                )
                for r in reviews
                if r.number == o.number
            ],
        )
        for o in objectives
    ]
    return ObjectivesView(
        person=naming(person),
        person_id=person.id,
        slack_user_id=person.slack_user_id,
        year=year,
        set_id=found.id if found else None,
        version=found.version if found else 0,
        objectives=views,
        target_level=target if framework.has_ladder else None,
        agreed_on=calendar.today(found.agreed_at) if found and found.agreed_at else None,
        agreed_by=named(found.agreed_by) if found else None,
        talk_comment=found.talk_comment if found else "",
        star=star,
        review_at=_review_at(framework, calendar, year, views, now),
        appraiser_id=person.appraiser_id,
        has_ladder=framework.has_ladder,
        leadership=framework.leadership_objective,
    )


def target_of(session: Session, person: Staff, year: str, found: ObjectiveSet | None) -> int | None:
    """Objective 3's target: the one value the September sheet shares (bot.ladder.grid)."""
    return target_level(session, person, year)


def _review_at(
    framework: Framework,
    calendar: SchoolCalendar,
    year: str,
    objectives: list[ObjectiveView],
    now: datetime,
) -> ReviewAt | None:
    today = calendar.today(now)
    if AcademicYear.of(today).label != year:
        return None
    window = rules.review_window_at(framework, today)
    if window is None:
        return None
    key = window.checkpoint.key
    done = bool(objectives) and all(any(r.checkpoint == key for r in o.reviews) for o in objectives)
    return ReviewAt(
        key=key,
        name=window.checkpoint.name,
        closes=window.closes,
        statuses=tuple(s.value for s in rules.statuses_at(framework, key)),
        done=done,
    )


def shown_to(viewer: Staff, subject: Staff) -> None:
    """The one gate before a person's objectives are shown to someone (bot.core.visibility): the
    person, their appraiser and their leaders only. NotAllowed for anyone else."""
    if not can_see(viewer, subject):
        raise NotAllowed(problem("objectives.private"))


def objectives_seen_by(
    *,
    db: Database,
    framework: Framework,
    calendar: SchoolCalendar,
    viewer: Staff,
    subject_slack_id: str,
    now: datetime,
) -> ObjectivesView:
    """Someone's objectives (`/objectives @a`), for whoever `shown_to` allows."""
    with db.read_session() as session:
        subject = on_roster(session, subject_slack_id)
        if subject is None:
            raise invalid("person", "people.unknown", slack_id=subject_slack_id)
        shown_to(viewer, subject)
        shown = objectives_view(session, framework, calendar, subject, now)
    audit.viewed(db=db, viewer=viewer, subject=subject, record="objectives", now=now)
    return shown


def objectives_of_set(
    *,
    db: Database,
    framework: Framework,
    calendar: SchoolCalendar,
    viewer: Staff,
    set_id: int,
    now: datetime,
) -> ObjectivesView:
    """The objectives a button was sent about, for whoever `shown_to` allows (and in the
    audit log when that is not their subject: an appraiser's review or talk form)."""
    with db.read_session() as session:
        found = objective_set_by_id(session=session, set_id=set_id)
        subject = session.get(Staff, found.staff_id) if found is not None else None
        if found is None or subject is None:
            raise NotAllowed(problem("objectives.private"))
        shown_to(viewer, subject)
        shown = objectives_view(session, framework, calendar, subject, now, found.academic_year)
    audit.viewed(db=db, viewer=viewer, subject=subject, record="objectives", now=now)
    return shown


def own_objectives(
    *, db: Database, framework: Framework, calendar: SchoolCalendar, person: Staff, now: datetime
) -> ObjectivesView:
    with db.read_session() as session:
        return objectives_view(session, framework, calendar, person, now)
