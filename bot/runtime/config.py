"""Settings from the environment (and a `.env` file in the current folder), validated at start.

Every malformed value stops the program with one line naming the setting and
what to do; nothing is left to fail later with a traceback.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.core.errors import ConfigError

ENV_FILE = ".env"
APP_NAME = "staffroom"
POSTGRES_INSTALL = "pip install 'staffroom[postgres]'"


ENVIRONMENT_HELP = """\
environment (also read from a .env file in the current folder; the environment wins):
  SLACK_BOT_TOKEN       bot token, xoxb-... (serve, tick, import-staff)
  SLACK_SIGNING_SECRET  request signing secret (serve over HTTP)
  SLACK_APP_TOKEN       app-level token, xapp-...: serve in Socket Mode instead of HTTP
  SLACK_API_URL         Slack Web API base URL (default https://slack.com/api/)
  DATABASE_URL          sqlite:///PATH or postgresql://USER:PASSWORD@HOST/DB
                        (default: staffroom.db in STAFFROOM_DATA_DIR)
  STAFFROOM_DATA_DIR    folder of the default SQLite database (default: a per-user data folder)
  STAFFROOM_FRAMEWORK   the trust's framework: smart, share, or a YAML file (default: smart)
  STAFFROOM_RETRY_HOURS hours the outbox retries a message before marking it failed (default 24)
  HOST, PORT            address and port to listen on (default 127.0.0.1 and 3000)
  LOG_FORMAT            text (default) or json: one JSON object per line
"""


class Mode(StrEnum):
    SERVE = "serve"
    TICK = "tick"
    IMPORT_STAFF = "import-staff"
    OFFLINE = "offline"  # export, erase, migrate, backup: no Slack needed


class Settings(BaseSettings):
    """Every setting staffroom reads (ENVIRONMENT_HELP lists them for people).

    Real environment variables win over the `.env` file.
    """

    model_config = SettingsConfigDict(
        env_prefix="",
        case_sensitive=False,
        extra="ignore",
        env_ignore_empty=True,
        env_file=ENV_FILE,
        env_file_encoding="utf-8",
    )

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=3000, ge=1, le=65535)
    staffroom_framework: Path | None = None
    staffroom_data_dir: Path | None = None
    log_format: Literal["text", "json"] = "text"

    @field_validator("slack_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{value!r} is not an http(s) URL, e.g. https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        return None if value is None else normalise_database_url(value)

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    # How long the outbox keeps retrying a message Slack has not taken before it is
    # `failed` (from its first attempt); `staffroom outbox --retry-failed` starts again.
    staffroom_retry_hours: float = Field(default=24, gt=0, le=24 * 30)

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def data_dir(self) -> Path:
        """Where the default SQLite database lives: STAFFROOM_DATA_DIR or a per-user folder."""
        if self.staffroom_data_dir is not None:
            return self.staffroom_data_dir.expanduser().absolute()
        from platformdirs import user_data_path

        return user_data_path(APP_NAME, appauthor=False)

    @property
    def database(self) -> str:
        """The database URL in use: DATABASE_URL, or a SQLite file in the data directory."""
        if self.database_url is not None:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'staffroom.db'}"

    def require(self, mode: Mode) -> None:
        """Stop with one line naming every setting `mode` needs and lacks."""
        needed: list[str] = []
        if mode in (Mode.SERVE, Mode.TICK, Mode.IMPORT_STAFF):
            needed.append("SLACK_BOT_TOKEN")
        if mode is Mode.SERVE and not self.socket_mode:
            needed.append("SLACK_SIGNING_SECRET")
        missing = [name for name in needed if getattr(self, name.lower()) is None]
        if missing:
            raise ConfigError(f"missing required setting: {', '.join(missing)}")


def normalise_database_url(url: str) -> str:
    """A SQLite or PostgreSQL URL as SQLAlchemy wants it; raise ValueError with advice otherwise.

    `postgres://` (what Heroku and many hosts print) is accepted for `postgresql://`,
    and PostgreSQL without its driver installed is named with the command that adds it.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    url = url.strip()
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    example = "use sqlite:///PATH/staffroom.db or postgresql://USER:PASSWORD@HOST/DATABASE"
    try:
        parsed = make_url(url)
    except ArgumentError:
        shown = url if "@" not in url else url.partition("://")[0] + "://…"  # no password
        raise ValueError(f"{shown!r} is not a database URL: {example}") from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        return url
    if backend == "postgresql" and driver in ("", "psycopg"):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise ValueError(
                f"PostgreSQL needs its driver, which is not installed: {POSTGRES_INSTALL}"
            ) from None
        return url
    raise ValueError(f"{parsed.drivername!r} databases are not supported: {example}")


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "settings"
        message = str(error["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"invalid setting {name}: {message}") from None
