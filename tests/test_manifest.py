"""`staffroom manifest` prints a manifest Slack accepts, in step with what the code registers.

The rules checked are those of Slack's app manifest schema (slackapi/manifest-schema,
v1): lengths, patterns and allowed keys of the parts staffroom uses.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import main
from bot.cli.manifest import render_manifest
from handlers import bot_events, slash_commands

ROOT = Path(__file__).resolve().parents[1]
URL = "https://staffroom.trust.sch.uk"
# Bot scopes Slack knows that staffroom might use (a typo here is refused by Slack).
KNOWN_SCOPES = {
    "app_mentions:read",
    "channels:history",
    "channels:read",
    "chat:write",
    "chat:write.public",
    "commands",
    "files:read",
    "files:write",
    "groups:history",
    "groups:read",
    "im:history",
    "im:read",
    "im:write",
    "users:read",
    "users:read.email",
}
ALLOWED = {
    "": {"display_information", "features", "oauth_config", "settings"},
    "display_information": {"name", "description", "background_color", "long_description"},
    "features": {"app_home", "bot_user", "slash_commands", "shortcuts", "unfurl_domains"},
    "app_home": {"home_tab_enabled", "messages_tab_enabled", "messages_tab_read_only_enabled"},
    "bot_user": {"display_name", "always_online"},
    "slash_command": {"command", "url", "description", "usage_hint", "should_escape"},
    "oauth_config": {"redirect_urls", "scopes", "token_management_enabled"},
    "settings": {
        "event_subscriptions",
        "interactivity",
        "org_deploy_enabled",
        "socket_mode_enabled",
        "token_rotation_enabled",
        "allowed_ip_address_ranges",
        "is_hosted",
        "function_runtime",
    },
    "event_subscriptions": {"request_url", "bot_events", "user_events"},
    "interactivity": {"is_enabled", "request_url", "message_menu_options_url"},
}


def _manifest(capsys, *argv: str) -> dict[str, Any]:
    assert main(["manifest", *argv]) == 0
    out = capsys.readouterr().out
    return yaml.safe_load(out)


def _check_slack_rules(manifest: dict[str, Any], *, socket_mode: bool) -> None:
    def keys(section: dict[str, Any], name: str) -> None:
        assert set(section) <= ALLOWED[name], f"{name}: {set(section) - ALLOWED[name]}"

    keys(manifest, "")
    info = manifest["display_information"]
    keys(info, "display_information")
    assert 1 <= len(info["name"]) <= 35
    assert 1 <= len(info["description"]) <= 140
    assert 175 <= len(info["long_description"]) <= 4000
    assert re.fullmatch(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?", info["background_color"])
    features = manifest["features"]
    keys(features, "features")
    keys(features["app_home"], "app_home")
    keys(features["bot_user"], "bot_user")
    assert 1 <= len(features["bot_user"]["display_name"]) <= 80
    commands = features["slash_commands"]
    assert 1 <= len(commands) <= 50
    for command in commands:
        keys(command, "slash_command")
        assert re.fullmatch(r"/[a-z0-9_-]{1,31}", command["command"])
        assert 1 <= len(command["description"]) <= 2000
        assert len(command.get("usage_hint", "x")) <= 1000
        if socket_mode:
            assert "url" not in command
        else:
            assert re.match(r"^https?://", command["url"]) and len(command["url"]) <= 3000
    scopes = manifest["oauth_config"]["scopes"]
    assert set(scopes) == {"bot"} and len(scopes["bot"]) <= 255
    assert set(scopes["bot"]) <= KNOWN_SCOPES and len(set(scopes["bot"])) == len(scopes["bot"])
    settings = manifest["settings"]
    keys(settings, "settings")
    keys(settings["event_subscriptions"], "event_subscriptions")
    keys(settings["interactivity"], "interactivity")
    events = settings["event_subscriptions"]["bot_events"]
    assert len(events) == len(set(events)) <= 100
    assert settings["socket_mode_enabled"] is socket_mode
    for section in (settings["event_subscriptions"], settings["interactivity"]):
        if socket_mode:
            assert "request_url" not in section
        else:
            assert len(section["request_url"]) <= 3500


def test_url_fills_every_address_slack_asks_for(capsys):
    manifest = _manifest(capsys, "--url", URL + "/")

    _check_slack_rules(manifest, socket_mode=False)
    urls = [c["url"] for c in manifest["features"]["slash_commands"]]
    urls += [
        manifest["settings"]["event_subscriptions"]["request_url"],
        manifest["settings"]["interactivity"]["request_url"],
    ]
    assert len(urls) == len(slash_commands()) + 2
    assert set(urls) == {f"{URL}/slack/events"}
    assert "example.org" not in yaml.safe_dump(manifest)


def test_a_path_prefix_is_kept_and_the_events_path_not_doubled(capsys):
    manifest = _manifest(capsys, "--url", "https://apps.trust.org/staffroom/slack/events")
    assert {c["url"] for c in manifest["features"]["slash_commands"]} == {
        "https://apps.trust.org/staffroom/slack/events"
    }


def test_socket_mode_needs_no_address(capsys):
    manifest = _manifest(capsys, "--socket")
    _check_slack_rules(manifest, socket_mode=True)


def test_commands_events_and_scopes_are_what_the_handlers_register():
    manifest = yaml.safe_load(render_manifest(url=URL, socket_mode=False))
    declared = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert set(declared) == set(slash_commands())
    assert all(c["should_escape"] is True for c in declared.values())
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == set(bot_events())
    assert settings["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    # commands: slash commands; chat:write: DMs and channel posts; users:read: users.info
    # (is a mentioned user a bot?) and users.list (the roster import reads the directory);
    # users:read.email: emails in users.list and users.lookupByEmail; im:write and
    # im:history: conversations.open and .history, to see whether a DM whose answer was
    # lost (a timeout, a reset, a 5xx, a sender killed mid-send) reached Slack (its outbox
    # key is in the message metadata); channels:history and groups:history: the same for
    # posts in public and private channels (celebrations, weekly summaries), and
    # channels:read and groups:read to find a channel named in the framework file by name;
    # files:write: the summary chart (files_upload_v2).
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == [
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


def test_the_manifest_in_the_repository_is_the_commands_output():
    assert (ROOT / "manifest.yml").read_text(encoding="utf-8") == render_manifest(
        url="https://staffroom.example.org", socket_mode=False
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "staffroom: give --url https://YOUR-SERVER (or --socket for Socket Mode)\n"),
        (
            ["--url", "http://staffroom.trust.org"],
            "staffroom: --url 'http://staffroom.trust.org': Slack sends requests only to "
            "https:// addresses (put a TLS proxy such as Caddy in front of serve; see deploy/)\n",
        ),
        (
            ["--url", "staffroom.trust.org"],
            "staffroom: --url 'staffroom.trust.org': Slack sends requests only to https:// "
            "addresses (put a TLS proxy such as Caddy in front of serve; see deploy/)\n",
        ),
    ],
)
def test_bad_addresses_are_one_line(capsys, argv, message):
    assert main(["manifest", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == message


def test_url_and_socket_mode_are_either_or(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["manifest", "--url", "https://staffroom.trust.org", "--socket"])
    assert stopped.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_the_readme_explains_every_scope_and_command_in_one_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count("| scope | why |") == 1  # one table, which Data protection points to
    table = readme.split("| scope | why |", 1)[1].split("\n\n", 1)[0]
    rows = {
        scope: row
        for row in table.splitlines()[2:]
        for scope in re.findall(r"`([a-z:.]+)`", row.split("|")[1])
    }
    manifest = yaml.safe_load(render_manifest(url=URL, socket_mode=False))
    assert set(rows) == set(manifest["oauth_config"]["scopes"]["bot"])
    for command in manifest["features"]["slash_commands"]:
        assert f"`{command['command']}`" in rows["commands"], command["command"]
    # The manifest printed for a trust goes to a file of its own, not the tracked example.
    assert "> manifest.yml" not in readme
