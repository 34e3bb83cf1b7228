"""What a person has to do now, gathered from each feature (for `/staffroom`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from bot.core.calendar import AcademicYear, SchoolCalendar
from bot.core.framework import Framework
from bot.core.people import mention
from bot.ladder.windows import open_window
from bot.objectives.rules import review_window_at
from bot.star.due import needs_at
from storage.db import Database
from storage.feedback import open_visits_by
from storage.home import appraisees_of
from storage.ladder import sheets_of
from storage.models import Staff
from storage.objectives import objective_set_of, objective_sets_of, reviews_in
from storage.staff import staff_by_ids
from storage.star import current_project, evaluations_awaiting


@dataclass(frozen=True)
class VisitOwed:
    observee: str
    visited_on: date
    verbal_due: date | None  # None once verbal feedback is given
    written_due: date | None  # None once written feedback is sent
    overdue: bool


@dataclass
class Pending:
    reminders_muted: bool = False
    ladder_closes: date | None = None  # the open checkpoint's sheet is not filled
    ladder_checkpoint: str = ""
    visits: list[VisitOwed] = field(default_factory=list)
    star_missing: bool = False  # no STAR project this academic year
    star_needs: list[str] = field(default_factory=list)  # baseline, final, evaluation
    evaluations_to_confirm: list[str] = field(default_factory=list)  # owners' mentions
    objectives_to_write: bool = False  # this year's objectives are not written
    objectives_talk: bool = False  # the appraiser asked to talk before agreeing
    objectives_to_agree: list[str] = field(default_factory=list)  # appraisees' mentions
    objectives_to_review: list[str] = field(default_factory=list)  # appraisees' mentions
    review_checkpoint: str = ""

    @property
    def anything(self) -> bool:
        return bool(
            self.objectives_to_write
            or self.objectives_talk
            or self.objectives_to_agree
            or self.objectives_to_review
            or self.ladder_closes
            or self.visits
            or self.star_missing
            or self.star_needs
            or self.evaluations_to_confirm
        )


def pending_for(
    *,
    db: Database,
    framework: Framework,
    calendar: SchoolCalendar,
    person: Staff,
    now: datetime,
) -> Pending:
    today = calendar.today(now)
    year = AcademicYear.of(today).label
    pending = Pending()
    assert person.id is not None
    with db.read_session() as session:
        pending.reminders_muted = (session.get(Staff, person.id) or person).mute_nudges
        window = open_window(framework, today)
        if window is not None:
            done = {
                (s.academic_year, s.checkpoint)
                for s in sheets_of(session=session, staff_id=person.id)
            }
            if (window.year.label, window.checkpoint.key) not in done:
                pending.ladder_closes = window.closes
                pending.ladder_checkpoint = window.checkpoint.name
        visits = open_visits_by(session=session, observer_id=person.id)
        names = staff_by_ids(session=session, ids=[v.observee_id for v in visits])
        pending.visits = [
            VisitOwed(
                observee=mention(names[v.observee_id]),
                visited_on=v.visited_on,
                verbal_due=None if v.verbal_given_at else v.verbal_due,
                written_due=None if v.written_feedback_id else v.written_due,
                overdue=(v.written_feedback_id is None and v.written_due < today)
                or (v.verbal_given_at is None and v.verbal_due < today),
            )
            for v in visits
        ]
        pending.star_missing = (
            current_project(session=session, owner_id=person.id, academic_year=year) is None
        )
        awaiting = evaluations_awaiting(session=session, appraiser_id=person.id)
        owners = staff_by_ids(session=session, ids=[p.owner_id for p in awaiting])
        pending.evaluations_to_confirm = [mention(owners[p.owner_id]) for p in awaiting]
        _objectives(session, framework, person, today, pending)
    pending.star_needs = [
        need.need for need in needs_at(db=db, calendar=calendar, now=now, owner_id=person.id)
    ]
    return pending


def _objectives(
    session: Session, framework: Framework, person: Staff, today: date, pending: Pending
) -> None:
    """The year's objectives: to write, to talk about, to agree and to review."""
    assert person.id is not None
    year = AcademicYear.of(today).label
    own = objective_set_of(session=session, staff_id=person.id, academic_year=year)
    # Owed only by someone with an appraiser to agree them (not a trust leader or a governor).
    pending.objectives_to_write = own is None and person.appraiser_id is not None
    pending.objectives_talk = own is not None and not own.agreed_at and bool(own.talk_comment)
    team = list(appraisees_of(session=session, appraiser_id=person.id))
    sets = objective_sets_of(
        session=session, staff_ids=[p.id for p in team if p.id], academic_year=year
    )
    window = review_window_at(framework, today)
    reviews = reviews_in(session=session, set_ids=[s.id for s in sets.values() if s.id])
    for member in team:
        found = sets.get(member.id or 0)
        if found is None or found.id is None:
            continue
        if found.agreed_at is None and not found.talk_comment:
            pending.objectives_to_agree.append(mention(member))
        elif (
            found.agreed_at is not None
            and window is not None
            and window.checkpoint.key not in {r.checkpoint for r in reviews[found.id]}
        ):
            pending.objectives_to_review.append(mention(member))
            pending.review_checkpoint = window.checkpoint.name
