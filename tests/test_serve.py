"""`staffroom serve` as an IT admin runs it: real processes, a real port, real HTTP.

The "done when" of the base: import the roster, serve, a signed `/commend` from
Alice answered in under 3 s, Bob's DM, his appraiser's copy, Alice's
confirmation, and `staffroom export` listing it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import httpx2 as httpx
import pytest

from tests.acting import posted
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


class Serving:
    """`staffroom serve` as a process, its output collected line by line as it comes."""

    def __init__(self, env: dict[str, str], *flags: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", *flags],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait(self, timeout: float) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code

    def stop(self, signal_number: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal_number)
        try:
            return self.wait(timeout=10)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"did not stop in 10 s:\n{self.output}") from None


def _serve(env: dict[str, str]) -> Serving:
    return Serving(env)


def _healthy(serving: Serving, base: str) -> bool:
    assert serving.process.poll() is None, serving.output
    try:
        return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


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
def serving(admin_env, tmp_path) -> Iterator[Serving]:
    imported = _staffroom(admin_env, "import-staff", str(tmp_path / "staff.csv"))
    assert imported.returncode == 0, imported.stderr
    serving = _serve(admin_env)
    base = f"http://127.0.0.1:{admin_env['PORT']}"
    _until(lambda: _healthy(serving, base), 30, "staffroom serve to answer /healthz")
    yield serving
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status tells the truth.
    assert serving.stop() in (0, -signal.SIGTERM)
    assert "Finished server process" in serving.output
    assert "Traceback" not in serving.output


@pytest.fixture
def server(serving, admin_env) -> str:
    return f"http://127.0.0.1:{admin_env['PORT']}"


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
    _until(lambda: len(posted(fake_slack, "commend:")) == 3, 10, "three messages")
    (to_bob,) = posted(fake_slack, "commend:", "UBOB")
    assert to_bob["text"] == "<@UALICE> commended you: thanks for covering my duty"
    (to_amir,) = posted(fake_slack, "commend:", "UAMIR")
    assert to_amir["text"].startswith("<@UALICE> commended <@UBOB>")
    (to_alice,) = posted(fake_slack, "commend:", "UALICE")
    assert to_alice["text"].startswith("You commended <@UBOB>")

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
    fake_slack.script("apps.connections.open", error="invalid_auth")

    serving = _serve(env)

    assert serving.wait(timeout=30) == 2
    call = fake_slack.calls_to("apps.connections.open")[0]
    assert call.headers.get("Authorization") == "Bearer xapp-test"
    assert serving.lines[-1] == (
        "staffroom: Slack refused SLACK_APP_TOKEN (invalid_auth): create an app-level token "
        "with connections:write under Basic Information"
    )
    assert "Traceback" not in serving.output


# --- what serve says and checks as it starts ------------------------------------


def test_one_start_up_line_says_what_is_served(serving, admin_env):
    (line,) = [line for line in serving.lines if " serving: " in line]
    assert re.search(
        rf"staffroom \d+\.\d+\.\d+\S* serving: mode HTTP on 127\.0\.0\.1:{admin_env['PORT']}; "
        rf"database {re.escape(admin_env['DATABASE_URL'])}; "
        r"framework SMART \(built-in\); trust South East Cornwall Multi Academy Regional Trust; "
        r"time zone Europe/London; Slack @staffroom in Local workspace$",
        line,
    ), line
    assert "Added job" not in serving.output
    assert "`token` will be unused" not in serving.output
    assert "xoxb-test" not in serving.output


def test_metrics_after_a_commend(server, fake_slack):
    body = urlencode(
        command_payload(
            "/commend",
            "<@UBOB|bob> thanks for the cover",
            user_id="UALICE",
            channel_id="C1",
            response_url=fake_slack.response_url(),
        )
    )
    assert (
        httpx.post(
            f"{server}/slack/events", content=body, headers=signed_headers(body), timeout=5
        ).status_code
        == 200
    )

    def metrics() -> dict[str, float]:
        text = httpx.get(f"{server}/metrics", timeout=5).text
        return {
            name: float(value)
            for name, value in re.findall(r"^(staffroom_\S+) (\S+)$", text, flags=re.M)
        }

    _until(lambda: len(posted(fake_slack, "commend:")) == 3, 10, "three messages")
    _until(lambda: metrics().get("staffroom_tick_seconds_count", 0) >= 1, 10, "the first tick")
    seen = metrics()
    assert seen['staffroom_requests_total{kind="/commend",outcome="ok"}'] == 1
    assert seen['staffroom_ack_seconds_count{kind="/commend"}'] == 1
    assert seen['staffroom_ack_seconds_bucket{kind="/commend",le="3.0"}'] == 1
    # Pending: only reminders the first tick held until working hours (it may also have
    # counted as held the commendation's messages, queued while it ran).
    assert seen['staffroom_outbox_messages{state="pending"}'] <= seen["staffroom_nudges_held"]
    assert seen['staffroom_outbox_messages{state="failed"}'] == 0
    sent = seen['staffroom_outbox_messages{state="sent"}']
    assert sent == len(fake_slack.accepted())  # the commendation's 3 and the first tick's
    # What the ticks sent: every reminder, and the commendation's if a tick got there first.
    reminders = sent - 3
    assert reminders <= seen.get('staffroom_nudges_total{outcome="sent"}', 0) <= sent


def test_a_refused_token_stops_serve_in_one_line(admin_env, fake_slack):
    fake_slack.script("auth.test", error="token_revoked")
    serving = _serve(admin_env)
    assert serving.wait(timeout=30) == 2
    assert serving.lines[-1] == (
        "staffroom: Slack refused SLACK_BOT_TOKEN (token_revoked): copy the Bot User OAuth "
        "Token again from your app's OAuth & Permissions page"
    )
    assert "Traceback" not in serving.output


def test_serve_starts_when_slack_is_unreachable_and_says_so(admin_env):
    env = {**admin_env, "SLACK_API_URL": f"http://127.0.0.1:{_free_port()}/api/"}
    serving = _serve(env)
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        _until(lambda: _healthy(serving, base), 30, "staffroom serve to answer /healthz")
    finally:
        serving.stop()
    assert f"Slack is unreachable at {env['SLACK_API_URL']}" in serving.output
    assert "Slack unreachable" in serving.output  # in the start-up line
    assert "Traceback" not in serving.output


def test_json_logs_are_one_object_a_line_without_tokens_or_words(admin_env, fake_slack, tmp_path):
    imported = _staffroom(admin_env, "import-staff", str(tmp_path / "staff.csv"))
    assert imported.returncode == 0, imported.stderr
    env = {**admin_env, "LOG_FORMAT": "json"}
    serving = _serve(env)
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        _until(lambda: _healthy(serving, base), 30, "staffroom serve to answer /healthz")
        body = urlencode(
            command_payload(
                "/commend",
                "<@UBOB|bob> a very private thank-you",
                user_id="UALICE",
                channel_id="C1",
                response_url=fake_slack.response_url(),
            )
        )
        httpx.post(f"{base}/slack/events", content=body, headers=signed_headers(body), timeout=5)
        _until(lambda: len(posted(fake_slack, "commend:")) == 3, 10, "three messages")
    finally:
        serving.stop()
    entries = [json.loads(line) for line in serving.lines]
    assert {"time", "level", "logger", "message"} <= set(entries[0])
    assert any(" serving: " in e["message"] for e in entries)
    assert "xoxb-test" not in serving.output and SIGNING_SECRET not in serving.output
    assert "private thank-you" not in serving.output


def _websocket_server() -> tuple[socket.socket, list[socket.socket]]:
    """Enough of a WebSocket server for Socket Mode to connect: the handshake, then quiet."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            accepted.append(connection)
            request = b""
            while b"\r\n\r\n" not in request:
                request += connection.recv(4096)
            key = re.search(rb"Sec-WebSocket-Key: (\S+)", request).group(1)
            accept = base64.b64encode(
                hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest()
            )
            connection.sendall(
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
            )

    threading.Thread(target=serve, daemon=True).start()
    return listener, accepted


@pytest.mark.parametrize("stop_with", [signal.SIGINT, signal.SIGTERM])
def test_socket_mode_stops_cleanly_on_ctrl_c_and_sigterm(admin_env, tmp_path, stop_with):
    listener, accepted = _websocket_server()
    ws_url = f"ws://127.0.0.1:{listener.getsockname()[1]}/link"
    api = ThreadingHTTPServer(("127.0.0.1", 0), _socket_mode_api(ws_url))
    threading.Thread(target=api.serve_forever, daemon=True).start()
    env = {
        **admin_env,
        "SLACK_APP_TOKEN": "xapp-test",
        "SLACK_API_URL": f"http://127.0.0.1:{api.server_address[1]}/api/",
    }
    del env["SLACK_SIGNING_SECRET"]
    serving = _serve(env)
    try:
        _until(lambda: "connected to Slack in Socket Mode" in serving.output, 30, "connected")
        assert accepted
        code = serving.stop(stop_with)
    finally:
        api.shutdown()
        listener.close()
    assert code == 0, serving.output
    assert "disconnecting from Slack" in serving.output
    assert "Traceback" not in serving.output


def test_socket_mode_without_network_is_one_line(admin_env):
    env = {
        **admin_env,
        "SLACK_APP_TOKEN": "xapp-test",
        "SLACK_API_URL": f"http://127.0.0.1:{_free_port()}/api/",
    }
    del env["SLACK_SIGNING_SECRET"]
    serving = _serve(env)
    assert serving.wait(timeout=60) == 2
    assert serving.lines[-1].startswith(
        f"staffroom: cannot connect to Slack in Socket Mode at {env['SLACK_API_URL']}: "
    )
    assert "Traceback" not in serving.output


def _socket_mode_api(ws_url: str) -> type[BaseHTTPRequestHandler]:
    class Api(BaseHTTPRequestHandler):
        def log_message(self, *_args: object) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = json.dumps(
                {"ok": True, "url": ws_url, "user": "staffroom", "team": "T1", "team_id": "T1"}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Api


def test_serve_runs_on_shares_framework_and_warns_about_its_holidays(admin_env, tmp_path):
    """STAFFROOM_FRAMEWORK=share: the app runs on SHARE MAT's file, and says at start that
    the file lists no school holidays (the policy does not say whose term dates apply)."""
    env = {**admin_env, "STAFFROOM_FRAMEWORK": "share"}
    imported = _staffroom(env, "import-staff", str(tmp_path / "staff.csv"))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.count("warning") == 0  # no grade warnings: SHARE has no ladder
    serving = _serve(env)
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        _until(lambda: _healthy(serving, base), 30, "staffroom serve to answer /healthz")
    finally:
        serving.stop()
    warnings = [line for line in serving.lines if line.startswith("warning:")]
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "warning: the framework lists no school holidays, so they do not cover 20"
    )
