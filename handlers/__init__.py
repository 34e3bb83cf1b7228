"""Slack's edge: one module per feature, each with `register(app, deps)`.

Handlers ack fast, turn payloads into plain values, call `bot`, and render
replies with `messages`. Rules and SQL live elsewhere.
"""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from handlers import commend, home


def register_all(app: App, deps: Deps) -> None:
    for module in (commend, home):
        module.register(app, deps)
