"""Slack's edge: one module per feature, each with `register(app)` and its `FORMS`.

Listeners are module-level functions given typed arguments by Bolt: `deps`, the
acting `person` (listeners that declare `on_roster`), `form` for a submitted view.
They ack fast, turn payloads into plain values, call `bot`, and render with
`messages`; refusals and failures are answered in one place (handlers.answers).
"""

from __future__ import annotations

from slack_bolt import App

from bot.runtime.deps import Deps
from handlers import (
    commend,
    context,
    feedback,
    home,
    ladder,
    objectives,
    report,
    staffroom,
    star,
    summary,
)

FEATURES = (commend, feedback, star, ladder, summary, staffroom, home, objectives, report)


def register_all(app: App, deps: Deps) -> None:
    forms = {spec.callback_id: spec for module in FEATURES for spec in getattr(module, "FORMS", ())}
    context.install(app, deps, forms)
    for module in FEATURES:
        module.register(app)


def slash_commands() -> list[str]:
    """Every slash command the handlers register (the manifest must declare each)."""
    return [module.COMMAND for module in FEATURES if hasattr(module, "COMMAND")]


def bot_events() -> list[str]:
    """Every event type the handlers listen for (the manifest must subscribe to each)."""
    return [event for module in FEATURES for event in getattr(module, "EVENTS", ())]
