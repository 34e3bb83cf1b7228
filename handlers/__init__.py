"""Slack's edge: one module per feature, each with `register(app, deps)`.

Handlers ack fast, turn payloads into plain values, call `bot`, and render
replies with `messages`. Rules and SQL live elsewhere.
"""

from __future__ import annotations

from slack_bolt import App

from bot.runtime.deps import Deps
from handlers import commend, feedback, home, ladder, staffroom, star, summary

FEATURES = (commend, feedback, star, ladder, summary, staffroom, home)


def register_all(app: App, deps: Deps) -> None:
    for module in FEATURES:
        module.register(app, deps)


def slash_commands() -> list[str]:
    """Every slash command the handlers register (the manifest must declare each)."""
    return [module.COMMAND for module in FEATURES if hasattr(module, "COMMAND")]


def bot_events() -> list[str]:
    """Every event type the handlers listen for (the manifest must subscribe to each)."""
    return [event for module in FEATURES for event in getattr(module, "EVENTS", ())]
