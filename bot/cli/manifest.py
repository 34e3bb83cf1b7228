"""`staffroom manifest (--url https://… | --socket)`: the Slack app manifest, ready to paste.

The template (bot/manifest.yml) holds every command, scope and event the
handlers register; this fills in the server's public address everywhere Slack
asks for one, or turns Socket Mode on.
"""

from __future__ import annotations

import argparse
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import yaml

from bot.core.errors import StaffroomError

PLACEHOLDER = "https://staffroom.example.org"
EVENTS_PATH = "/slack/events"  # bot.runtime.server serves Slack here
HEADER = """\
# The staffroom Slack app. At https://api.slack.com/apps choose Create New App ->
# From an app manifest, pick your workspace and paste this.
"""


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    manifest = commands.add_parser(
        "manifest",
        help="print the Slack app manifest with your server's address filled in",
        description=(
            "Print the manifest that creates the staffroom app in Slack "
            "(Create New App -> From an app manifest). --url is the public https address "
            "in front of `staffroom serve`; with --socket, Socket Mode is on and no "
            "public address is needed."
        ),
    )
    where = manifest.add_mutually_exclusive_group()
    where.add_argument(
        "--url", help="public address of the server, e.g. https://staffroom.school.org"
    )
    where.add_argument(
        "--socket", action="store_true", help="Socket Mode: Slack needs no address to reach"
    )
    manifest.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.url is None and not args.socket:
        raise StaffroomError("give --url https://YOUR-SERVER (or --socket for Socket Mode)")
    print(render_manifest(url=args.url, socket_mode=args.socket), end="")
    return 0


def template() -> dict[str, Any]:
    text = (resources.files("bot") / "manifest.yml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def request_url(url: str) -> str:
    """`https://host[/prefix]` -> the events address Slack should call; refuse what Slack would."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.hostname:
        raise StaffroomError(
            f"--url {url!r}: Slack sends requests only to https:// addresses "
            "(put a TLS proxy such as Caddy in front of serve; see deploy/)"
        )
    if parts.query or parts.fragment:
        raise StaffroomError(f"--url {url!r}: give the address without ? or #")
    path = parts.path.rstrip("/").removesuffix(EVENTS_PATH)
    return f"https://{parts.netloc}{path}{EVENTS_PATH}"


def render_manifest(*, url: str | None, socket_mode: bool) -> str:
    manifest = template()
    settings = manifest["settings"]
    target = request_url(url) if url is not None else None
    for command in manifest["features"]["slash_commands"]:
        _set_url(command, "url", target)
    _set_url(settings["event_subscriptions"], "request_url", target)
    _set_url(settings["interactivity"], "request_url", target)
    settings["socket_mode_enabled"] = socket_mode
    body = yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


def _set_url(section: dict[str, Any], key: str, url: str | None) -> None:
    if url is None:
        section.pop(key, None)  # Socket Mode: Slack sends everything over the socket
    else:
        section[key] = url
