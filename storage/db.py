"""The database handle: engine, sessions, migrations, health."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine, ExceptionContext, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
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
        """Whether the database answers (reading: never waiting for a writer to finish)."""
        try:
            with self._reader.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def dispose(self) -> None:
        self.engine.dispose()

    def has_schema(self) -> bool:
        """Whether staffroom's migrations have ever run here (its version table exists).

        A SQLite file is only read for this: a file that is not staffroom's is left as it was.
        """
        path = sqlite_path(self.url)
        if path is not None:
            uri = f"{path.as_uri()}?mode=ro"
            with closing(sqlite3.connect(uri, uri=True)) as connection:
                found = connection.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
                ).fetchone()
            return found is not None
        with self.engine.connect() as connection:
            return inspect(connection).has_table("alembic_version")

    def row_counts(self) -> dict[str, int]:
        """Rows in each of staffroom's tables (the migrations' version table left out)."""
        from sqlmodel import SQLModel

        import storage.models  # noqa: F401  (the tables are registered on import)

        with self.engine.connect() as connection:
            present = set(inspect(connection).get_table_names())
            return {
                table.name: int(
                    connection.execute(text(f'SELECT COUNT(*) FROM "{table.name}"')).scalar_one()
                )
                for table in SQLModel.metadata.sorted_tables
                if table.name in present
            }


def sqlite_path(url: str) -> Path | None:
    """The file a SQLite URL names (None for PostgreSQL or an in-memory database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).absolute()


def create_private_file(path: Path) -> None:
    """Create `path` (and its folder) readable by its owner only, unless it exists.

    SQLite gives its -wal and -shm files the database file's permissions.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("storage") / "migrations"))
    return config


def _make_engine(url: str) -> Engine:
    engine = _engine_for(url)
    event.listen(engine, "handle_error", _without_row_data)
    return engine


def _engine_for(url: str) -> Engine:
    # hide_parameters: an error's message never carries the values of its statement
    # (what people wrote), so no log line can.
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if path is None:
            kwargs["poolclass"] = StaticPool
        else:
            create_private_file(path)  # before SQLite creates it readable by everyone
        engine = create_engine(url, hide_parameters=True, **kwargs)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # Bolt's listener threads, the delivery pool and the scheduler share the pool.
    return create_engine(
        url, hide_parameters=True, pool_pre_ping=True, pool_size=10, max_overflow=30
    )


def _without_row_data(context: ExceptionContext) -> BaseException | None:
    """PostgreSQL's error with its first line only: its DETAIL repeats the row's values
    ("Failing row contains (…)", "Key (email)=(…) already exists")."""
    error = context.original_exception
    primary = getattr(getattr(error, "diag", None), "message_primary", None)
    if not isinstance(primary, str) or not primary:
        return None
    error.args = (primary,)  # the driver's own exception, chained as the cause
    if context.sqlalchemy_exception is None:
        return None
    return DBAPIError.instance(  # the same error, its message made again without DETAIL
        context.statement,
        None,
        error,
        context.dialect.loaded_dbapi.Error,
        hide_parameters=True,
        connection_invalidated=context.is_disconnect,
        dialect=context.dialect,
    )


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
