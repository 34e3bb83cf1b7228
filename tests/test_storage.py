"""Storage: the migrations build exactly the tables the models describe, on
SQLite and PostgreSQL, and times go in and come out as UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import StatementError
from sqlmodel import SQLModel

from storage.models import Commendation
from tests.factories import add_staff


def test_migrations_match_the_models(database):
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_migrating_again_is_harmless(database):
    database.migrate()
    assert database.ping()


def test_times_are_stored_and_returned_in_utc(database):
    author = add_staff(database, "Alice", slack_user_id="UALICE")
    summer_evening = datetime(2026, 7, 1, 22, 30, tzinfo=timezone(timedelta(hours=1)))
    with database.session() as session:
        session.add(Commendation(author_id=author.id, message="m", created_at=summer_evening))
    with database.session() as session:
        stored = session.get(Commendation, 1)
    assert stored.created_at == summer_evening
    assert stored.created_at.tzinfo is UTC or stored.created_at.utcoffset() == timedelta(0)
    assert stored.created_at.hour == 21


def test_naive_times_are_refused(database):
    author = add_staff(database, "Alice", slack_user_id="UALICE")
    with pytest.raises(StatementError, match="naive datetime"), database.session() as session:
        session.add(Commendation(author_id=author.id, message="m", created_at=datetime(2026, 7, 1)))
        session.flush()
