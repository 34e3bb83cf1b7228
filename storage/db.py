"""The database handle: engine, sessions, migrations, health."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

MIGRATIONS = 0x5F0B1  # with the schema's name, the advisory lock migrations run under (PostgreSQL)


class Database:
    """One engine per process; `session()` is one transaction."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _make_engine(url)
        self._reader = self.engine.execution_options(staffroom_read_only=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session for reading only: on SQLite it never waits for a writer.

        Closing ends its transaction without expiring what it loaded, so the
        objects stay readable afterwards.
        """
        with Session(self._reader, expire_on_commit=False) as session:
            yield session

    def migrate(self) -> bool:
        """Bring the schema to the newest migration (safe to run every start, by any
        number of processes at once: they take turns under a database lock)."""
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Held until this transaction ends; SQLite's BEGIN IMMEDIATE already queues.
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key, hashtext(current_schema()))"),
                    {"key": MIGRATIONS},
                )
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        return True

    def schema_is_current(self) -> bool:
        """Whether the schema is at the newest migration."""
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision() == head

    def ping(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("storage") / "migrations"))
    return config


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if memory:
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # Bolt's listener threads, the delivery pool and the scheduler share the pool.
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=30)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control from pysqlite (SQLAlchemy's documented recipe) so
    # that `_sqlite_begin` decides how each transaction starts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL cannot corrupt the database; it syncs at checkpoints, not
    # on every commit (a power cut may lose the last commits, an app crash never).
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A deferred transaction that reads and then writes cannot wait for another
    # writer in WAL mode: SQLite fails it at once with "database is locked".
    # Taking the write lock up front makes concurrent writers queue instead;
    # readers need no lock and see the last commit.
    if connection.get_execution_options().get("staffroom_read_only"):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
