"""A stand-in for Slack's Web API: a real HTTP server on 127.0.0.1 that records
every call and answers like Slack, or with scripted errors and 429s.

Point the app at it with SLACK_API_URL (`fake.api_url`); give slash commands
`fake.response_url(...)` so ephemeral replies are recorded too.
"""

from __future__ import annotations

import contextlib
import itertools
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


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    accepted: bool = False
    answer: dict[str, Any] = field(default_factory=dict)


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
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self._scripted: dict[str, list[Scripted]] = {}
        self._limits: dict[str, float] = {}  # method -> seconds allowed between calls
        self._bursts: dict[str, int] = {}  # method -> calls allowed at once after a pause
        self._due: dict[str, float] = {}  # method -> when the next call is due at the rate
        self.delays: dict[str, float] = {}  # method -> seconds to wait before answering
        self.limited = 0  # how many calls were answered 429 by the rate limit
        self.history: dict[
            str, list[dict[str, Any]]
        ] = {}  # conversation id (D… for a DM) -> messages, newest first
        self.channels: dict[str, str] = {}  # channel name -> id (add_channel)
        self._faults: dict[str, list[Scripted]] = {}
        self._outages: dict[str, Scripted] = {}
        self._last_ts = 0.0
        self._changed = threading.Condition()
        self._ts = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # --- lifecycle -------------------------------------------------------
    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
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
        self.users[user_id] = {
            "id": user_id,
            "name": name or user_id.lower(),
            "is_bot": is_bot,
            "deleted": False,
            "profile": {"email": email} if email else {},
        }

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
        self.channels[name] = channel_id

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

    def accepted(self, method: str = "chat.postMessage") -> list[Call]:
        """Calls Slack accepted (not answered with an error)."""
        with self._changed:
            return [c for c in self.calls if c.method == method and c.accepted]

    def _answer(self, call: Call) -> dict[str, Any]:
        params = call.params
        if call.method == "auth.test":
            return {
                "ok": True,
                "user_id": "UBOT",
                "bot_id": "BBOT",
                "team_id": "T1",
                "user": "staffroom",
            }
        if call.method == "users.lookupByEmail":
            email = str(params.get("email", "")).lower()
            for user in self.users.values():
                if user["profile"].get("email", "").lower() == email:
                    return {"ok": True, "user": user}
            return {"ok": False, "error": "users_not_found"}
        if call.method == "users.info":
            found = self.users.get(str(params.get("user")))
            if found is None:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "user": found}
        if call.method == "chat.postMessage":
            ts = self._next_ts()
            channel = str(params.get("channel"))
            posted = {"ts": ts, "text": params.get("text"), "metadata": params.get("metadata")}
            conversation = self._conversation(channel)
            self.history.setdefault(conversation, []).insert(0, posted)
            answered = conversation if conversation.startswith(("C", "G")) else channel
            return {"ok": True, "channel": answered, "ts": ts, "message": {"ts": ts}}
        if call.method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):06d}"
            return {
                "ok": True,
                "file_id": file_id,
                "upload_url": f"{self.base_url}/upload/{file_id}",
            }
        if call.method == "files.completeUploadExternal":
            return {
                "ok": True,
                "files": [
                    {"id": f["id"], "title": f.get("title")} for f in params.get("files") or []
                ],
            }
        if call.method == "upload":
            return {"ok": True}
        if call.method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(params.get("users"))}}
        if call.method == "conversations.history":
            messages = self.history.get(str(params.get("channel")), [])
            if params.get("oldest"):
                messages = [m for m in messages if float(m["ts"]) > float(params["oldest"])]
            if str(params.get("include_all_metadata")).lower() not in ("1", "true"):
                messages = [{k: v for k, v in m.items() if k != "metadata"} for m in messages]
            page, more = self._page(messages, params, 100)
            return {"ok": True, "messages": page, "has_more": bool(more), **more}
        if call.method == "conversations.list":
            listed = [
                {"id": channel_id, "name": name, "is_private": channel_id.startswith("G")}
                for name, channel_id in sorted(self.channels.items())
            ]
            page, more = self._page(listed, params, 100)
            return {"ok": True, "channels": page, **more}
        if call.method.startswith("views."):
            return {"ok": True, "view": {"id": "V123", **(params.get("view") or {})}}
        return {"ok": True}

    def _conversation(self, channel: str) -> str:
        """Where a message to `channel` lands: a person's DM, or a channel by its id."""
        if channel.startswith(("U", "W")):
            return "D" + channel
        return self.channels.get(channel.removeprefix("#"), channel)

    def _next_ts(self) -> str:
        """A message ts as Slack makes them: the time it was stored, unique."""
        self._last_ts = max(time.time(), self._last_ts + 0.000001)
        return f"{self._last_ts:.6f}"

    @staticmethod
    def _page(
        items: list[dict[str, Any]], params: dict[str, Any], default: int
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        start = int(params.get("cursor") or 0)
        end = start + int(params.get("limit") or default)
        more = {"response_metadata": {"next_cursor": str(end)}} if end < len(items) else {}
        return items[start:end], more

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
