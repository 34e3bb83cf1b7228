"""Slack refuses a message or view that breaks Block Kit's rules; so does the stand-in,
on every call it receives, with the problems messages.limits finds. Every test and
every demo session therefore checks the limits of everything the app sends."""

from __future__ import annotations

from typing import Any

from messages.limits import message_problems, view_problems

MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.update"})
VIEW_METHODS = frozenset({"views.open", "views.push", "views.update", "views.publish"})


def problems(method: str, params: dict[str, Any]) -> list[str]:
    """What Slack would refuse in this call's message or view (nothing for other calls)."""
    if method in MESSAGE_METHODS or (method == "response_url" and _shows(params)):
        return message_problems(params)
    if method in VIEW_METHODS and isinstance(params.get("view"), dict):
        return view_problems(params["view"])
    return []


def refusal(method: str, found: list[str]) -> dict[str, Any]:
    """Slack's answer to a call whose message or view breaks the rules."""
    error = "invalid_arguments" if method in VIEW_METHODS else "invalid_blocks"
    return {"ok": False, "error": error, "response_metadata": {"messages": found}}


def _shows(params: dict[str, Any]) -> bool:
    """A response_url body that shows something (deleting a message shows nothing)."""
    return not params.get("delete_original")
