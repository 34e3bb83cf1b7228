"""`staffroom serve` as an IT admin runs it: real processes, a real port, real HTTP.

The "done when" of the base: import the roster, serve, a signed `/commend` from
Alice answered in under 3 s, Bob's DM, his appraiser's copy, Alice's
confirmation, and `staffroom export` listing it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

import httpx2 as httpx
import pytest

from tests.slack_requests import SIGNING_SECRET, command_payload, signed_headers

ROSTER = (
    "email,name,school,role,grade,appraiser_email,leader\n"
    "amir@saltash.sch.uk,Amir Khan,Saltash Primary,teacher,TLR2,,\n"
    "alice@saltash.sch.uk,Alice Smith,Saltash Primary,teacher,M2,amir@saltash.sch.uk,\n"
    "bob@saltash.sch.uk,Bob Jones,Saltash Primary,teacher,M3,amir@saltash.sch.uk,\n"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _staffroom(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _serve(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture
def admin_env(database, fake_slack, tmp_path) -> dict[str, str]:
    for user_id, email in [
        ("UAMIR", "amir@saltash.sch.uk"),
        ("UALICE", "alice@saltash.sch.uk"),
        ("UBOB", "bob@saltash.sch.uk"),
    ]:
        fake_slack.add_user(user_id, email)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "STAFFROOM_"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        DATABASE_URL=database.url,
        PORT=str(_free_port()),
    )
    (tmp_path / "staff.csv").write_text(ROSTER, encoding="utf-8")
    return env


@pytest.fixture
def server(admin_env, tmp_path) -> Iterator[str]:
    imported = _staffroom(admin_env, "import-staff", str(tmp_path / "staff.csv"))
    assert imported.returncode == 0, imported.stderr
    process = _serve(admin_env)
    base = f"http://127.0.0.1:{admin_env['PORT']}"

    def healthy() -> bool:
        assert process.poll() is None, process.stdout.read()
        try:
            return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    _until(healthy, 30, "staffroom serve to answer /healthz")
    yield base
    process.send_signal(signal.SIGTERM)
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status tells the truth.
    assert process.wait(timeout=10) in (0, -signal.SIGTERM)
    assert "Finished server process" in process.stdout.read()


def test_commend_through_a_running_server(server, admin_env, fake_slack):
    body = urlencode(
        command_payload(
            "/commend",
            "<@UBOB|bob> thanks for covering my duty",
            user_id="UALICE",
            channel_id="C1",
            response_url=fake_slack.response_url(),
        )
    )
    started = time.monotonic()
    response = httpx.post(
        f"{server}/slack/events", content=body, headers=signed_headers(body), timeout=5
    )
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert elapsed < 3
    _until(lambda: len(fake_slack.calls_to("chat.postMessage")) == 3, 10, "three messages")
    assert (
        fake_slack.messages_to("UBOB")[0]["text"]
        == "<@UALICE> commended you: thanks for covering my duty"
    )
    assert fake_slack.messages_to("UAMIR")[0]["text"].startswith("<@UALICE> commended <@UBOB>")
    assert fake_slack.messages_to("UALICE")[0]["text"].startswith("You commended <@UBOB>")

    exported = _staffroom(admin_env, "export", "--email", "bob@saltash.sch.uk")
    assert exported.returncode == 0, exported.stderr
    received = json.loads(exported.stdout)["commendations_received"]
    assert [(r["from"], r["message"]) for r in received] == [
        ("alice@saltash.sch.uk", "thanks for covering my duty")
    ]


def test_running_server_refuses_unsigned_requests(server):
    body = urlencode({"command": "/commend", "text": "<@UBOB> hi", "user_id": "UALICE"})
    response = httpx.post(
        f"{server}/slack/events",
        content=body,
        headers=signed_headers(body, secret="forged"),
        timeout=5,
    )
    assert response.status_code == 401
    assert httpx.get(f"{server}/slack/events", timeout=5).status_code == 405


def test_socket_mode_is_chosen_by_the_app_token_and_uses_slack_api_url(admin_env, fake_slack):
    env = {**admin_env, "SLACK_APP_TOKEN": "xapp-test"}
    del env["SLACK_SIGNING_SECRET"]  # not needed in Socket Mode
    fake_slack.script("apps.connections.open", error="invalid_auth", times=50)
    process = _serve(env)
    try:
        _until(lambda: fake_slack.calls_to("apps.connections.open"), 30, "apps.connections.open")
    finally:
        process.kill()
        process.wait(timeout=10)
    call = fake_slack.calls_to("apps.connections.open")[0]
    assert call.headers.get("Authorization") == "Bearer xapp-test"


def test_serve_runs_on_shares_framework_and_warns_about_its_holidays(admin_env, tmp_path):
    """STAFFROOM_FRAMEWORK=share: the app runs on SHARE MAT's file, and says at start that
    the file lists no school holidays (the policy does not say whose term dates apply)."""
    env = {**admin_env, "STAFFROOM_FRAMEWORK": "share"}
    imported = _staffroom(env, "import-staff", str(tmp_path / "staff.csv"))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.count("warning") == 0  # no grade warnings: SHARE has no ladder
    process = _serve(env)
    base = f"http://127.0.0.1:{env['PORT']}"

    def healthy() -> bool:
        assert process.poll() is None
        try:
            return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    try:
        _until(healthy, 30, "staffroom serve to answer /healthz")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    output = process.stdout.read().splitlines()
    warnings = [line for line in output if line.startswith("warning:")]
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "warning: the framework lists no school holidays, so they do not cover 20"
    )
