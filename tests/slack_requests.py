"""Requests as Slack sends them: form-encoded or JSON, signed with the signing secret."""

from __future__ import annotations

import json
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

SIGNING_SECRET = "test-signing-secret"


def signed_headers(
    body: str,
    *,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
    content_type: str = "application/x-www-form-urlencoded",
) -> dict[str, str]:
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }


class TrackingExecutor(ThreadPoolExecutor):
    """Bolt's listener pool, remembering its work so tests can wait for all of it."""

    def __init__(self) -> None:
        super().__init__(max_workers=10, thread_name_prefix="listener")
        self._futures: list[Future[Any]] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        self._futures.append(future)
        return future

    def drain(self, timeout: float = 10.0) -> None:
        _done, pending = wait(list(self._futures), timeout=timeout)
        assert not pending, f"{len(pending)} listener(s) still running after {timeout}s"


class SlackSender:
    """Sends what Slack would send to `/slack/events`, through a real HTTP client."""

    def __init__(self, http: Any, response_url: str, pools: tuple[TrackingExecutor, ...]) -> None:
        self.http = http
        self.response_url = response_url
        self.pools = pools

    def drain(self) -> None:
        """Wait for everything the app does after acknowledging (replies, then DMs)."""
        for pool in self.pools:
            pool.drain()

    def post(
        self,
        body: str,
        content_type: str = "application/x-www-form-urlencoded",
        **header_overrides: Any,
    ) -> Any:
        headers = signed_headers(body, content_type=content_type)
        headers.update(header_overrides)
        return self.http.post("/slack/events", content=body.encode(), headers=headers)

    def command(
        self, command: str, text: str = "", *, user_id: str, channel_id: str = "C0GENERAL"
    ) -> Any:
        return self.post(
            urlencode(
                command_payload(
                    command,
                    text,
                    user_id=user_id,
                    channel_id=channel_id,
                    response_url=self.response_url,
                )
            )
        )

    def view_submission(
        self, view: dict[str, Any], values: dict[str, dict[str, Any]], *, user_id: str
    ) -> Any:
        payload = {
            "type": "view_submission",
            "team": {"id": "T1"},
            "user": {"id": user_id, "team_id": "T1"},
            "api_app_id": "A1",
            "trigger_id": "1.2.3",
            "view": {
                **view,
                "id": "V123",
                "hash": "h1",
                "private_metadata": view.get("private_metadata", ""),
                "state": {"values": values},
            },
        }
        return self.post(urlencode({"payload": json.dumps(payload)}))

    def click(
        self, action_id: str, value: str, *, user_id: str, message: dict[str, Any] | None = None
    ) -> Any:
        """A button pressed in a message the app sent (block_actions)."""
        payload = {
            "type": "block_actions",
            "team": {"id": "T1"},
            "user": {"id": user_id, "team_id": "T1"},
            "api_app_id": "A1",
            "trigger_id": "2.3.4",
            "response_url": self.response_url,
            "container": {"type": "message", "channel_id": "D0DM", "message_ts": "1.0"},
            "channel": {"id": "D0DM"},
            "message": message or {"ts": "1.0", "text": ""},
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "b",
                    "value": value,
                    "action_ts": "1.1",
                }
            ],
        }
        return self.post(urlencode({"payload": json.dumps(payload)}))

    def event(self, event: dict[str, Any], *, event_id: str = "Ev1") -> Any:
        body = json.dumps(
            {
                "token": "x",
                "team_id": "T1",
                "api_app_id": "A1",
                "type": "event_callback",
                "event_id": event_id,
                "event_time": int(time.time()),
                "event": event,
            }
        )
        return self.post(body, content_type="application/json")


def command_payload(
    command: str, text: str, *, user_id: str, channel_id: str, response_url: str
) -> dict[str, str]:
    return {
        "token": "legacy",
        "team_id": "T1",
        "team_domain": "school",
        "channel_id": channel_id,
        "channel_name": "general",
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": "A1",
        "response_url": response_url,
        "trigger_id": "1337.42.abcdef",
    }
