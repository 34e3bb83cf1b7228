"""Whose record an outbox message is about, read from its key.

Messages about a record are keyed `<kind>:<record id>:…` (a ladder sheet's by the
person's id): `feedback:12:copy:4`, `visit:3:logged`, `star:7:started`,
`objectives:9:review:mid:…`, `ladder:5:2026-27:sep:…`. Praise, channel posts and
nudges are not records about one person and name none here.
"""

from __future__ import annotations

from sqlmodel import Session

from storage.models import Feedback, ObjectiveSet, Staff, StarProject, Visit


def record_of_key(session: Session, key: str) -> tuple[Staff, int | None] | None:
    """The subject of the record a message is about, and its author's id if it has one."""
    kind, _, rest = key.partition(":")
    first = rest.split(":", 1)[0]
    if not first.isdigit():
        return None
    record_id = int(first)
    subject_id: int | None
    author_id: int | None = None
    if kind == "feedback":
        feedback = session.get(Feedback, record_id)
        if feedback is None:
            return None
        subject_id, author_id = feedback.observee_id, feedback.observer_id
    elif kind == "visit":
        visit = session.get(Visit, record_id)
        if visit is None:
            return None
        subject_id, author_id = visit.observee_id, visit.observer_id
    elif kind == "star":
        project = session.get(StarProject, record_id)
        subject_id = project.owner_id if project is not None else None
    elif kind == "objectives":
        objectives = session.get(ObjectiveSet, record_id)
        subject_id = objectives.staff_id if objectives is not None else None
    elif kind == "ladder":
        subject_id = record_id
    else:
        return None
    subject = session.get(Staff, subject_id) if subject_id is not None else None
    return (subject, author_id) if subject is not None else None
