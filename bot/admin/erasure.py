"""Erasing a person's personal data on request (`staffroom erase`).

The person's row stays, anonymised, so that counts by school and role still
add up; their name, email, grade, Slack identity and appraiser link go; the words
of every commendation and piece of feedback they wrote or received, and of their
STAR projects, objectives (with their reviews' comments) and training write-ups, are
blanked and their project notes deleted; and every message the
app queued or sent about those records, to them, or naming them, is deleted from
the outbox. The audit log then names them by the roster's pseudonym (the erasure's own
entry keeps the email it was asked for, as proof it was done). Levels on ladder sheets,
visit dates, ratings and measurements stay, as anonymous numbers. One transaction: all
of it or none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.core.errors import StaffroomError
from storage.audit import rename_person
from storage.commendations import erase_messages, ids_involving
from storage.db import Database
from storage.feedback import erase_feedback_words, visits_involving
from storage.models import Staff
from storage.objectives import erase_objectives
from storage.outbox import delete_messages
from storage.staff import staff_by_email
from storage.star import erase_projects

ERASED_NAME = "(erased)"
ERASED_DOMAIN = "erased.invalid"


@dataclass(frozen=True)
class ErasureReport:
    commendations: int
    feedback: int
    star_projects: int
    outbox_messages: int


def erase_person(*, db: Database, email: str, now: datetime) -> ErasureReport:
    with db.session() as session:
        person = staff_by_email(session=session, email=email)
        if person is None or person.id is None:
            raise StaffroomError(f"nobody with email {email.strip().lower()} is on the roster")
        commendation_ids = ids_involving(session=session, staff_id=person.id)
        erase_messages(session=session, commendation_ids=commendation_ids)
        feedback_ids = erase_feedback_words(session=session, staff_id=person.id)
        project_ids = erase_projects(session=session, owner_id=person.id)
        objective_set_ids = erase_objectives(session=session, staff_id=person.id)
        visit_ids = [v.id for v in visits_involving(session=session, staff_id=person.id) if v.id]
        purged = delete_messages(
            session=session,
            key_prefixes=[f"commend:{i}:" for i in commendation_ids]
            + [f"feedback:{i}:" for i in feedback_ids]
            + [f"visit:{i}:" for i in visit_ids]
            + [f"star:{i}:" for i in project_ids]
            + [f"objectives:{i}:" for i in objective_set_ids]
            + [f"ladder:{person.id}:"],
            channel=person.slack_user_id,
        )
        forget(session, person, now)
        return ErasureReport(
            commendations=len(commendation_ids),
            feedback=len(feedback_ids),
            star_projects=len(project_ids),
            outbox_messages=purged,
        )


def forget(session: Session, person: Staff, now: datetime) -> None:
    """The person's own row, anonymised: it stays so that counts still add up. The audit
    log names them by the same pseudonym."""
    pseudonym = f"erased-{person.id}@{ERASED_DOMAIN}"
    rename_person(session=session, email=person.email, to=pseudonym)
    person.email = pseudonym
    person.name = ERASED_NAME
    person.grade = ""
    person.slack_user_id = None
    person.appraiser_id = None
    person.leader = None
    person.active = False
    person.updated_at = now
    session.add(person)
