"""What `staffroom serve` checks and says as it starts."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.errors import ConfigError, StaffroomError
from bot.core.framework import Framework
from bot.runtime.config import Settings

log = logging.getLogger("staffroom")

# auth.test errors that mean the token itself is refused (as opposed to Slack being unwell).
REFUSED = {
    "invalid_auth",
    "not_authed",
    "token_revoked",
    "token_expired",
    "account_inactive",
    "no_permission",
    "missing_scope",
    "not_allowed_token_type",
}


def check_token(client: WebClient, *, unreachable_ok: bool = True) -> str | None:
    """Ask Slack who the bot token belongs to; stop if refused, go on if Slack is unreachable
    (unless not `unreachable_ok`).

    Returns "@name in TEAM" when Slack answered, None when it could not be reached.
    """
    try:
        answer = client.auth_test()
    except SlackApiError as error:
        reason = str(error.response.get("error") or error.response.status_code)
        if reason in REFUSED:
            raise ConfigError(
                f"Slack refused SLACK_BOT_TOKEN ({reason}): copy the Bot User OAuth Token "
                "again from your app's OAuth & Permissions page"
            ) from None
        log.warning("Slack did not check the bot token (%s); starting anyway", reason)
        return None
    except OSError as error:
        if not unreachable_ok:
            raise StaffroomError(f"cannot reach Slack at {client.base_url}: {error}") from None
        log.warning(
            "Slack is unreachable at %s (%s); starting anyway, and messages wait in the outbox",
            client.base_url,
            error,
        )
        return None
    return f"@{answer.get('user')} in {answer.get('team') or answer.get('team_id')}"


def startup_line(
    *,
    version: str,
    settings: Settings,
    framework: Framework,
    database: str,
    slack: str | None,
) -> str:
    """One line naming everything an admin needs to know the server is the one they meant."""
    mode = "Socket Mode" if settings.socket_mode else f"HTTP on {settings.host}:{settings.port}"
    source = settings.staffroom_framework or "built-in"
    return (
        f"staffroom {version} serving: mode {mode}; database {database}; "
        f"framework {framework.name} ({source}); trust {framework.trust}; "
        f"time zone {framework.timezone}; Slack {slack or 'unreachable'}"
    )
