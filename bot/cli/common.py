"""What every command that opens the database shares: settings, framework, database.

`start` may create the database (serve, import-staff, migrate); `open_existing`
never does: a command that reads or changes records (export, erase, backup, tick,
audit, purge, outbox) refuses a database that is not there and names the one it
looked at, rather than answering from an empty one.
"""

from __future__ import annotations

import logging

from bot.core.errors import FrameworkError, StaffroomError
from bot.core.framework import Framework, load_framework
from bot.runtime.config import Mode, Settings, load_settings
from bot.runtime.logs import configure_logging
from storage.db import Database, sqlite_path


def settings_for(mode: Mode) -> Settings:
    """Settings checked for `mode`, with logging set up as they ask."""
    settings = load_settings()
    # serve logs what it does; one-shot commands print their results and log only trouble.
    configure_logging(
        settings.log_format, level=logging.INFO if mode is Mode.SERVE else logging.WARNING
    )
    settings.require(mode)
    return settings


def start(mode: Mode, *, migrate: bool = True) -> tuple[Settings, Framework, Database]:
    """Settings, framework and the database, created or brought up to date (unless
    `migrate` is False: then it must already be up to date)."""
    settings = settings_for(mode)
    framework = framework_for(settings)
    db = _migrated(Database(settings.database), settings.database, migrate=migrate)
    return settings, framework, db


def open_existing(mode: Mode) -> tuple[Settings, Framework, Database]:
    """Like `start`, but refuse to create a database: it must already hold staffroom's tables."""
    settings = settings_for(mode)
    framework = framework_for(settings)
    return settings, framework, existing_database(settings)


def framework_for(settings: Settings) -> Framework:
    """The framework STAFFROOM_FRAMEWORK names; a problem with it names the setting."""
    try:
        return load_framework(settings.staffroom_framework)
    except FrameworkError as error:
        raise FrameworkError(f"STAFFROOM_FRAMEWORK: {error}") from None


def existing_database(settings: Settings) -> Database:
    url = settings.database
    where = safe_url(url)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise StaffroomError(f"no staffroom database at {path}: {_hint(settings)}")
    db = Database(url)
    try:
        found = db.has_schema()
    except Exception as error:
        raise StaffroomError(f"cannot open the database at {where}: {_reason(error)}") from None
    if not found:
        db.dispose()
        raise StaffroomError(f"{where} holds no staffroom database: {_hint(settings)}")
    return _migrated(db, url)


def migrate_database(settings: Settings) -> str:
    """Create or upgrade the database DATABASE_URL names; say which it was, and where."""
    url = settings.database
    path = sqlite_path(url)
    before = "new file" if path is not None and not path.exists() else _schema_state(url)
    _migrated(Database(url), url).dispose()
    if before == "new file":
        return f"created a new staffroom database at {path}"
    if before == "empty":
        return f"created staffroom's tables in the database at {safe_url(url)}"
    if before == "behind":
        return f"upgraded the database at {safe_url(url)} to the newest schema"
    return f"the database at {safe_url(url)} is up to date"


def _schema_state(url: str) -> str:
    """ "empty" (no staffroom tables yet), "behind" (an older schema) or "current"."""
    db = Database(url)
    try:
        if not db.has_schema():
            return "empty"
        return "current" if db.schema_is_current() else "behind"
    except Exception as error:  # an unreachable or unusable database: one clear line
        raise StaffroomError(
            f"cannot open the database at {safe_url(url)}: {_reason(error)}"
        ) from None
    finally:
        db.dispose()


def _hint(settings: Settings) -> str:
    if settings.database_url is None:
        return (
            "set DATABASE_URL or STAFFROOM_DATA_DIR as `staffroom serve` has them "
            "(or run this from the folder with its .env)"
        )
    return "check DATABASE_URL (or run this from the folder with serve's .env)"


def _migrated(db: Database, url: str, *, migrate: bool = True) -> Database:
    try:
        current = db.migrate() if migrate else db.schema_is_current()
    except Exception as error:  # an unreachable or unusable database: one clear line
        raise StaffroomError(
            f"cannot open the database at {safe_url(url)}: {_reason(error)}"
        ) from None
    if not current:
        raise StaffroomError(
            f"the database at {safe_url(url)} needs upgrading: run `staffroom migrate` first"
        )
    return db


def _reason(error: Exception) -> str:
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def safe_url(url: str) -> str:
    """The database URL without its password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unparseable DATABASE_URL)"
