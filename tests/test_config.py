"""Settings come from the environment (and a .env file) under the names the README gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.errors import ConfigError
from bot.runtime.config import Mode, load_settings, normalise_database_url

NAMES = [
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "DATABASE_URL",
    "HOST",
    "PORT",
    "STAFFROOM_FRAMEWORK",
    "STAFFROOM_DATA_DIR",
    "LOG_FORMAT",
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env of the developer's


def test_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    settings = load_settings()
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.database == f"sqlite:///{tmp_path}/share/staffroom/staffroom.db"
    assert settings.host == "127.0.0.1" and settings.port == 3000
    assert settings.staffroom_framework is None
    assert settings.socket_mode is False
    assert settings.log_format == "text"


def test_data_dir_holds_the_default_database(monkeypatch, tmp_path):
    monkeypatch.setenv("STAFFROOM_DATA_DIR", str(tmp_path / "data"))
    assert load_settings().database == f"sqlite:///{tmp_path}/data/staffroom.db"
    monkeypatch.setenv("DATABASE_URL", "sqlite:////srv/other.db")
    assert load_settings().database == "sqlite:////srv/other.db"  # DATABASE_URL wins


def test_values_from_environment(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cret")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@db/staffroom")
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "8080")
    monkeypatch.setenv("STAFFROOM_FRAMEWORK", "/etc/staffroom/trust.yml")
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    settings = load_settings()
    assert settings.slack_bot_token.get_secret_value() == "xoxb-1"
    assert "s3cret" not in repr(settings)  # secrets never printed
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.host == "0.0.0.0" and settings.port == 8080
    assert settings.log_format == "json"
    assert str(settings.staffroom_framework) == "/etc/staffroom/trust.yml"
    settings.require(Mode.SERVE)  # nothing missing


def test_a_dot_env_file_is_read_and_the_environment_wins(monkeypatch, tmp_path):
    (tmp_path / ".env").write_text(
        "# staffroom\nSLACK_BOT_TOKEN=xoxb-from-file\nPORT=8081\nDATABASE_URL=sqlite:///f.db\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PORT", "9090")
    settings = load_settings()
    assert settings.slack_bot_token.get_secret_value() == "xoxb-from-file"
    assert settings.port == 9090
    assert settings.database == "sqlite:///f.db"


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


def test_postgres_scheme_is_accepted_as_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://staffroom:pw@db:5432/staffroom")
    assert load_settings().database == "postgresql://staffroom:pw@db:5432/staffroom"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PORT", "eighty", "invalid setting PORT: Input should be a valid integer"),
        (
            "DATABASE_URL",
            "foo",
            "invalid setting DATABASE_URL: 'foo' is not a database URL: use "
            "sqlite:///PATH/staffroom.db or postgresql://USER:PASSWORD@HOST/DATABASE",
        ),
        (
            "DATABASE_URL",
            "mysql://u@h/db",
            "invalid setting DATABASE_URL: 'mysql' databases are not supported: use "
            "sqlite:///PATH/staffroom.db or postgresql://USER:PASSWORD@HOST/DATABASE",
        ),
        (
            "SLACK_API_URL",
            "notaurl",
            "invalid setting SLACK_API_URL: 'notaurl' is not an http(s) URL, "
            "e.g. https://slack.com/api/",
        ),
        ("LOG_FORMAT", "xml", "invalid setting LOG_FORMAT: Input should be 'text' or 'json'"),
    ],
)
def test_malformed_values_are_one_clear_line(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as error:
        load_settings()
    assert str(error.value).startswith(message)


def test_a_malformed_url_with_a_password_does_not_show_it(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:hunter2@db:notaport/x")
    with pytest.raises(ConfigError) as error:
        load_settings()
    assert "hunter2" not in str(error.value)


@given(st.text(max_size=80))
def test_any_database_url_is_accepted_or_refused_with_a_reason(text):
    try:
        url = normalise_database_url(text)
    except ValueError as error:
        assert str(error)
    else:
        assert url.startswith(("sqlite", "postgresql"))


@given(st.from_regex(r"[A-Za-z0-9_./-]{1,40}", fullmatch=True))
def test_sqlite_paths_are_kept_as_they_are(path):
    url = f"sqlite:///{path}"
    assert normalise_database_url(url) == url


def test_data_dir_is_absolute(monkeypatch):
    monkeypatch.setenv("STAFFROOM_DATA_DIR", "relative/data")
    assert load_settings().data_dir == Path.cwd() / "relative/data"
