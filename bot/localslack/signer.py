"""Requests as Slack sends them to an app: form-encoded or JSON, signed with the
signing secret, through a real HTTP client.

The tests and `staffroom demo` both send through `SlackSender`: slash commands,
button presses (block_actions), view submissions and events. `transport` is
anything with `post(url, *, content, headers)` answering with `status_code` and
`json()`: Starlette's TestClient in the tests, `HttpTransport` (the standard
library's HTTP client) against a served app.
"""

from __future__ import annotations

import itertools
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.localslack.workspace import APP_ID, TEAM_ID

SIGNING_SECRET = "test-signing-secret"
EVENTS_PATH = "/slack/events"


class Transport(Protocol):
    def post(self, url: str, *, content: bytes, headers: dict[str, str]) -> Any: ...


@dataclass(frozen=True)
class Reply:
    """An HTTP answer, shaped like the test client's."""

    status_code: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


class HttpTransport:
    """POSTs to an app served at `base_url`, with the standard library's client."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def post(self, url: str, *, content: bytes, headers: dict[str, str]) -> Reply:
        request = urllib.request.Request(
            self.base_url + url, data=content, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return Reply(answer.status, answer.read().decode())
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode(errors="replace"))


def signed_headers(
    body: str,
    *,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
    content_type: str = "application/x-www-form-urlencoded",
) -> dict[str, str]:
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    assert signature is not None
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }


class TrackingExecutor(ThreadPoolExecutor):
    """A worker pool remembering its work, so that a caller can wait for all of it
    (Bolt's listener pool and the delivery pool, in the tests and the demo)."""

    def __init__(self, max_workers: int = 10, thread_name_prefix: str = "listener") -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix=thread_name_prefix)
        self._futures: list[Future[Any]] = []
        self._lock = threading.Lock()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._futures = [f for f in self._futures if not f.done()]
            self._futures.append(future)
        return future

    def pending(self) -> list[Future[Any]]:
        with self._lock:
            return [f for f in self._futures if not f.done()]

    def drain(self, timeout: float = 10.0) -> None:
        with self._lock:
            futures = list(self._futures)
        _done, pending = wait(futures, timeout=timeout)
        assert not pending, f"{len(pending)} listener(s) still running after {timeout}s"


class SlackSender:
    """Sends what Slack would send to `/slack/events`."""

    def __init__(
        self,
        http: Transport,
        response_url: str,
        pools: tuple[TrackingExecutor, ...] = (),
        *,
        secret: str = SIGNING_SECRET,
    ) -> None:
        self.http = http
        self.response_url = response_url
        self.pools = pools
        self.secret = secret

    def drain(self) -> None:
        """Wait for everything the app does after acknowledging (replies, then DMs),
        including work that work started."""
        while any(pool.pending() for pool in self.pools):
            for pool in self.pools:
                pool.drain()

    def post(
        self,
        body: str,
        content_type: str = "application/x-www-form-urlencoded",
        **header_overrides: Any,
    ) -> Any:
        headers = signed_headers(body, secret=self.secret, content_type=content_type)
        headers.update(header_overrides)
        return self.http.post(EVENTS_PATH, content=body.encode(), headers=headers)

    def command(
        self,
        command: str,
        text: str = "",
        *,
        user_id: str,
        channel_id: str = "C0GENERAL",
        channel_name: str = "general",
        trigger_id: str | None = None,
        response_url: str | None = None,
    ) -> Any:
        payload = command_payload(
            command,
            text,
            user_id=user_id,
            channel_id=channel_id,
            response_url=response_url or self.response_url,
        )
        payload.update(channel_name=channel_name, trigger_id=trigger_id or _unique("trigger"))
        return self.post(urlencode(payload))

    def view_submission(
        self,
        view: dict[str, Any],
        values: dict[str, dict[str, Any]],
        *,
        user_id: str,
        trigger_id: str | None = None,
    ) -> Any:
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM_ID},
            "user": {"id": user_id, "team_id": TEAM_ID},
            "api_app_id": APP_ID,
            "trigger_id": trigger_id or _unique("trigger"),
            "view": {
                **view,
                "id": view.get("id") or _unique("V"),
                "hash": view.get("hash", "h1"),
                "private_metadata": view.get("private_metadata", ""),
                "state": {"values": values},
            },
        }
        return self.post(urlencode({"payload": json.dumps(payload)}))

    def click(
        self,
        action_id: str,
        value: str,
        *,
        user_id: str,
        message: dict[str, Any] | None = None,
        channel_id: str = "D0DM",
        block_id: str = "b",
        text: str = "",
        trigger_id: str | None = None,
        response_url: str | None = None,
        view: dict[str, Any] | None = None,
        is_ephemeral: bool = False,
    ) -> Any:
        """A button pressed in a message the app sent, or in a view when `view` is given."""
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": TEAM_ID},
            "user": {"id": user_id, "team_id": TEAM_ID},
            "api_app_id": APP_ID,
            "trigger_id": trigger_id or _unique("trigger"),
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": block_id,
                    "text": {"type": "plain_text", "text": text},
                    "value": value,
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view.get("id")}
            payload["view"] = view
        else:
            ts = (message or {}).get("ts", "1.0")
            payload["container"] = {
                "type": "message",
                "channel_id": channel_id,
                "message_ts": ts,
                "is_ephemeral": is_ephemeral,
            }
            payload["channel"] = {"id": channel_id}
            payload["response_url"] = response_url or self.response_url
            if not is_ephemeral:
                payload["message"] = message or {"ts": "1.0", "text": ""}
        return self.post(urlencode({"payload": json.dumps(payload)}))

    def event(self, event: dict[str, Any], *, event_id: str | None = None, **headers: str) -> Any:
        """An Events API delivery (`headers` such as X-Slack-Retry-Num for Slack's retries)."""
        body = json.dumps(
            {
                "token": "x",
                "team_id": TEAM_ID,
                "api_app_id": APP_ID,
                "type": "event_callback",
                "event_id": event_id or _unique("Ev"),
                "event_time": int(time.time()),
                "event": event,
            }
        )
        return self.post(body, content_type="application/json", **headers)


def command_payload(
    command: str, text: str, *, user_id: str, channel_id: str, response_url: str
) -> dict[str, str]:
    return {
        "token": "legacy",
        "team_id": TEAM_ID,
        "team_domain": "school",
        "channel_id": channel_id,
        "channel_name": "general",
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "response_url": response_url,
        "trigger_id": _unique("trigger"),
    }


_SEQUENCE = itertools.count(1)


def _unique(prefix: str) -> str:
    """An id Slack would give once: a trigger, a view, an event."""
    return f"{prefix}{next(_SEQUENCE):06d}{secrets.token_hex(3).upper()}"
