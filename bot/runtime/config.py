"""Settings from the environment (PRODUCT §3.3), validated at start."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.core.errors import ConfigError


class Mode(StrEnum):
    SERVE = "serve"
    TICK = "tick"
    IMPORT_STAFF = "import-staff"
    OFFLINE = "offline"  # export, erase, migrate: no Slack needed


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="", case_sensitive=False, extra="ignore", env_ignore_empty=True
    )

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = "sqlite:///staffroom.db"
    port: int = Field(default=3000, ge=1, le=65535)
    staffroom_framework: Path | None = None
    # How long the outbox keeps retrying a message Slack has not taken before it is
    # `failed` (from its first attempt); `staffroom outbox --retry-failed` starts again.
    staffroom_retry_hours: float = Field(default=24, gt=0, le=24 * 30)

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

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


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "settings"
        raise ConfigError(f"invalid setting {name}: {error['msg']}") from None
