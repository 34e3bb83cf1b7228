"""A consistent copy of the whole database while `serve` runs, and putting one back.

SQLite: the online backup API copies a snapshot page by page (a `cp` of a WAL
database misses what is still in the -wal file). PostgreSQL: pg_dump's custom
format, and pg_restore, run with the connection details of DATABASE_URL passed in
their environment (never on the command line, where other users could read the
password). Backup files are created readable by their owner only.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.core.errors import StaffroomError
from storage.db import Database, create_private_file, sqlite_path

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
PG_CLIENT_HINT = (
    "install PostgreSQL's client tools (Debian/Ubuntu: apt install postgresql-client), "
    "or use pg_dump/pg_restore yourself as the README describes"
)


@dataclass(frozen=True)
class Copied:
    rows: dict[str, int]  # table -> rows in the copy
    size: int  # bytes of the backup file

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def backup(*, db: Database, target: Path) -> Copied:
    """Write a consistent copy of `db` to `target` (replacing it only once the copy is whole)."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        create_private_file(partial)
    except OSError as error:
        raise StaffroomError(f"cannot write {target}: {error.strerror}") from None
    try:
        path = sqlite_path(db.url)
        if path is not None:
            _sqlite_backup(path, partial)
        else:
            _pg("pg_dump", db.url, "--format=custom", "--no-owner", f"--file={partial}")
        rows = db.row_counts()
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return Copied(rows=rows, size=target.stat().st_size)


def restore(*, url: str, source: Path, replace: bool) -> Copied:
    """Put the backup `source` into the database at `url`, which must be empty unless `replace`."""
    kind = _kind(source)
    path = sqlite_path(url)
    if (path is not None) != (kind == "sqlite"):
        have = "a SQLite" if kind == "sqlite" else "a PostgreSQL"
        raise StaffroomError(f"{source} is {have} backup and DATABASE_URL is not that kind")
    if path is None or path.exists():
        held = _records(url)
        if held and not replace:
            raise StaffroomError(
                f"the database already holds {held} records: add --yes to replace them "
                "with the backup (stop `staffroom serve` first)"
            )
    if path is not None:
        create_private_file(path)
        _sqlite_restore(source, path)
    else:
        _pg(
            "pg_restore",
            url,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={make_url(url).database}",  # the rest of the connection is in PG* variables
            str(source),
        )
    db = Database(url)
    try:
        db.migrate()  # a backup from an older version is brought up to date
        rows = db.row_counts()
    finally:
        db.dispose()
    return Copied(rows=rows, size=source.stat().st_size)


def _records(url: str) -> int:
    db = Database(url)
    try:
        return sum(db.row_counts().values()) if db.has_schema() else 0
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise StaffroomError(
            f"cannot open the database to restore into ({reason}): create it first"
        ) from None
    finally:
        db.dispose()


def _kind(source: Path) -> str:
    try:
        with source.open("rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise StaffroomError(f"cannot read {source}: {error.strerror}") from None
    if head.startswith(SQLITE_MAGIC):
        with _sqlite(source) as connection:
            found = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
        if found is None:
            raise StaffroomError(f"{source} is a SQLite file but not a staffroom backup")
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise StaffroomError(f"{source} is not a staffroom backup (SQLite or pg_dump custom format)")


@contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path, timeout=30)) as connection:
        connection.execute("PRAGMA busy_timeout=30000")
        yield connection


def _sqlite_backup(source: Path, target: Path) -> None:
    with _sqlite(source) as live, _sqlite(target) as copy:
        live.backup(copy)  # one step: a snapshot of the last commit, writers carry on
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
    if verdict != "ok":
        raise StaffroomError(f"the copy failed SQLite's integrity check: {verdict}")


def _sqlite_restore(source: Path, target: Path) -> None:
    with _sqlite(source) as copy, _sqlite(target) as live:
        copy.backup(live)
        live.execute("PRAGMA journal_mode=WAL")


def _pg(tool: str, url: str, *args: str) -> None:
    program = shutil.which(tool)
    if program is None:
        raise StaffroomError(f"{tool} is not installed: {PG_CLIENT_HINT}")
    done = subprocess.run(
        [program, *args], env=_pg_environment(url), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise StaffroomError(f"{tool} failed: {lines[0] if lines else done.returncode}")


def _pg_environment(url: str) -> dict[str, str]:
    """libpq's variables for `url` (so the password is never an argument)."""
    parsed = make_url(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    values = {
        "PGHOST": parsed.host,
        "PGPORT": parsed.port,
        "PGUSER": parsed.username,
        "PGPASSWORD": parsed.password,
        "PGDATABASE": parsed.database,
        "PGOPTIONS": parsed.query.get("options"),
        "PGSSLMODE": parsed.query.get("sslmode"),
    }
    env.update({name: str(value) for name, value in values.items() if value})
    return env
