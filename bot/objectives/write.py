"""Writing the year's three objectives (the person), until their appraiser agrees them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.core.calendar import SchoolCalendar
from bot.core.errors import NotAllowed, problem
from bot.core.framework import Framework
from bot.core.people import active_appraiser, refreshed
from bot.core.usecase import UseCase
from bot.ladder.grid import TARGET_CHECKPOINT
from bot.objectives import rules
from bot.objectives.view import ObjectivesView, objectives_view, standard_set_of, year_now
from bot.outbox.queue import Delivery, enqueue
from storage.db import Database
from storage.models import Staff
from storage.objectives import objective_set_of, set_sheet_target, write_objectives


@dataclass(frozen=True)
class Draft:
    """What the person typed into the objectives form."""

    main_role: str
    star: str
    leadership: str
    standards: list[str] = field(default_factory=list)
    target: int | None = None

    def texts(self) -> dict[int, str]:
        return {
            rules.MAIN_ROLE: self.main_role,
            rules.STAR: self.star,
            rules.LEADERSHIP: self.leadership,
        }


@dataclass(frozen=True)
class Written:
    view: ObjectivesView
    outbox_ids: list[int]
    refresh: list[str]  # Slack ids whose App Home shows these objectives


def check_not_agreed(session: Session, person: Staff, year: str) -> None:
    assert person.id is not None
    found = objective_set_of(session=session, staff_id=person.id, academic_year=year)
    if found is not None and found.agreed_at is not None:
        raise NotAllowed(problem("objectives.agreed"))


@dataclass(frozen=True)
class WriteObjectives(UseCase[Written]):
    """Check and store the three objectives, and ask the appraiser to agree them."""

    db: Database
    framework: Framework
    calendar: SchoolCalendar
    person: Staff
    draft: Draft
    now: datetime

    def run(self, session: Session, *, write: bool) -> Written | None:
        person = refreshed(session, self.person)
        year = year_now(self.calendar, self.now).label
        check_not_agreed(session, person, year)
        standard_set = self.framework.standard_sets[standard_set_of(self.framework, person)]
        draft = self.draft
        rules.check_objectives(
            draft.texts(), draft.standards, standard_set, draft.target, self.framework
        )
        if not write:
            return None
        assert person.id is not None
        # Objective 3 aims for a ladder level only in a trust with a ladder.
        target = draft.target if self.framework.has_ladder else None
        standards = list(dict.fromkeys(draft.standards))
        stored = write_objectives(
            session=session,
            staff_id=person.id,
            academic_year=year,
            texts=[
                (number, text.strip(), standards if number == rules.MAIN_ROLE else [])
                for number, text in draft.texts().items()
            ],
            target_level=target,
            now=self.now,
        )
        if target is not None:
            set_sheet_target(
                session=session,
                staff_id=person.id,
                academic_year=year,
                checkpoint=TARGET_CHECKPOINT,
                target_level=target,
            )
        view = objectives_view(session, self.framework, self.calendar, person, self.now)
        appraiser = active_appraiser(session, person)
        key = f"objectives:{stored.id}:v{stored.version}"
        context = {"view": view, "appraiser": None}
        deliveries = []
        if person.slack_user_id:
            deliveries.append(
                Delivery(
                    f"{key}:saved",
                    person.slack_user_id,
                    "objectives_saved",
                    {**context, "has_appraiser": appraiser is not None},
                )
            )
        refresh = [person.slack_user_id] if person.slack_user_id else []
        if appraiser is not None and appraiser.slack_user_id:
            deliveries.append(
                Delivery(
                    f"{key}:to-agree",
                    appraiser.slack_user_id,
                    "objectives_to_agree",
                    {**context, "changed": False, "agreed_now": False},
                )
            )
            refresh.append(appraiser.slack_user_id)
        outbox_ids = enqueue(session=session, deliveries=deliveries, now=self.now)
        return Written(view, outbox_ids, refresh)
