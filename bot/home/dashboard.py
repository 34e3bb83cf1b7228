"""A person's App Home: their year (objectives, STAR project, ladder, praise, feedback,
training) and what they owe; below it their team, if they appraise, and the follow-up
list, if they lead."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from sqlmodel import Session

from bot.commend.received import PraiseSummary, praise_for
from bot.core.calendar import SchoolCalendar
from bot.core.framework import Framework
from bot.core.people import mention
from bot.feedback.records import FeedbackRecord, feedback_about
from bot.home.facts import Moment
from bot.home.followup import FollowUp, follow_up_for
from bot.home.team import Team, team_of
from bot.ladder.grid import Grid, grid_of
from bot.objectives.training import TrainingView, training_for
from bot.objectives.view import ObjectivesView, objectives_view
from bot.star.due import needs_at
from bot.star.view import Status, current, status_of
from storage.db import Database
from storage.feedback import open_visits_by
from storage.home import appraisees_of
from storage.ladder import sheets_of
from storage.models import Staff
from storage.objectives import objective_sets_of, reviews_in
from storage.staff import staff_by_ids
from storage.star import evaluations_awaiting

FEEDBACK_SHOWN = 3
PRAISE_SHOWN = 3
OWED_SHOWN = 8

OwedKind = Literal[
    "objectives_write",
    "objectives_talk",
    "ladder",
    "visit",
    "star_start",
    "star_baseline",
    "star_final",
    "star_evaluation",
    "agree",
    "review",
    "confirm_evaluation",
]


STAR_NEEDS: dict[str, OwedKind] = {
    "baseline": "star_baseline",
    "final": "star_final",
    "evaluation": "star_evaluation",
}


@dataclass(frozen=True)
class Owed:
    """Something the person has to do; the template words it and gives it a button."""

    kind: OwedKind
    value: str = ""  # the record its button opens
    who: str = ""  # whom it is about (a mention)
    due: date | None = None
    overdue: bool = False


@dataclass(frozen=True)
class Home:
    person: Staff
    objectives: ObjectivesView
    star: Status | None
    grid: Grid
    praise: PraiseSummary
    feedback: list[FeedbackRecord]
    training: list[TrainingView]
    owed: list[Owed]
    team: Team | None
    follow_up: FollowUp | None
    moment: Moment
    owed_more: int = 0
    pages: dict[str, int] = field(default_factory=dict)


def home_for(
    *,
    db: Database,
    framework: Framework,
    calendar: SchoolCalendar,
    person: Staff,
    now: datetime,
    team_page: int = 0,
    schools_page: int = 0,
) -> Home:
    moment = Moment.at(framework, calendar, now)
    praise = praise_for(db=db, person=person, limit=PRAISE_SHOWN)
    feedback = feedback_about(db=db, framework=framework, viewer=person, subject=person)
    star_needs = needs_at(db=db, calendar=calendar, now=now, owner_id=person.id)
    with db.read_session() as session:
        objectives = objectives_view(session, framework, calendar, person, now)
        project = current(session, calendar, person, now)
        star = status_of(session, calendar, project) if project else None
        grid = grid_of(session, framework, person, moment.year.label)
        owed = _owed(session, person, moment, objectives, star is None)
        owed += [Owed(STAR_NEEDS[need.need], value=str(need.project_id)) for need in star_needs]
        owed += _owed_to_team(session, person, moment)
        team = team_of(session, framework, calendar, person, moment, team_page)
        follow_up = follow_up_for(session, framework, calendar, person, moment, schools_page)
        training = training_for(session, person)
    return Home(
        person=person,
        objectives=objectives,
        star=star,
        grid=grid,
        praise=praise,
        feedback=list(reversed(feedback[-FEEDBACK_SHOWN:])),
        training=training,
        owed=owed[:OWED_SHOWN],
        owed_more=max(0, len(owed) - OWED_SHOWN),
        team=team,
        follow_up=follow_up,
        moment=moment,
        pages={
            "team": team.page if team else 0,
            "schools": follow_up.page if follow_up else 0,
        },
    )


def _owed(
    session: Session, person: Staff, moment: Moment, objectives: ObjectivesView, no_star: bool
) -> list[Owed]:
    assert person.id is not None
    owed: list[Owed] = []
    if not objectives.agreed:
        late = moment.today > moment.agreement_closes
        if not objectives.written and person.appraiser_id is not None:  # someone to agree them
            owed.append(Owed("objectives_write", due=moment.agreement_closes, overdue=late))
        elif objectives.talk_comment:
            owed.append(Owed("objectives_talk", due=moment.agreement_closes, overdue=late))
    window = moment.ladder_window
    if window is not None and window.contains(moment.today):
        done = {
            (s.academic_year, s.checkpoint) for s in sheets_of(session=session, staff_id=person.id)
        }
        if (window.year.label, window.checkpoint.key) not in done:
            owed.append(Owed("ladder", who=window.checkpoint.name, due=window.closes))
    visits = open_visits_by(session=session, observer_id=person.id)
    names = staff_by_ids(session=session, ids=[v.observee_id for v in visits])
    for visit in visits:
        if visit.written_feedback_id is None and visit.observee_id in names:
            owed.append(
                Owed(
                    "visit",
                    value=str(visit.id),
                    who=mention(names[visit.observee_id]),
                    due=visit.written_due,
                    overdue=visit.written_due < moment.today,
                )
            )
    if no_star:
        owed.append(Owed("star_start"))
    return owed


def _owed_to_team(session: Session, appraiser: Staff, moment: Moment) -> list[Owed]:
    """What an appraiser owes their appraisees: objectives to agree or review, STAR
    evaluations to confirm."""
    assert appraiser.id is not None
    people = list(appraisees_of(session=session, appraiser_id=appraiser.id))
    sets = objective_sets_of(
        session=session,
        staff_ids=[p.id for p in people if p.id is not None],
        academic_year=moment.year.label,
    )
    reviews = reviews_in(session=session, set_ids=[s.id for s in sets.values() if s.id])
    review = moment.review_window
    owed: list[Owed] = []
    for person in people:
        found = sets.get(person.id or 0)
        if found is None or found.id is None:
            continue
        if found.agreed_at is None and not found.talk_comment:
            owed.append(Owed("agree", value=str(person.id), who=mention(person)))
        elif found.agreed_at is not None and review is not None:
            done = {r.checkpoint for r in reviews[found.id]}
            if review.checkpoint.key not in done:
                owed.append(
                    Owed(
                        "review",
                        value=str(found.id),
                        who=mention(person),
                        due=review.closes,
                        overdue=moment.today > review.closes,
                    )
                )
    owners = {p.owner_id for p in evaluations_awaiting(session=session, appraiser_id=appraiser.id)}
    named = staff_by_ids(session=session, ids=owners)
    owed += [Owed("confirm_evaluation", who=mention(named[o])) for o in owners if o in named]
    return owed
