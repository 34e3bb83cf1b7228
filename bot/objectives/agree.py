"""The appraiser agrees the objectives (a compare-and-set on the version the button
carries: agreeing what changed since shows the new version instead, and a double
click agrees once), or asks to talk about them first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlmodel import Session

from bot.core.calendar import SchoolCalendar
from bot.core.errors import NotAllowed, problem
from bot.core.framework import Framework
from bot.core.people import refreshed
from bot.core.usecase import UseCase
from bot.objectives import rules
from bot.objectives.view import ObjectivesView, objectives_view
from bot.outbox.queue import Delivery, enqueue
from storage.db import Database
from storage.models import ObjectiveSet, Staff
from storage.objectives import agree_version, ask_to_talk, objective_set_by_id

Result = Literal["agreed", "already", "changed"]


@dataclass(frozen=True)
class Agreed:
    result: Result
    view: ObjectivesView
    outbox_ids: list[int]
    refresh: list[str]


def appraisee_set(session: Session, appraiser: Staff, set_id: int) -> tuple[ObjectiveSet, Staff]:
    """An objective set of one of the appraiser's appraisees (NotAllowed for anyone else)."""
    found = objective_set_by_id(session=session, set_id=set_id)
    subject = session.get(Staff, found.staff_id) if found is not None else None
    if found is None or subject is None or subject.appraiser_id != appraiser.id:
        raise NotAllowed(problem("objectives.not_appraiser"))
    return found, subject


def agree(
    *,
    db: Database,
    framework: Framework,
    calendar: SchoolCalendar,
    appraiser: Staff,
    set_id: int,
    version: int,
    now: datetime,
) -> Agreed:
    with db.session() as session:
        appraiser = refreshed(session, appraiser)
        found, subject = appraisee_set(session, appraiser, set_id)
        assert appraiser.id is not None
        if found.agreed_at is not None:
            result: Result = "already"
        elif found.version != version:
            result = "changed"
        elif agree_version(
            session=session, set_id=set_id, version=version, agreed_by=appraiser.id, now=now
        ):
            result = "agreed"
        else:  # another click or an edit got there first
            session.refresh(found)
            result = "already" if found.agreed_at is not None else "changed"
        session.refresh(found)  # as stored now, for the view
        view = objectives_view(session, framework, calendar, subject, now, found.academic_year)
        deliveries = []
        if result == "agreed" and subject.slack_user_id:
            deliveries.append(
                Delivery(
                    f"objectives:{set_id}:agreed",
                    subject.slack_user_id,
                    "objectives_agreed",
                    {"view": view},
                )
            )
        outbox_ids = enqueue(session=session, deliveries=deliveries, now=now)
        refresh = [p for p in (subject.slack_user_id, appraiser.slack_user_id) if p]
        return Agreed(result, view, outbox_ids, refresh if result == "agreed" else [])


@dataclass(frozen=True)
class Talked:
    view: ObjectivesView
    outbox_ids: list[int]
    refresh: list[str]


@dataclass(frozen=True)
class AskToTalk(UseCase[Talked]):
    """ "Let's talk": the appraiser does not agree yet and says why; the person may edit."""

    db: Database
    framework: Framework
    calendar: SchoolCalendar
    appraiser: Staff
    set_id: int
    comment: str
    now: datetime

    def run(self, session: Session, *, write: bool) -> Talked | None:
        appraiser = refreshed(session, self.appraiser)
        found, subject = appraisee_set(session, appraiser, self.set_id)
        if found.agreed_at is not None:
            raise NotAllowed(problem("objectives.agreed_already"))
        rules.check_comment(self.comment)
        if not write:
            return None
        comment = self.comment.strip()
        ask_to_talk(session=session, set_id=self.set_id, comment=comment, now=self.now)
        session.refresh(found)
        view = objectives_view(
            session, self.framework, self.calendar, subject, self.now, found.academic_year
        )
        deliveries = []
        if subject.slack_user_id:
            deliveries.append(
                Delivery(
                    f"objectives:{self.set_id}:talk:{self.now:%Y%m%dT%H%M%S}",
                    subject.slack_user_id,
                    "objectives_talk",
                    {
                        "view": view,
                        "appraiser": f"<@{appraiser.slack_user_id}>",
                        "comment": comment,
                    },
                )
            )
        refresh = [subject.slack_user_id] if subject.slack_user_id else []
        return Talked(view, enqueue(session=session, deliveries=deliveries, now=self.now), refresh)
