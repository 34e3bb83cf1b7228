"""Questions the handlers ask Slack about users."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.people import IsBot, outsiders
from storage.db import Database

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


def bots_among(client: WebClient, db: Database, slack_ids: Iterable[str]) -> IsBot:
    """Whether each of these users who is not on the roster is a bot, asked of Slack up
    front so that no Slack call is made inside a use-case's transaction."""
    bots = {uid for uid in outsiders(db, slack_ids) if is_bot(client, uid)}
    return bots.__contains__
