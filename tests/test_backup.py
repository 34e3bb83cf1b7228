"""`staffroom backup` while `serve` is writing, and `staffroom restore` into a new database.

A `cp` of a SQLite database in WAL mode, taken while serve ran, missed the last
commendation; the online backup must not. Every table of a restored database is
compared with the original's.
"""

from __future__ import annotations

import os
import shutil
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx2 as httpx
import pytest
from sqlalchemy import text
from sqlmodel import SQLModel, select

from storage.db import Database
from storage.models import Commendation
from tests.acting import posted
from tests.conftest import TEST_DATABASE_URL
from tests.slack_requests import SIGNING_SECRET, command_payload, signed_headers
from tests.test_serve import ROSTER, Serving, _free_port, _healthy, _staffroom, _until


class Databases:
    """New, empty databases of one kind, each dropped at the end."""

    def __init__(self, kind: str, folder: Path) -> None:
        self.kind = kind
        self.folder = folder
        self.made: list[str] = []

    def new(self, name: str) -> str:
        if self.kind == "sqlite":
            return f"sqlite:///{self.folder / name}.db"
        database = f"staffroom_backup_{os.getpid()}_{name}"
        admin = Database(TEST_DATABASE_URL)
        with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text(f"DROP DATABASE IF EXISTS {database}"))
            c.execute(text(f"CREATE DATABASE {database}"))
        admin.dispose()
        self.made.append(database)
        return TEST_DATABASE_URL.rsplit("/", 1)[0] + f"/{database}"

    def drop(self) -> None:
        admin = Database(TEST_DATABASE_URL)
        with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            for database in self.made:
                c.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request, tmp_path) -> Iterator[Databases]:
    if request.param == "postgresql":
        if not TEST_DATABASE_URL:
            pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (set by .ci/run)")
        if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
            pytest.skip("PostgreSQL backups need pg_dump and pg_restore (postgresql-client)")
    made = Databases(request.param, tmp_path)
    yield made
    if request.param == "postgresql":
        made.drop()


def _env(fake_slack, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "STAFFROOM_"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        DATABASE_URL=url,
        PORT=str(_free_port()),
    )
    return env


def _tables(url: str) -> dict[str, list[tuple]]:
    db = Database(url)
    try:
        with db.engine.connect() as connection:
            return {
                table.name: [
                    tuple(row)
                    for row in connection.execute(
                        select(table).order_by(*table.primary_key.columns)
                    )
                ]
                for table in SQLModel.metadata.sorted_tables
            }
    finally:
        db.dispose()


def test_backup_while_serve_writes_then_restore_into_a_new_database(
    databases, fake_slack, tmp_path
):
    for user_id, email in [
        ("UAMIR", "amir@saltash.sch.uk"),
        ("UALICE", "alice@saltash.sch.uk"),
        ("UBOB", "bob@saltash.sch.uk"),
    ]:
        fake_slack.add_user(user_id, email)
    source = databases.new("live")
    env = _env(fake_slack, source)
    (tmp_path / "staff.csv").write_text(ROSTER, encoding="utf-8")
    imported = _staffroom(env, "import-staff", str(tmp_path / "staff.csv"))
    assert imported.returncode == 0, imported.stderr
    serving = Serving(env, "--no-scheduler")  # its ticks on the real clock would change rows
    base = f"http://127.0.0.1:{env['PORT']}"
    _until(lambda: _healthy(serving, base), 30, "serve")

    stop = threading.Event()
    sent: list[int] = []

    def commend_until_stopped() -> None:
        n = 0
        while not stop.is_set() and n < 400:
            n += 1
            body = urlencode(
                command_payload(
                    "/commend",
                    f"<@UBOB|bob> thanks #{n}",
                    user_id="UALICE",
                    channel_id="C1",
                    response_url=fake_slack.response_url(),
                )
            )
            response = httpx.post(
                f"{base}/slack/events", content=body, headers=signed_headers(body), timeout=5
            )
            assert response.status_code == 200
            sent.append(n)

    writer = threading.Thread(target=commend_until_stopped)
    writer.start()
    try:
        _until(lambda: len(posted(fake_slack, "commend:", "UBOB")) >= 10, 30, "ten of them")
        # Each DM Bob received was sent after its commendation was committed.
        delivered = {m["text"] for m in posted(fake_slack, "commend:", "UBOB")}
        during = tmp_path / "during.backup"
        backed_up = _staffroom(env, "backup", str(during))
        _until(lambda: len(sent) >= len(delivered) + 10, 30, "writes after the backup")
    finally:
        stop.set()
        writer.join(timeout=30)
    assert backed_up.returncode == 0, backed_up.stderr
    assert backed_up.stdout.startswith(f"backed up {_hidden(source)} to {during}: 3 staff, ")
    assert stat.S_IMODE(during.stat().st_mode) == 0o600

    # Everything committed before the backup began is in it, and the copy is whole.
    first = databases.new("first")
    restored = _staffroom({**env, "DATABASE_URL": first}, "restore", str(during))
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith(f"restored {during} into {_hidden(first)}: 3 staff, ")
    copy = Database(first)
    with copy.read_session() as session:
        messages = {c.message for c in session.exec(select(Commendation)).all()}
    copy.dispose()
    assert {t.split(": ", 1)[1] for t in delivered} <= messages
    assert len(delivered) <= len(messages) < len(sent)

    # Quiet now (serve still running): a second backup restores to an identical database.
    _until(lambda: len(posted(fake_slack, "commend:")) == 3 * len(sent), 60, "every message sent")
    quiet = tmp_path / "quiet.backup"
    assert _staffroom(env, "backup", str(quiet)).returncode == 0
    second = databases.new("second")
    assert _staffroom({**env, "DATABASE_URL": second}, "restore", str(quiet)).returncode == 0
    original = _tables(source)
    assert len(original["commendation"]) == len(sent)
    assert _records(_tables(second)) == _records(original)
    # The audit log was copied too, and records the backup (after it was taken) and the restore.
    actions = [row[3] for row in original["audit_event"]]
    assert actions == ["admin.import-staff", "admin.backup", "admin.backup"]
    assert [row[3] for row in _tables(second)["audit_event"]] == [*actions[:-1], "admin.restore"]

    # A database that holds records is replaced only when asked.
    assert serving.stop() in (0, -15)
    refused = _staffroom(env, "restore", str(during))
    assert refused.returncode == 2 and refused.stdout == ""
    held = sum(len(rows) for name, rows in original.items())
    assert refused.stderr == (
        f"staffroom: the database already holds {held} records: add --yes to replace them "
        "with the backup (stop `staffroom serve` first)\n"
    )
    replaced = _staffroom(env, "restore", str(during), "--yes")
    assert replaced.returncode == 0, replaced.stderr
    assert _records(_tables(source)) == _records(_tables(first))


def _records(tables: dict) -> dict:
    """Every table but the audit log, which records the backups and restores themselves."""
    return {name: rows for name, rows in tables.items() if name != "audit_event"}


def _hidden(url: str) -> str:
    from bot.cli.common import safe_url

    return safe_url(url)


def test_sqlite_files_are_readable_by_their_owner_only(tmp_path):
    path = tmp_path / "data" / "staffroom.db"
    db = Database(f"sqlite:///{path}")
    db.migrate()
    db.dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for sibling in path.parent.iterdir():  # the -wal and -shm files too, if still there
        assert stat.S_IMODE(sibling.stat().st_mode) == 0o600, sibling


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"hello", "is not a staffroom backup (SQLite or pg_dump custom format)"),
        (None, "cannot read"),
    ],
)
def test_restoring_something_else_is_one_line(tmp_path, monkeypatch, capsys, content, message):
    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    source = tmp_path / "file.backup"
    if content is not None:
        source.write_bytes(content)
    assert main(["restore", str(source)]) == 2
    out, err = capsys.readouterr()
    assert (out == "" and err.startswith(f"staffroom: {source}")) or err.startswith(
        f"staffroom: cannot read {source}"
    )
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "new.db").exists()


def test_pg_dump_missing_is_named_with_what_to_install(monkeypatch, capsys, tmp_path):
    if not TEST_DATABASE_URL:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (set by .ci/run)")
    from bot.cli import main

    made = Databases("postgresql", tmp_path)  # its own: the shared one may be any version
    try:
        url = made.new("no_client_tools")
        db = Database(url)
        db.migrate()
        db.dispose()
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("PATH", str(tmp_path))  # no PostgreSQL client tools here
        assert main(["backup", str(tmp_path / "x.backup")]) == 2
    finally:
        made.drop()
    err = capsys.readouterr().err
    assert err == (
        "staffroom: pg_dump is not installed: install PostgreSQL's client tools "
        "(Debian/Ubuntu: apt install postgresql-client), or use pg_dump/pg_restore yourself "
        "as the README describes\n"
    )
    assert not (tmp_path / "x.backup").exists()


def test_a_backup_into_a_folder_that_does_not_exist_is_refused(database, monkeypatch, capsys):
    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", database.url)
    assert main(["backup", "/nonexistent/staffroom/x.backup"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "staffroom: no folder /nonexistent/staffroom: create it first (nothing was backed up)\n"
    )
    assert not Path("/nonexistent").exists()


def test_migrate_says_whether_it_created_upgraded_or_found_the_database(
    databases, monkeypatch, capsys
):
    from alembic import command

    from bot.cli import main
    from bot.cli.common import safe_url
    from storage.db import alembic_config, sqlite_path

    url = databases.new("migrated")
    monkeypatch.setenv("DATABASE_URL", url)
    shown = safe_url(url)

    def migrate() -> str:
        assert main(["migrate"]) == 0
        out, err = capsys.readouterr()
        assert err == ""
        return out

    path = sqlite_path(url)
    created = (
        f"created a new staffroom database at {path}\n"
        if path
        else f"created staffroom's tables in the database at {shown}\n"
    )
    assert migrate() == created
    assert migrate() == f"the database at {shown} is up to date\n"

    db = Database(url)
    with db.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")
    db.dispose()
    assert migrate() == f"upgraded the database at {shown} to the newest schema\n"
    assert migrate() == f"the database at {shown} is up to date\n"
