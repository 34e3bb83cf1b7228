"""Requests from Slack handled once: a key inserted in the transaction that does the work."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from storage.models import HandledRequest


def first_time(*, session: Session, key: str, now: datetime) -> bool:
    """Mark `key` handled in this transaction; False if it was handled already.

    Two transactions with the same key serialise on it: the second waits for the first
    to commit, then finds the key.
    """
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
    statement = (
        insert(HandledRequest)
        .values(key=key[:200], handled_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(col(HandledRequest.key))
    )
    # RETURNING names the row only when it was inserted (rowcount is not reliable here).
    return session.execute(statement).first() is not None
