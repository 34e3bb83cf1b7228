"""manifest.yml creates the app in one step and stays in step with the code."""

from __future__ import annotations

from pathlib import Path

import yaml

from handlers import bot_events, slash_commands

MANIFEST = yaml.safe_load((Path(__file__).resolve().parents[1] / "manifest.yml").read_text())


def test_every_registered_command_is_declared_with_escaping():
    declared = {c["command"]: c for c in MANIFEST["features"]["slash_commands"]}
    assert set(declared) == set(slash_commands())
    for command in declared.values():
        assert command["should_escape"] is True
        assert len(command["command"]) <= 32
        assert command["url"].endswith("/slack/events")
        assert command["description"]


def test_events_interactivity_and_home():
    settings = MANIFEST["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == set(bot_events())
    assert settings["interactivity"]["is_enabled"] is True
    urls = {
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
    }
    assert len(urls) == 1 and urls.pop().endswith("/slack/events")
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
    assert MANIFEST["features"]["bot_user"]["display_name"] == "staffroom"
    assert len(MANIFEST["display_information"]["name"]) <= 35


def test_scopes_are_the_ones_the_app_uses():
    # commands: slash commands; chat:write: DMs and channel posts; users:read: users.info
    # (is a mentioned user a bot?); users:read.email: users.lookupByEmail on roster import;
    # im:write and im:history: conversations.open and .history, to see whether a DM whose
    # answer was lost (a timeout, a reset, a 5xx, a sender killed mid-send) reached Slack
    # (its outbox key is in the message metadata); channels:history and groups:history: the
    # same for posts in public and private channels (celebrations, weekly summaries), and
    # channels:read and groups:read to find a channel named in the framework file by name;
    # files:write: the summary chart (files_upload_v2).
    assert sorted(MANIFEST["oauth_config"]["scopes"]["bot"]) == [
        "channels:history",
        "channels:read",
        "chat:write",
        "commands",
        "files:write",
        "groups:history",
        "groups:read",
        "im:history",
        "im:write",
        "users:read",
        "users:read.email",
    ]
