"""Questions the handlers ask Slack about users."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)


def is_bot(client: WebClient, user_id: str) -> bool:
    """True when Slack says the user is a bot, an app or Slackbot."""
    if user_id == "USLACKBOT":
        return True
    try:
        user = client.users_info(user=user_id)["user"]
    except (SlackApiError, OSError):
        log.warning("users.info failed for %s; treating as a person", user_id)
        return False
    return bool(user.get("is_bot") or user.get("is_app_user"))
