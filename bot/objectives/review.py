"""The appraiser's review of each objective at a checkpoint: a status and a comment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.core.calendar import SchoolCalendar
from bot.core.errors import InvalidInput, NotAllowed, Problem, problem
from bot.core.framework import Framework
from bot.core.people import refreshed
from bot.core.usecase import UseCase
from bot.objectives import rules
from bot.objectives.agree import appraisee_set
from bot.objectives.view import ObjectivesView, objectives_view
from bot.outbox.queue import Delivery, enqueue
from storage.db import Database
from storage.models import Staff
from storage.objectives import save_review


@dataclass(frozen=True)
class Reviewed:
    view: ObjectivesView
    checkpoint: str
    outbox_ids: list[int]
    refresh: list[str]


@dataclass(frozen=True)
class ReviewObjectives(UseCase[Reviewed]):
    """Store a status and comment per objective for the checkpoint the form was opened at."""

    db: Database
    framework: Framework
    calendar: SchoolCalendar
    appraiser: Staff
    set_id: int
    checkpoint: str
    statuses: Mapping[int, str | None]
    comments: Mapping[int, str]
    now: datetime

    def run(self, session: Session, *, write: bool) -> Reviewed | None:
        appraiser = refreshed(session, self.appraiser)
        found, subject = appraisee_set(session, appraiser, self.set_id)
        if found.agreed_at is None:
            raise NotAllowed(problem("objectives.not_agreed_yet"))
        window = rules.review_window_at(self.framework, self.calendar.today(self.now))
        if (
            window is None
            or window.checkpoint.key != self.checkpoint
            or window.year.label != found.academic_year
        ):
            raise NotAllowed(problem("objectives.review_moved_on"))
        chosen = rules.check_statuses(self.framework, self.checkpoint, self.statuses)
        errors: dict[str, Problem] = {}
        for number in rules.NUMBERS:
            try:
                rules.check_comment(self.comments.get(number, ""), rules.comment_field(number))
            except InvalidInput as error:
                errors.update(error.problems)
        if errors:
            raise InvalidInput(errors)
        if not write:
            return None
        assert appraiser.id is not None
        for number, status in chosen.items():
            save_review(
                session=session,
                set_id=self.set_id,
                number=number,
                checkpoint=self.checkpoint,
                status=status,
                comment=self.comments.get(number, "").strip(),
                reviewed_by=appraiser.id,
                now=self.now,
            )
        view = objectives_view(
            session, self.framework, self.calendar, subject, self.now, found.academic_year
        )
        deliveries = []
        if subject.slack_user_id:
            deliveries.append(
                Delivery(
                    f"objectives:{self.set_id}:review:{self.checkpoint}:{self.now:%Y%m%dT%H%M%S}",
                    subject.slack_user_id,
                    "objectives_reviewed",
                    {"view": view, "checkpoint": window.checkpoint.name, "key": self.checkpoint},
                )
            )
        refresh = [p for p in (subject.slack_user_id, appraiser.slack_user_id) if p]
        outbox_ids = enqueue(session=session, deliveries=deliveries, now=self.now)
        return Reviewed(view, self.checkpoint, outbox_ids, refresh)
