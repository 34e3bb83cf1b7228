"""deploy/ holds what an IT admin runs in production; it stays in step with the code."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
from pathlib import Path

import yaml

from bot.runtime.config import ENVIRONMENT_HELP, Settings, load_settings

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def _names(text: str) -> list[str]:
    return re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.M)


def test_the_example_env_names_only_settings_staffroom_reads(monkeypatch, tmp_path):
    example = (DEPLOY / "staffroom.env.example").read_text(encoding="utf-8")
    known = {name.upper() for name in Settings.model_fields}
    known |= {"POSTGRES_PASSWORD", "STAFFROOM_DOMAIN"}  # docker compose's own
    assert set(_names(example)) <= known
    assert {name.upper() for name in Settings.model_fields} <= set(_names(example))
    for name in Settings.model_fields:
        assert name.upper() in ENVIRONMENT_HELP or name in ("host", "port")
        monkeypatch.delenv(name.upper(), raising=False)
    # As a .env file it gives valid settings for serve.
    shutil.copy(DEPLOY / "staffroom.env.example", tmp_path / ".env")
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.database.startswith("postgresql://staffroom:")
    assert settings.host == "127.0.0.1" and settings.log_format == "json"
    assert settings.slack_bot_token is not None and not settings.socket_mode


def test_the_systemd_unit_runs_serve_with_its_environment_file():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read(DEPLOY / "staffroom.service", encoding="utf-8")
    service = unit["Service"]
    assert service["EnvironmentFile"] == "/etc/staffroom/staffroom.env"
    assert service["ExecStart"].endswith("/bin/staffroom serve")
    assert service["User"] == "staffroom" and service["UMask"] == "0077"
    assert service["Environment"] == "STAFFROOM_DATA_DIR=/var/lib/staffroom"
    assert service["StateDirectory"] == "staffroom"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def _unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read(DEPLOY / name, encoding="utf-8")
    return unit


def test_the_nightly_backup_runs_with_the_services_own_settings():
    service, backup = _unit("staffroom.service")["Service"], _unit("staffroom-backup.service")
    job = backup["Service"]
    for same in ("User", "Group", "EnvironmentFile", "Environment", "WorkingDirectory", "UMask"):
        assert job[same] == service[same], same
    assert job["Type"] == "oneshot"
    assert job["ExecStartPre"] == (
        "+/usr/bin/install -d -m 700 -o staffroom -g staffroom /var/backups/staffroom"
    )
    assert job["ExecStart"].startswith("/bin/sh -c 'exec /opt/staffroom/bin/staffroom backup ")
    assert '"/var/backups/staffroom/staffroom-$$(date +%%Y-%%m-%%d).backup"' in job["ExecStart"]
    assert job["ReadWritePaths"].split() == ["/var/lib/staffroom", "/var/backups/staffroom"]
    timer = _unit("staffroom-backup.timer")
    assert timer["Timer"]["Persistent"] == "true" and timer["Timer"]["OnCalendar"]
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_staffroom_admin_runs_commands_as_the_service_does():
    service = _unit("staffroom.service")["Service"]
    script = (DEPLOY / "staffroom-admin").read_text(encoding="utf-8")
    data_dir = service["Environment"].removeprefix("STAFFROOM_DATA_DIR=")
    assert f"\nSTAFFROOM_DATA_DIR={data_dir}  #" in script
    assert f"\n. {service['EnvironmentFile']}\n" in script
    assert f"\ncd {service['WorkingDirectory']}\n" in script
    binary = service["ExecStart"].removesuffix(" serve")
    assert f'runuser -u {service["User"]} -- env LOGNAME="$operator" {binary} "$@"' in script
    assert (DEPLOY / "staffroom-admin").stat().st_mode & 0o111  # executable as shipped
    if shutil.which("sh"):
        assert subprocess.run(["sh", "-n", str(DEPLOY / "staffroom-admin")]).returncode == 0


def test_the_image_has_what_the_report_needs_as_ci_installs_it():
    """WeasyPrint draws `/staffroom report` with Pango and HarfBuzz, in DejaVu Sans."""
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    ci = (DEPLOY.parent / ".ci" / "run").read_text(encoding="utf-8")
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"):
        assert f"missing+=({package})" in ci
        assert package in dockerfile
    assert "missing+=(fonts-dejavu-core)" in ci and "fonts-dejavu-core" in dockerfile
    assert "apt-get install -y --no-install-recommends" in dockerfile
    assert "rm -rf /var/lib/apt/lists/*" in dockerfile
    assert "HTML(string=" in dockerfile  # the build draws a page, or stops


def test_compose_runs_the_app_against_postgresql_behind_caddy():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:")
    app = services["app"]
    assert app["build"]["dockerfile"] == "deploy/Dockerfile"
    assert app["environment"]["DATABASE_URL"].startswith("postgresql://staffroom:")
    assert app["environment"]["DATABASE_URL"].endswith("@db:5432/staffroom")
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert app["ports"] == ["127.0.0.1:3000:3000"]  # not published to the world
    assert services["caddy"]["environment"]["STAFFROOM_UPSTREAM"] == "app:3000"
    assert {"80:80", "443:443"} == set(services["caddy"]["ports"])


def test_the_dockerfile_serves_as_an_unprivileged_user():
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert 'CMD ["staffroom", "serve"]' in dockerfile
    assert "USER staffroom" in dockerfile
    assert "--constraint constraints.txt '.[postgres]'" in dockerfile
    assert "STAFFROOM_DATA_DIR=/data" in dockerfile
    for copied in re.findall(r"^COPY (\S+)", dockerfile, flags=re.M):
        assert (DEPLOY.parent / copied).exists(), copied


def test_caddy_publishes_slacks_endpoint_and_health_but_not_metrics():
    caddyfile = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    handled = re.findall(r"^\s*handle (\S+) \{", caddyfile, flags=re.M)
    assert handled == ["/slack/events", "/healthz"]
    assert "respond 404" in caddyfile


def test_the_readme_names_every_file_in_deploy():
    readme = (DEPLOY.parent / "README.md").read_text(encoding="utf-8")
    for path in DEPLOY.iterdir():
        if not path.name.startswith("."):  # deploy/.env is the admin's own
            assert f"deploy/{path.name}" in readme, path.name
