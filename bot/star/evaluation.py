"""Evaluating a STAR project: the owner writes what they learned, their appraiser
confirms it, and the project passes whichever way the KPI moved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.core.calendar import SchoolCalendar
from bot.core.errors import InvalidInput, NotAllowed, invalid, problem
from bot.core.people import active_appraiser, refreshed
from bot.core.usecase import UseCase
from bot.outbox.queue import Delivery, enqueue
from bot.star.projects import length_problems
from bot.star.rules import EVALUATE_STAGE
from bot.star.view import Outcome, owned, status_of
from storage.db import Database
from storage.models import Staff, StarProject
from storage.staff import staff_by_ids
from storage.star import project_by_id

LEARNED, WOULD_SHARE = "learned", "would_share"


@dataclass(frozen=True)
class Evaluation:
    project_id: int
    learned: str
    would_share: bool | None


@dataclass(frozen=True)
class Evaluate(UseCase[Outcome]):
    """The owner's evaluation; it counts once their appraiser confirms it."""

    db: Database
    calendar: SchoolCalendar
    owner: Staff
    evaluation: Evaluation
    now: datetime

    def run(self, session: Session, *, write: bool) -> Outcome | None:
        evaluation, now = self.evaluation, self.now
        owner = refreshed(session, self.owner)
        project = owned(session, owner, evaluation.project_id)
        _check(project, evaluation)
        if not write:
            return None
        project.learned = evaluation.learned.strip()
        project.would_share = evaluation.would_share
        project.evaluation_submitted_at = now
        project.updated_at = now
        session.add(project)
        status = status_of(session, self.calendar, project)
        appraiser = active_appraiser(session, owner)
        deliveries = []
        if appraiser is not None and appraiser.slack_user_id:
            deliveries.append(
                Delivery(
                    f"star:{project.id}:evaluation:{now:%Y%m%dT%H%M%S}",
                    appraiser.slack_user_id,
                    "star_evaluation_request",
                    {"status": status},
                )
            )
        return Outcome(status, enqueue(session=session, deliveries=deliveries, now=now))


def _check(project: StarProject, evaluation: Evaluation) -> None:
    if project.stage != EVALUATE_STAGE:
        raise invalid(LEARNED, "star.not_at_evaluation")
    errors = length_problems({LEARNED: evaluation.learned})
    if not evaluation.learned.strip():
        errors[LEARNED] = problem("star.no_learning")
    if evaluation.would_share is None:
        errors[WOULD_SHARE] = problem("star.no_share_answer")
    if errors:
        raise InvalidInput(errors)


def confirm_evaluation(
    *, db: Database, calendar: SchoolCalendar, appraiser: Staff, project_id: int, now: datetime
) -> Outcome:
    """The owner's appraiser confirms the evaluation: the project passes."""
    with db.session() as session:
        appraiser = refreshed(session, appraiser)
        project = project_by_id(session=session, project_id=project_id)
        owner = (
            staff_by_ids(session=session, ids=[project.owner_id]).get(project.owner_id)
            if project
            else None
        )
        if project is None or owner is None or owner.appraiser_id != appraiser.id:
            raise NotAllowed(problem("star.appraiser_only"))
        if project.evaluation_submitted_at is None:
            raise invalid(LEARNED, "star.not_evaluated")
        deliveries = []
        if project.evaluated_at is None:
            project.evaluated_at = now
            project.evaluated_by = appraiser.id
            project.updated_at = now
            session.add(project)
            if owner.slack_user_id:
                deliveries.append(
                    Delivery(
                        f"star:{project.id}:evaluated",
                        owner.slack_user_id,
                        "star_status",
                        {"status": status_of(session, calendar, project), "intro": "evaluated"},
                    )
                )
        status = status_of(session, calendar, project)
        return Outcome(status, enqueue(session=session, deliveries=deliveries, now=now))
