"""A person's whole record as JSON (PRODUCT §3.5): a data-subject access request."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.errors import StaffroomError
from bot.framework import Framework
from storage.commendations import commendations_given, commendations_received, recipient_ids_of
from storage.db import Database
from storage.models import Commendation
from storage.staff import staff_by_email, staff_by_ids


def export_person(*, db: Database, framework: Framework, email: str) -> dict[str, Any]:
    with db.read_session() as session:
        person = staff_by_email(session=session, email=email)
        if person is None or person.id is None:
            raise StaffroomError(f"nobody with email {email.strip().lower()} is on the roster")
        given = commendations_given(session=session, staff_id=person.id)
        received = commendations_received(session=session, staff_id=person.id)
        recipients = recipient_ids_of(
            session=session, commendation_ids=[c.id for c in given if c.id]
        )
        people = staff_by_ids(
            session=session,
            ids=[person.appraiser_id or 0]
            + [c.author_id for c in received]
            + [sid for ids in recipients.values() for sid in ids],
        )

        def email_of(staff_id: int | None) -> str | None:
            return people[staff_id].email if staff_id in people else None

        def value_name(c: Commendation) -> str | None:
            value = framework.value(c.value) if c.value else None
            return value.name if value else c.value

        def common(c: Commendation) -> dict[str, Any]:
            return {
                "message": c.message,
                "value": value_name(c),
                "public": c.public,
                "created_at": _iso(c.created_at),
            }

        return {
            "staff": {
                "email": person.email,
                "name": person.name,
                "school": person.school,
                "role": person.role.value,
                "grade": person.grade,
                "appraiser_email": email_of(person.appraiser_id),
                "slack_user_id": person.slack_user_id,
            },
            "commendations_given": [
                {"to": email_of(to), **common(c)} for c in given for to in recipients[c.id or 0]
            ],
            "commendations_received": [
                {"from": email_of(c.author_id), **common(c)} for c in received
            ],
            # Recorded by features still to come (feedback, visits, STAR, ladder):
            # present and empty, as the contract requires every list.
            "feedback_given": [],
            "feedback_received": [],
            "visits": [],
            "star_projects": [],
            "ladder": [],
        }


def _iso(moment: datetime) -> str:
    return moment.isoformat()
