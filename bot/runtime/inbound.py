"""What reaches `POST /slack/events`, judged before Bolt sees any of it.

Slack signs every request: `X-Slack-Signature` is `v0=` and the hex HMAC-SHA256, keyed
with the app's signing secret, of `v0:{X-Slack-Request-Timestamp}:{raw body}`; the
timestamp is whole seconds since the epoch, within five minutes of now. A request is
refused when

- its body is larger than anything Slack sends (413, read no further);
- its headers are not exactly of that form, or the signature does not match the raw
  bytes, or it is stale (401): nothing in it is read, used, logged or answered;
- it is signed but is not a body Slack sends (400): not UTF-8, not a form or a JSON
  object, or an interaction without what every one of its kind carries (a view
  submission's `view.state`, a button press's `actions`, a command's `user_id`).

The body is parsed here, once, and that parse is what Bolt is given.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

# A modal's whole state (a few inputs of at most 3,000 characters each) and its view
# (at most 250 KB), form-encoded, stay well under this; no Slack request comes near it.
MAX_BODY_BYTES = 1024 * 1024
FRESH_SECONDS = 5 * 60
# ASCII only: int() would also take ' 12', '+12', '1_2' and other scripts' digits.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


class Refused(Exception):
    """A request answered with `status` and nothing else."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def signed(
    *, secret: str, body: bytes, timestamp: str | None, signature: str | None, now: float
) -> bool:
    """Whether Slack signed exactly these bytes, within the last five minutes."""
    if timestamp is None or signature is None:
        return False
    if not _TIMESTAMP.fullmatch(timestamp) or not _SIGNATURE.fullmatch(signature):
        return False
    if abs(now - int(timestamp)) > FRESH_SECONDS:
        return False
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def verified(*, secret: str, body: bytes, headers: Mapping[str, str], now: float) -> dict[str, Any]:
    """The body of a request Slack signed, parsed; `Refused` (401 or 400) otherwise."""
    if not signed(
        secret=secret,
        body=body,
        timestamp=headers.get("x-slack-request-timestamp"),
        signature=headers.get("x-slack-signature"),
        now=now,
    ):
        raise Refused(401)
    return parsed(body, headers.get("content-type"))


def parsed(body: bytes, content_type: str | None) -> dict[str, Any]:
    """A signed body as Slack sends it: a slash command, an interaction or an event."""
    try:
        text = body.decode("utf-8")
        media = (content_type or "").split(";")[0].strip().lower()
        if media == "application/json":
            payload = json.loads(text)
            _JSON_BODY.validate_python(payload)
            return dict(payload)
        form = dict(parse_qsl(text, keep_blank_values=True, errors="strict"))
        if "payload" in form:
            payload = json.loads(form["payload"])
            _INTERACTION.validate_python(payload)
            return dict(payload)
        _FORM_BODY.validate_python(form)
        return form
    except (UnicodeDecodeError, ValueError, ValidationError):  # JSONDecodeError is a ValueError
        raise Refused(400) from None


# --- what Slack sends, as far as the app relies on it (other keys are allowed) -----------


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


Id = Annotated[str, Field(min_length=1)]


class _User(_Shape):
    id: Id


class _Action(_Shape):
    action_id: Id


class _State(_Shape):
    values: dict[str, dict[str, dict[str, Any]]]


class _View(_Shape):
    callback_id: str
    state: _State


class _BlockActions(_Shape):
    type: Literal["block_actions"]
    user: _User
    trigger_id: str
    actions: list[_Action] = Field(min_length=1)


class _ViewSubmission(_Shape):
    type: Literal["view_submission"]
    user: _User
    view: _View


class _SlashCommand(_Shape):
    command: Annotated[str, Field(pattern=r"^/")]
    user_id: Id
    text: str = ""
    trigger_id: str


class _SslCheck(_Shape):
    ssl_check: str


class _EventCallback(_Shape):
    type: Literal["event_callback"]
    event: dict[str, Any]


class _UrlVerification(_Shape):
    type: Literal["url_verification"]
    challenge: str


_INTERACTION: TypeAdapter[Any] = TypeAdapter(
    Annotated[_BlockActions | _ViewSubmission, Field(discriminator="type")]
)
_JSON_BODY: TypeAdapter[Any] = TypeAdapter(
    Annotated[_EventCallback | _UrlVerification, Field(discriminator="type")]
)
_FORM_BODY: TypeAdapter[Any] = TypeAdapter(_SlashCommand | _SslCheck)
