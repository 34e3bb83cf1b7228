"""Leadership training write-ups (SMART's Expected Standards, "Leadership training"): after
training, the person writes up what they learned, and it goes in their Staff Appraisal
Report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.core.calendar import SchoolCalendar
from bot.core.errors import InvalidInput, Problem, problem
from bot.core.people import refreshed
from bot.core.usecase import UseCase
from storage.db import Database
from storage.models import LeadershipTraining, Staff
from storage.objectives import add_training, training_of

TITLE, TAKEN_ON, LEARNED = "title", "taken_on", "learned"
MAX_TITLE, MAX_LEARNED = 150, 3000


@dataclass(frozen=True)
class TrainingView:
    title: str
    taken_on: date
    learned: str


def views_of(rows: list[LeadershipTraining]) -> list[TrainingView]:
    return [TrainingView(r.title, r.taken_on, r.learned) for r in rows]


def training_for(session: Session, person: Staff) -> list[TrainingView]:
    assert person.id is not None
    return views_of(list(training_of(session=session, staff_id=person.id)))


@dataclass(frozen=True)
class Added:
    training: TrainingView
    outbox_ids: list[int]
    refresh: list[str]


@dataclass(frozen=True)
class AddTraining(UseCase[Added]):
    db: Database
    calendar: SchoolCalendar
    person: Staff
    title: str
    taken_on: date | None
    learned: str
    now: datetime

    def run(self, session: Session, *, write: bool) -> Added | None:
        person = refreshed(session, self.person)
        errors: dict[str, Problem] = {}
        title, learned = self.title.strip(), self.learned.strip()
        if not title:
            errors[TITLE] = problem("home.training_no_title")
        elif len(title) > MAX_TITLE:
            errors[TITLE] = problem("home.too_long", length=len(title), limit=MAX_TITLE)
        if self.taken_on is None:
            errors[TAKEN_ON] = problem("home.training_no_date")
        elif self.taken_on > self.calendar.today(self.now):
            errors[TAKEN_ON] = problem("home.training_in_future")
        if not learned:
            errors[LEARNED] = problem("home.training_nothing_learned")
        elif len(learned) > MAX_LEARNED:
            errors[LEARNED] = problem("home.too_long", length=len(learned), limit=MAX_LEARNED)
        if errors:
            raise InvalidInput(errors)
        if not write:
            return None
        assert person.id is not None and self.taken_on is not None
        row = add_training(
            session=session,
            training=LeadershipTraining(
                staff_id=person.id,
                title=title,
                taken_on=self.taken_on,
                learned=learned,
                created_at=self.now,
            ),
        )
        refresh = [person.slack_user_id] if person.slack_user_id else []
        return Added(TrainingView(row.title, row.taken_on, row.learned), [], refresh)
