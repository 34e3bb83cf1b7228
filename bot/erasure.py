"""Erasing a person's personal data on request (PRODUCT §3.2 `staffroom erase`).

The person's row stays, anonymised, so that counts by school and role still
add up; their name, email, grade, Slack identity and appraiser link go, the
words of every commendation they wrote or received are blanked, and every
message the app queued or sent about those commendations, or to them, is
deleted from the outbox. One transaction: all of it or none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.errors import StaffroomError
from storage.commendations import erase_messages, ids_involving
from storage.db import Database
from storage.outbox import delete_messages
from storage.staff import staff_by_email

ERASED_NAME = "(erased)"


@dataclass(frozen=True)
class ErasureReport:
    commendations: int
    outbox_messages: int


def erase_person(*, db: Database, email: str, now: datetime) -> ErasureReport:
    with db.session() as session:
        person = staff_by_email(session=session, email=email)
        if person is None or person.id is None:
            raise StaffroomError(f"nobody with email {email.strip().lower()} is on the roster")
        commendation_ids = ids_involving(session=session, staff_id=person.id)
        erase_messages(session=session, commendation_ids=commendation_ids)
        purged = delete_messages(
            session=session,
            key_prefixes=[f"commend:{cid}:" for cid in commendation_ids],
            channel=person.slack_user_id,
        )
        person.email = f"erased-{person.id}@erased.invalid"
        person.name = ERASED_NAME
        person.grade = ""
        person.slack_user_id = None
        person.appraiser_id = None
        person.leader = None
        person.active = False
        person.updated_at = now
        session.add(person)
        return ErasureReport(commendations=len(commendation_ids), outbox_messages=purged)
