"""Queries on the audit log (bot.admin.audit)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from storage.models import AuditEvent


def add_event(
    *,
    session: Session,
    at: datetime,
    actor: str,
    action: str,
    subject: str | None,
    detail: str = "",
) -> None:
    session.add(AuditEvent(at=at, actor=actor, action=action, subject=subject, detail=detail))


def events(
    *, session: Session, email: str | None = None, since: datetime | None = None
) -> Sequence[AuditEvent]:
    """Events in the order they happened: all, or those by or about `email`, from `since`."""
    query = select(AuditEvent)
    if email is not None:
        query = query.where(or_(col(AuditEvent.actor) == email, col(AuditEvent.subject) == email))
    if since is not None:
        query = query.where(col(AuditEvent.at) >= since)
    return session.exec(query.order_by(col(AuditEvent.at), col(AuditEvent.id))).all()


def rename_person(*, session: Session, email: str, to: str) -> int:
    """Write `to` wherever the log names `email` (an erased person's pseudonym)."""
    renamed = 0
    for column in (AuditEvent.actor, AuditEvent.subject):
        result = session.execute(
            update(AuditEvent)
            .where(col(column) == email)
            .values({column: to})
            .execution_options(synchronize_session=False)
        )
        renamed += int(result.rowcount)  # type: ignore[attr-defined]
    return renamed


def delete_events_before(*, session: Session, before: datetime) -> int:
    result = session.execute(delete(AuditEvent).where(col(AuditEvent.at) < before))
    return int(result.rowcount)  # type: ignore[attr-defined]
