"""Wording and layout: Jinja2 templates that render Block Kit and plain text.

`render("name", **context)` returns the dict a template describes (a message
with `text` and `blocks`, or a view). Templates hold wording, never rules.
Nothing here imports the rest of staffroom.
"""

from messages.render import render, slack_escape

__all__ = ["render", "slack_escape"]
