"""Requests from Slack handled once: a key inserted in the transaction that does the work."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col

from storage.db import Database
from storage.models import HandledRequest

_log = logging.getLogger(__name__)


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


def seen_before(db: Database, key: str, now: datetime) -> bool:
    """Whether this request was handled already, marking it handled if not.

    When the database will not take the mark (full, read-only, gone for a moment) the
    answer is "not seen": work that only reads is harmless twice and should still work
    for a person reading their record; work that writes meets the same refusal and the
    person is told. Only a request Slack sent twice in that very moment could be done
    twice.
    """
    try:
        with db.session() as session:
            return not first_time(session=session, key=key, now=now)
    except SQLAlchemyError as error:
        _log.warning("could not mark a request handled (%s); doing it", type(error).__name__)
        return False
