"""Settings come from the environment exactly as PRODUCT §3.3 names them."""

from __future__ import annotations

import pytest

from bot.core.errors import ConfigError
from bot.runtime.config import Mode, load_settings

NAMES = [
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "DATABASE_URL",
    "PORT",
    "STAFFROOM_FRAMEWORK",
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)


def test_defaults():
    settings = load_settings()
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.database_url == "sqlite:///staffroom.db"
    assert settings.port == 3000
    assert settings.staffroom_framework is None
    assert settings.socket_mode is False


def test_values_from_environment(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cret")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@db/staffroom")
    monkeypatch.setenv("PORT", "8080")
    monkeypatch.setenv("STAFFROOM_FRAMEWORK", "/etc/staffroom/trust.yml")
    settings = load_settings()
    assert settings.slack_bot_token.get_secret_value() == "xoxb-1"
    assert "s3cret" not in repr(settings)  # secrets never printed
    assert settings.port == 8080
    assert str(settings.staffroom_framework) == "/etc/staffroom/trust.yml"
    settings.require(Mode.SERVE)  # nothing missing


@pytest.mark.parametrize(
    ("mode", "env", "message"),
    [
        (Mode.SERVE, {}, "missing required setting: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET"),
        (
            Mode.SERVE,
            {"SLACK_BOT_TOKEN": "xoxb-1"},
            "missing required setting: SLACK_SIGNING_SECRET",
        ),
        (Mode.TICK, {"SLACK_SIGNING_SECRET": "s"}, "missing required setting: SLACK_BOT_TOKEN"),
        (Mode.IMPORT_STAFF, {"SLACK_BOT_TOKEN": ""}, "missing required setting: SLACK_BOT_TOKEN"),
    ],
)
def test_missing_required_settings_are_named(monkeypatch, mode, env, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as error:
        load_settings().require(mode)
    assert str(error.value) == message


def test_socket_mode_needs_no_signing_secret(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    settings = load_settings()
    assert settings.socket_mode
    settings.require(Mode.SERVE)


def test_export_needs_no_slack_at_all():
    load_settings().require(Mode.OFFLINE)


def test_malformed_port_is_one_clear_line(monkeypatch):
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ConfigError, match=r"^invalid setting PORT: "):
        load_settings()
