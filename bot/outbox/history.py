"""Looking before posting again: a message whose earlier attempt may have reached Slack (a
timeout, a reset, a 5xx, a sender that died) is searched for in its conversation's history,
by the outbox key every message carries in its metadata (bot.outbox.posting)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from slack_sdk import WebClient
from slack_sdk.web import SlackResponse

from bot.outbox.posting import METADATA_EVENT

HISTORY_PAGE = 200

# Make a call to a Web API method at the pace Slack allows: (method, call) -> its answer.
Paced = Callable[[str, Callable[[], SlackResponse]], SlackResponse]


class History:
    """One delivery run's look in Slack; it remembers the conversations it has found."""

    def __init__(self, client: WebClient, margin: timedelta) -> None:
        self.client = client
        self.margin = margin  # searched before the first interrupted attempt, for clock skew
        self._conversations: dict[str, str] = {}
        self._channel_names: dict[str, str] | None = None

    def find(self, *, channel: str, key: str, since: datetime, paced: Paced) -> str | None:
        """The ts of the message Slack has under this outbox key in the conversation a
        message to `channel` lands in, posted since `since`, if any."""
        conversation = self._conversation(channel, paced)
        oldest = (since - self.margin).timestamp()
        cursor: str | None = None
        while True:
            arguments: dict[str, Any] = {
                "channel": conversation,
                "oldest": f"{oldest:.6f}",
                "include_all_metadata": True,
                "limit": HISTORY_PAGE,
            }
            if cursor:
                arguments["cursor"] = cursor
            page = paced(
                "conversations.history", partial(self.client.conversations_history, **arguments)
            )
            for posted in page.get("messages") or []:
                metadata = posted.get("metadata") or {}
                if (
                    metadata.get("event_type") == METADATA_EVENT
                    and (metadata.get("event_payload") or {}).get("key") == key
                ):
                    return str(posted.get("ts"))
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                return None

    def _conversation(self, channel: str, paced: Paced) -> str:
        """The id of the conversation a message to `channel` lands in."""
        if channel in self._conversations:
            return self._conversations[channel]
        if channel.startswith(("U", "W")):  # a person: their DM with the app
            opened = paced(
                "conversations.open", lambda: self.client.conversations_open(users=channel)
            )
            found = str(opened["channel"]["id"])
        elif channel.startswith("#"):
            found = self._channel_named(channel.removeprefix("#"), paced)
        else:
            found = channel
        self._conversations[channel] = found
        return found

    def _channel_named(self, name: str, paced: Paced) -> str:
        if self._channel_names is None:
            names: dict[str, str] = {}
            cursor: str | None = None
            while True:
                arguments: dict[str, Any] = {
                    "types": "public_channel,private_channel",
                    "exclude_archived": True,
                    "limit": 1000,
                }
                if cursor:
                    arguments["cursor"] = cursor
                page = paced(
                    "conversations.list", partial(self.client.conversations_list, **arguments)
                )
                for channel in page.get("channels") or []:
                    names[str(channel.get("name"))] = str(channel.get("id"))
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
            self._channel_names = names
        if name not in self._channel_names:
            raise LookupError(f"no channel #{name} to look in")
        return self._channel_names[name]
