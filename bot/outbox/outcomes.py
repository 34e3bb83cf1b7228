"""What a failed call to Slack means for the message: refused for good, refused for now,
or "maybe sent" (Slack may have stored it before the answer was lost)."""

from __future__ import annotations

import http.client
import socket
from dataclasses import dataclass
from typing import Any
from urllib.error import URLError

from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

# Errors no retry can fix: the message or its destination is wrong.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "msg_too_long",
        "no_text",
        "invalid_blocks",
        "invalid_blocks_format",
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "metadata_too_large",
        "too_many_attachments",
    }
)
# Answers in which Slack says it may have done part of the work before failing.
UNCERTAIN_ERRORS = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
DEFAULT_RETRY_AFTER = 30
REASON_LENGTH = 200


@dataclass(frozen=True)
class Failure:
    reason: str  # short, and never the message's words
    maybe_sent: bool = False  # Slack may have stored the message
    permanent: bool = False  # retrying cannot help
    retry_after: int | None = None  # Slack's 429: wait this long


def classify(exc: BaseException) -> Failure:
    """What an exception raised by a call to Slack says about the message."""
    if isinstance(exc, SlackApiError):
        return _answer(exc)
    if isinstance(exc, URLError) and isinstance(
        exc.reason, ConnectionRefusedError | socket.gaierror
    ):
        return Failure(f"connection: {_short(exc.reason)}")  # never reached Slack
    if isinstance(exc, URLError) and isinstance(exc.reason, BaseException):
        return Failure(f"connection: {_short(exc.reason)}", maybe_sent=True)
    if isinstance(exc, TimeoutError):
        return Failure("timed out waiting for Slack's answer", maybe_sent=True)
    if isinstance(exc, ConnectionError):
        return Failure(f"connection lost: {type(exc).__name__}", maybe_sent=True)
    if isinstance(exc, http.client.HTTPException):
        return Failure(f"incomplete answer: {type(exc).__name__}", maybe_sent=True)
    return Failure(describe(exc), maybe_sent=True)


def _answer(exc: SlackApiError) -> Failure:
    status = int(exc.response.status_code or 0)
    data: Any = exc.response.data
    error = str(data.get("error") or "") if isinstance(data, dict) else ""
    if status == 429:
        return Failure(
            "ratelimited", retry_after=retry_after(exc.response.headers) or DEFAULT_RETRY_AFTER
        )
    if status >= 500:
        return Failure(f"HTTP {status}" + (f" {error}" if error else ""), maybe_sent=True)
    if error in PERMANENT_ERRORS:
        return Failure(error, permanent=True)
    if error in UNCERTAIN_ERRORS:
        return Failure(error, maybe_sent=True)
    return Failure(error or f"HTTP {status}")


def describe(exc: BaseException) -> str:
    """A short reason for the log and the outbox row, without statement parameters."""
    if isinstance(exc, SQLAlchemyError):
        original = getattr(exc, "orig", None) or exc
        return f"database: {_short(original)}"
    return f"{type(exc).__name__}: {_short(exc)}"


def where(exc: BaseException) -> str:
    """Where an exception was raised (file, line, function): for the log, in place of a
    traceback whose last line may quote the values involved."""
    tb = exc.__traceback__
    if tb is None:
        return "?"
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    return f"{code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno} in {code.co_name}"


def _short(exc: object) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:REASON_LENGTH]


def retry_after(headers: Any) -> int | None:
    for name, value in dict(headers or {}).items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(1, int(raw))
            except (TypeError, ValueError):
                return None
    return None
