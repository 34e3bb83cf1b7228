"""A database that refuses writes, as a full disk or a broken replica would: triggers that
fail every INSERT, UPDATE and DELETE on the tables named, on SQLite and PostgreSQL.

On PostgreSQL the failure carries the row in its DETAIL, as PostgreSQL's own
constraint errors do ("Failing row contains (…)").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import text
from sqlmodel import SQLModel

from storage.db import Database

FAILURE = "the disk is full"
_OPERATIONS = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def writes_fail(db: Database, tables: Sequence[str] | None = None) -> Iterator[None]:
    """Every write to `tables` (default: all of staffroom's) fails while this is open."""
    names = (
        list(tables) if tables is not None else [t.name for t in SQLModel.metadata.tables.values()]
    )
    create, drop = _statements(db, names)
    with db.engine.begin() as connection:
        for statement in create:
            connection.execute(text(statement))
    try:
        yield
    finally:
        with db.engine.begin() as connection:
            for statement in drop:
                connection.execute(text(statement))


def _statements(db: Database, tables: list[str]) -> tuple[list[str], list[str]]:
    if db.engine.dialect.name == "sqlite":
        create = [
            f"CREATE TRIGGER fail_{t}_{op} BEFORE {op} ON {t} "
            f"BEGIN SELECT RAISE(ABORT, '{FAILURE}'); END"
            for t in tables
            for op in _OPERATIONS
        ]
        drop = [f"DROP TRIGGER fail_{t}_{op}" for t in tables for op in _OPERATIONS]
        return create, drop
    function = (
        "CREATE FUNCTION staffroom_fail() RETURNS trigger AS $$ BEGIN "
        f"RAISE EXCEPTION '{FAILURE}' USING DETAIL = "
        "'Failing row contains ' || coalesce(NEW::text, OLD::text, ''); END $$ LANGUAGE plpgsql"
    )
    create = [function] + [
        f"CREATE TRIGGER fail_{t} BEFORE INSERT OR UPDATE OR DELETE ON {t} "
        "FOR EACH ROW EXECUTE FUNCTION staffroom_fail()"
        for t in tables
    ]
    drop = [f"DROP TRIGGER fail_{t} ON {t}" for t in tables] + ["DROP FUNCTION staffroom_fail()"]
    return create, drop
