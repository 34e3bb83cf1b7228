"""A stand-in for Slack's Web API: a real HTTP server on 127.0.0.1 that records
every call and answers like Slack, or with scripted errors and 429s.

Point the app at it with SLACK_API_URL (`fake.api_url`); give slash commands
`fake.response_url(...)` so ephemeral replies are recorded too.
"""

from __future__ import annotations

import base64
import itertools
import json
import math
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

# Calls a minute Slack documents for these methods (Tier 2: 20, Tier 3: 50, Tier 4: 100).
TIERS = {"users.list": 20, "users.lookupByEmail": 50, "conversations.open": 50, "users.info": 100}


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


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self._scripted: dict[str, list[Scripted]] = {}
        self._limits: dict[str, float] = {}  # method -> seconds allowed between calls
        self._last_allowed: dict[str, float] = {}
        self.delays: dict[str, float] = {}  # method -> seconds to wait before answering
        self.limited = 0  # how many calls were answered 429 by the rate limit
        self.history: dict[
            str, list[dict[str, Any]]
        ] = {}  # DM channel id -> messages, newest first
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

    def limit_rate(self, method: str, *, interval: float) -> None:
        """Allow one call to `method` per `interval` seconds; answer 429 beyond it, like Slack."""
        self._limits[method] = interval

    def rate_limit(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        self.script(method, status=429, headers={"Retry-After": str(retry_after)}, times=times)

    def limit_to_tiers(self, *, speed: float = 1.0) -> None:
        """Enforce Slack's documented rate tiers (TIERS); `speed` > 1 shortens them for tests."""
        for method, per_minute in TIERS.items():
            self.limit_rate(method, interval=60 / per_minute / speed)

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
            queue = self._scripted.get(call.method)
            scripted = queue.pop(0) if queue else None
            if scripted is None and call.method in self._limits:
                now = time.monotonic()
                wait = self._last_allowed.get(call.method, 0.0) + self._limits[call.method] - now
                if wait > 0:
                    self.limited += 1
                    scripted = Scripted(
                        429,
                        {"ok": False, "error": "ratelimited"},
                        {"Retry-After": str(max(1, math.ceil(wait)))},
                    )
                else:
                    self._last_allowed[call.method] = now
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
        if call.method == "users.list":
            listed = [u for u in self.users.values() if u.get("in_directory", True)]
            return users_list_page(listed, params)
        if call.method == "users.info":
            found = self.users.get(str(params.get("user")))
            if found is None:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "user": found}
        if call.method == "chat.postMessage":
            ts = f"{1700000000 + next(self._ts)}.000100"
            channel = str(params.get("channel"))
            posted = {"ts": ts, "text": params.get("text"), "metadata": params.get("metadata")}
            if channel.startswith(("U", "W")):
                self.history.setdefault("D" + channel, []).insert(0, posted)
            return {"ok": True, "channel": channel, "ts": ts, "message": {"ts": ts}}
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
            if str(params.get("include_all_metadata")).lower() not in ("1", "true"):
                messages = [{k: v for k, v in m.items() if k != "metadata"} for m in messages]
            return {"ok": True, "messages": messages, "has_more": False}
        if call.method.startswith("views."):
            return {"ok": True, "view": {"id": "V123", **(params.get("view") or {})}}
        return {"ok": True}

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
                call.accepted = answer.status == 200 and answer.body.get("ok") is True
                call.answer = answer.body
                if method in fake.delays:
                    time.sleep(fake.delays[method])
                body = json.dumps(answer.body).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            do_GET = _handle
            do_POST = _handle

        return Handler


# --- users.list: the workspace directory, paged ------------------------------
LIST_PAGE_MAX = 1000  # users.list never returns more than this per page


def users_list_page(members: list[dict[str, Any]], params: dict[str, Any]) -> dict[str, Any]:
    """A page of `users.list`: `limit` people (at most LIST_PAGE_MAX) after `cursor`."""
    cursor = str(params.get("cursor") or "")
    start = int(base64.b64decode(cursor).decode().removeprefix("user:")) if cursor else 0
    limit = min(int(params.get("limit") or LIST_PAGE_MAX), LIST_PAGE_MAX)
    page = members[start : start + limit]
    after = start + len(page)
    following = base64.b64encode(f"user:{after}".encode()).decode() if after < len(members) else ""
    return {"ok": True, "members": page, "response_metadata": {"next_cursor": following}}
