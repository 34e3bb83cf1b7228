"""A stand-in for Slack's Web API: a real HTTP server on 127.0.0.1 that records
every call and answers like Slack, or with scripted errors and 429s.

Point the app at it with SLACK_API_URL (`fake.api_url`); give slash commands
`fake.response_url(...)` so ephemeral replies are recorded too. What each method
does lives in bot.localslack.methods, and the state it acts on (people, channels,
messages, views) in bot.localslack.workspace; this module is the HTTP server,
the record of calls, and the faults a test can script.
"""

from __future__ import annotations

import contextlib
import json
import math
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

from bot.localslack import blockkit, methods
from bot.localslack.workspace import Workspace

# Calls a minute Slack documents for these methods (Tier 2: 20, Tier 3: 50, Tier 4: 100).
TIERS = {"users.list": 20, "users.lookupByEmail": 50, "conversations.open": 50, "users.info": 100}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    accepted: bool = False
    answer: dict[str, Any] = field(default_factory=dict)
    target: str = ""  # for response_url calls: the token the URL carried
    problems: list[str] = field(default_factory=list)  # Block Kit rules the call broke


@dataclass
class Scripted:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    fault: str | None = None  # how the answer goes wrong on the wire (see FakeSlack.fault)
    delay: float = 0.0


# Ways an answer can be lost after Slack has done the work (FakeSlack.fault).
FAULTS = ("timeout", "reset", "reset_before", "incomplete")


class FakeSlack:
    def __init__(self, workspace: Workspace | None = None, *, port: int = 0) -> None:
        self.workspace = workspace or Workspace()
        self.calls: list[Call] = []
        self.keep_calls = True  # a long-running demo turns the record of calls off
        self.users: dict[str, dict[str, Any]] = self.workspace.users
        self._scripted: dict[str, list[Scripted]] = {}
        self._limits: dict[str, float] = {}  # method -> seconds allowed between calls
        self._bursts: dict[str, int] = {}  # method -> calls allowed at once after a pause
        self._due: dict[str, float] = {}  # method -> when the next call is due at the rate
        self.delays: dict[str, float] = {}  # method -> seconds to wait before answering
        self.limited = 0  # how many calls were answered 429 by the rate limit
        # conversation id -> messages, newest first (what conversations.history reads)
        self.history: dict[str, list[dict[str, Any]]] = self.workspace.history
        self._faults: dict[str, list[Scripted]] = {}
        self._outages: dict[str, Scripted] = {}
        self._changed = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # --- lifecycle -------------------------------------------------------
    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():  # shutdown() waits for a serve loop that never started
            self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "cmd") -> str:
        return f"{self.base_url}/response/{name}"

    # --- set-up ----------------------------------------------------------
    def add_user(
        self, user_id: str, email: str | None = None, *, name: str = "", is_bot: bool = False
    ) -> None:
        self.workspace.add_user(user_id, email, name=name, is_bot=is_bot)

    def script(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls to `method` this way instead of normally."""
        body = {"ok": False, "error": error or ("ratelimited" if status == 429 else "fatal_error")}
        queue = self._scripted.setdefault(method, [])
        queue.extend(Scripted(status, body, headers or {}) for _ in range(times))

    def add_channel(self, channel_id: str, name: str) -> None:
        """A channel the app is in: posts to `#name` land in `channel_id`, and
        conversations.list names it."""
        self.workspace.add_channel(channel_id, name, members=[])

    def fault(self, method: str, kind: str, *, times: int = 1, delay: float = 2.0) -> None:
        """The next `times` calls to `method` go wrong on the wire:

        - "timeout": Slack does the work, then answers only after `delay` seconds
          (longer than the client waits);
        - "reset": Slack does the work, then the connection is reset unanswered;
        - "reset_before": the connection is reset before Slack does anything;
        - "incomplete": Slack does the work, then the answer is cut short
          (http.client.IncompleteRead in the client).
        """
        if kind not in FAULTS:
            raise ValueError(f"unknown fault {kind!r}; one of {FAULTS}")
        queue = self._faults.setdefault(method, [])
        queue.extend(Scripted(200, {}, fault=kind, delay=delay) for _ in range(times))

    def outage(
        self,
        method: str,
        *,
        status: int = 503,
        error: str = "service_unavailable",
        stored: bool = False,
    ) -> None:
        """Answer every call to `method` with `status` until `end_outage`; with `stored`,
        Slack has done the work all the same (a post is in the conversation)."""
        self._outages[method] = Scripted(
            status, {"ok": False, "error": error}, fault="stored" if stored else None
        )

    def end_outage(self, method: str) -> None:
        self._outages.pop(method, None)

    def delivered(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Messages Slack holds, oldest first (a DM by the user's id, a channel by its
        id or name): what people see, however the app's calls went."""
        with self._changed:
            if channel is None:
                held = [m for messages in self.history.values() for m in messages]
            else:
                held = list(self.history.get(self._conversation(channel), []))
        return sorted(held, key=lambda m: float(m["ts"]))

    def limit_rate(self, method: str, *, interval: float, burst: int = 1) -> None:
        """Allow one call to `method` per `interval` seconds, answering 429 beyond it as
        Slack does; with `burst`, up to that many calls at once after a pause (Slack allows
        short bursts), never more than one per `interval` over time."""
        self._limits[method] = interval
        self._bursts[method] = max(1, burst)

    def limit_to_tiers(self, *, speed: float = 1.0) -> None:
        """Enforce Slack's documented rate tiers (TIERS); `speed` > 1 shortens them for tests."""
        for method, per_minute in TIERS.items():
            self.limit_rate(method, interval=60 / per_minute / speed)

    def rate_limit(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        self.script(method, status=429, headers={"Retry-After": str(retry_after)}, times=times)

    # --- assertions ------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        with self._changed:
            return [call for call in self.calls if call.method == method]

    def messages_to(self, channel: str) -> list[dict[str, Any]]:
        """Messages the app posted (successfully or not) to a channel or user id."""
        return [
            c.params
            for c in self.calls_to("chat.postMessage")
            if c.params.get("channel") == channel
        ]

    def responses(self) -> list[dict[str, Any]]:
        """Bodies posted to response_url (ephemeral replies to slash commands)."""
        return [c.params for c in self.calls_to("response_url")]

    # --- the server ------------------------------------------------------
    def _record(self, call: Call) -> Scripted:
        with self._changed:
            if self.keep_calls:
                self.calls.append(call)
            outage = self._outages.get(call.method)
            if outage is not None:
                if outage.fault == "stored":
                    self._answer(call)
                    call.accepted = True
                self._changed.notify_all()
                return Scripted(outage.status, outage.body)
            faults = self._faults.get(call.method)
            if faults:
                fault = faults.pop(0)
                if fault.fault == "reset_before":
                    return fault
                answer = self._answer(call)
                call.accepted = answer.get("ok") is True
                self._changed.notify_all()
                return Scripted(200, answer, fault=fault.fault, delay=fault.delay)
            queue = self._scripted.get(call.method)
            scripted = queue.pop(0) if queue else None
            if scripted is None and call.method in self._limits:
                now = time.monotonic()
                interval = self._limits[call.method]
                due = self._due.get(call.method, 0.0)
                wait = due - (self._bursts[call.method] - 1) * interval - now
                if wait > 0:
                    self.limited += 1
                    scripted = Scripted(
                        429,
                        {"ok": False, "error": "ratelimited"},
                        {"Retry-After": str(max(1, math.ceil(wait)))},
                    )
                else:
                    self._due[call.method] = max(due, now) + interval
            self._changed.notify_all()
        if scripted is not None:
            return scripted
        return Scripted(200, self._answer(call))

    def refused_for_block_kit(self) -> list[Call]:
        """Calls refused because their message or view broke Block Kit's rules."""
        with self._changed:
            return [c for c in self.calls if c.problems]

    def accepted(self, method: str = "chat.postMessage") -> list[Call]:
        """Calls Slack accepted (not answered with an error)."""
        with self._changed:
            return [c for c in self.calls if c.method == method and c.accepted]

    def _answer(self, call: Call) -> dict[str, Any]:
        call.problems = blockkit.problems(call.method, call.params)
        if call.problems:
            return blockkit.refusal(call.method, call.problems)
        if call.method == "response_url":
            return methods.respond(self.workspace, call.target, call.params)
        if call.method == "upload":
            file_id = str(call.params["path"]).removeprefix("/upload/")
            methods.upload(self.workspace, file_id, call.params["bytes"])
            return {"ok": True}
        return methods.answer(self.workspace, call.method, call.params, self.base_url)

    def _conversation(self, channel: str) -> str:
        """Where a message to `channel` lands: a person's DM, or a channel by its id."""
        return self.workspace.resolve_channel(channel) or channel

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                pass

            def _handle(self) -> None:
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length) if length else b""
                if url.path.startswith("/upload/"):  # a file's bytes, as files_upload_v2 sends them
                    call = Call("upload", {"path": url.path, "bytes": data}, dict(self.headers))
                    answer = fake._record(call)
                    call.accepted = answer.status == 200
                    self.send_response(answer.status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"OK")
                    return
                raw = data.decode()
                params: dict[str, Any] = dict(parse_qsl(url.query))
                if raw:
                    if "json" in (self.headers.get("Content-Type") or ""):
                        params.update(json.loads(raw))
                    else:
                        params.update(dict(parse_qsl(raw)))
                for key in ("blocks", "view", "metadata", "files"):
                    if isinstance(params.get(key), str):
                        params[key] = json.loads(params[key])
                if url.path.startswith("/response/"):
                    method = "response_url"
                else:
                    method = url.path.removeprefix("/api/")
                call = Call(method, params, dict(self.headers))
                if method == "response_url":
                    call.target = url.path.removeprefix("/response/")
                answer = fake._record(call)
                call.accepted = call.accepted or (
                    answer.status == 200 and answer.body.get("ok") is True
                )
                call.answer = answer.body
                if answer.fault in ("reset", "reset_before"):
                    self._reset()
                    return
                if method in fake.delays:
                    time.sleep(fake.delays[method])
                if answer.fault == "timeout":
                    time.sleep(answer.delay)
                body = json.dumps(answer.body).encode()
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "application/json")
                    extra = 100 if answer.fault == "incomplete" else 0
                    self.send_header("Content-Length", str(len(body) + extra))
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                    if answer.fault == "incomplete":  # the rest never comes: the socket closes
                        self.wfile.flush()
                        self.close_connection = True
                        self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:  # the client gave up waiting
                    self.close_connection = True

            def _reset(self) -> None:
                """Drop the connection with a TCP reset, answering nothing (more)."""
                self.close_connection = True
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()

            def finish(self) -> None:
                with contextlib.suppress(OSError, ValueError):  # reset on purpose
                    super().finish()

            do_GET = _handle
            do_POST = _handle

        return Handler
