"""The workspace's people as Slack lists them: `users.list` a page at a time, and
`users.lookupByEmail` for one person.

`users.list` is a Tier 2 method (about 20 calls a minute) and returns up to 1,000
people a call, so a trust of 5,000 is read in a handful of calls; looking each
person up (Tier 3, about 50 a minute) would take over an hour. Slack's 429s are
waited out (Retry-After) and the same page asked again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.errors import StaffroomError

PAGE_SIZE = 1000  # users.list's largest page
MAX_WAITS = 30  # 429s in a row for one call before giving up
# Seconds between calls that keep within Slack's documented tiers (Tier 2: 20 a minute,
# Tier 3: 50 a minute), so that a long import meets few 429s.
PACE = {"users.list": 3.1, "users.lookupByEmail": 1.25}  # with a little margin


class WaitListener(Protocol):
    def waiting(self, *, method: str, seconds: float) -> None: ...


class SlackPeople:
    """A `SlackDirectory` (bot.admin.roster) over Slack's Web API."""

    def __init__(
        self,
        client: WebClient,
        *,
        page_size: int = PAGE_SIZE,
        sleep: Callable[[float], None] = time.sleep,
        listener: WaitListener | None = None,
        pace: dict[str, float] | None = None,
    ) -> None:
        self.client = client
        self.page_size = page_size
        self.sleep = sleep
        self.listener = listener
        self.pace = PACE if pace is None else pace
        self._last: dict[str, float] = {}

    def pages(self) -> Iterator[dict[str, str]]:
        cursor = ""
        while True:
            params: dict[str, Any] = {"limit": self.page_size}
            if cursor:
                params["cursor"] = cursor
            answer = self._call("users.list", params)
            yield {
                email: str(member["id"])
                for member in answer.get("members") or []
                if (email := _email(member)) is not None
            }
            cursor = str((answer.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                return

    def lookup(self, email: str) -> str | None:
        try:
            answer = self._call("users.lookupByEmail", {"email": email})
        except _NotFound:
            return None
        user = answer.get("user") or {}
        return None if _email(user) is None else str(user["id"])

    def _call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        for _ in range(MAX_WAITS):
            gap = self._last.get(method, -1e9) + self.pace.get(method, 0.0) - time.monotonic()
            if gap > 0:
                self.sleep(gap)
            self._last[method] = time.monotonic()
            try:
                response = self.client.api_call(method, http_verb="GET", params=params)
            except SlackApiError as error:
                status = error.response.status_code
                reason = error.response.get("error")
                if status == 429:
                    seconds = _retry_after(error.response.headers)
                    if self.listener is not None:
                        self.listener.waiting(method=method, seconds=seconds)
                    self.sleep(seconds)
                    continue
                if reason == "users_not_found":
                    raise _NotFound from None
                hint = " (reinstall the app from its manifest)" if reason == "missing_scope" else ""
                raise StaffroomError(f"Slack refused {method}: {reason}{hint}") from None
            except OSError as error:
                raise StaffroomError(f"cannot reach Slack for {method}: {error}") from None
            return dict(response.data) if isinstance(response.data, dict) else {}
        raise StaffroomError(f"Slack kept refusing {method} with 429 (rate limited); try later")


class _NotFound(Exception):
    pass


def _email(member: dict[str, Any]) -> str | None:
    """The member's email if they are a person who can be messaged; None otherwise."""
    if member.get("deleted") or member.get("is_bot") or member.get("id") == "USLACKBOT":
        return None
    email = (member.get("profile") or {}).get("email")
    return str(email).strip().lower() if email else None


def _retry_after(headers: dict[str, Any]) -> float:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            text = value[0] if isinstance(value, list) else value
            try:
                return max(1.0, float(text))
            except (TypeError, ValueError):
                break
    return 1.0
