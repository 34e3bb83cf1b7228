"""What every command that opens the database shares: settings, framework, database."""

from __future__ import annotations

from bot.core.errors import StaffroomError
from bot.core.framework import Framework, load_framework
from bot.runtime.config import Mode, Settings, load_settings
from storage.db import Database


def start(mode: Mode, *, migrate: bool = True) -> tuple[Settings, Framework, Database]:
    """Settings, framework and database; the schema upgraded first, unless `migrate` is
    False, when it must already be up to date."""
    settings = load_settings()
    settings.require(mode)
    framework = load_framework(settings.staffroom_framework)
    db = Database(settings.database_url)
    try:
        current = db.migrate() if migrate else db.schema_is_current()
    except Exception as error:  # an unreachable or unusable database: one clear line
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        where = safe_url(settings.database_url)
        raise StaffroomError(f"cannot open the database at {where}: {reason}") from None
    if not current:
        raise StaffroomError(
            f"the database at {safe_url(settings.database_url)} needs upgrading: "
            "run `staffroom migrate` first"
        )
    return settings, framework, db


def safe_url(url: str) -> str:
    """The database URL without its password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unparseable DATABASE_URL)"
