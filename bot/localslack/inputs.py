"""A view's inputs as a person's Slack client handles them: the state Slack reports for
each (`view.state.values`), set from what a person types or chooses, with the checks
Slack's own client makes before anything is sent (a required field left empty, a
number that is not a number, a date that is not one, a choice that is not offered).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

REQUIRED = "Please complete this required field."


class ClientError(Exception):
    """What Slack's client would refuse or say before sending anything."""


def initial_values(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The state a view starts with: each input's initial value, as a submission carries it."""
    values: dict[str, dict[str, Any]] = {}
    for block in view.get("blocks") or []:
        if block.get("type") != "input":
            continue
        element = block.get("element") or {}
        state = element_state(element)
        if state is not None:
            values.setdefault(block.get("block_id", ""), {})[element.get("action_id", "")] = state
    return values


def element_state(element: dict[str, Any]) -> dict[str, Any] | None:
    """An input element's value as Slack reports it in `view.state.values`."""
    kind = element.get("type", "")
    state: dict[str, Any] = {"type": kind}
    if kind in ("plain_text_input", "number_input", "email_text_input", "url_text_input"):
        state["value"] = element.get("initial_value")
    elif kind == "users_select":
        state["selected_user"] = element.get("initial_user")
    elif kind == "multi_users_select":
        state["selected_users"] = list(element.get("initial_users") or [])
    elif kind in ("static_select", "radio_buttons"):
        state["selected_option"] = element.get("initial_option")
    elif kind in ("multi_static_select", "checkboxes"):
        state["selected_options"] = list(element.get("initial_options") or [])
    elif kind == "datepicker":
        state["selected_date"] = element.get("initial_date")
    elif kind == "timepicker":
        state["selected_time"] = element.get("initial_time")
    else:
        return None
    return state


def ordered_options(element: dict[str, Any]) -> list[dict[str, Any]]:
    """Every option of a select, flattening option groups."""
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    return options


def state_from_text(
    element: dict[str, Any], text: str, user_id: Callable[[str], str]
) -> dict[str, Any]:
    """An input's state from what a person typed or chose; ClientError if it cannot be."""
    kind = element.get("type", "")
    state = element_state(element) or {"type": kind}
    text = text.strip()
    if kind in ("plain_text_input", "email_text_input", "url_text_input"):
        limit = element.get("max_length")
        if limit and len(text) > int(limit):
            raise ClientError(f"at most {limit} characters fit in this field")
        state["value"] = text or None
    elif kind == "number_input":
        state["value"] = _number(element, text) if text else None
    elif kind == "users_select":
        state["selected_user"] = user_id(text) if text else None
    elif kind == "multi_users_select":
        state["selected_users"] = [user_id(name) for name in _several(text)]
    elif kind in ("static_select", "radio_buttons"):
        state["selected_option"] = _option(element, text) if text else None
    elif kind in ("multi_static_select", "checkboxes"):
        state["selected_options"] = [_option(element, choice) for choice in _several(text)]
    elif kind == "datepicker":
        try:
            state["selected_date"] = date.fromisoformat(text).isoformat() if text else None
        except ValueError:
            raise ClientError(f"{text!r} is not a date: write YYYY-MM-DD") from None
    else:
        raise ClientError(f"a {kind} cannot be filled in here")
    return state


def label_of(block: dict[str, Any]) -> str:
    return str((block.get("label") or {}).get("text", ""))


def starts_with_word(label: str, wanted: str) -> bool:
    if not wanted or not label.startswith(wanted):
        return False
    rest = label[len(wanted) :]
    return not rest or not rest[0].isalnum()


def _several(text: str) -> list[str]:
    if not text.strip() or text.strip().lower() == "none":
        return []
    parts = re.split(r",|\band\b", text)
    return [part.strip() for part in parts if part.strip()]


def _option(element: dict[str, Any], text: str) -> dict[str, Any]:
    """The option whose text (or value) is `text`, or whose text starts with it."""
    wanted = text.strip().lower()
    options = ordered_options(element)

    def shown(option: dict[str, Any]) -> str:
        return str((option.get("text") or {}).get("text", "")).lower()

    for option in options:
        if shown(option) == wanted or str(option.get("value", "")).lower() == wanted:
            return option
    starting = [o for o in options if starts_with_word(shown(o), wanted)]
    if len(starting) == 1:
        return starting[0]
    choices = ", ".join(str((o.get("text") or {}).get("text", "")) for o in options[:12])
    raise ClientError(f"{text!r} is not one of the choices: {choices}")


def _number(element: dict[str, Any], text: str) -> str:
    try:
        number = float(text)
    except ValueError:
        raise ClientError(f"{text!r} is not a number") from None
    if not element.get("is_decimal_allowed") and number != int(number):
        raise ClientError("this field takes whole numbers")
    for bound, fails in (("min_value", number.__lt__), ("max_value", number.__gt__)):
        if element.get(bound) is not None and fails(float(element[bound])):
            raise ClientError(f"{text} is out of range")
    return text


def is_empty(modal: dict[str, Any], block: dict[str, Any]) -> bool:
    values = modal["state"]["values"].get(block.get("block_id", ""), {})
    state: dict[str, Any] = next(iter(values.values()), {}) if values else {}
    for key in ("value", "selected_user", "selected_option", "selected_date", "selected_time"):
        if state.get(key):
            return False
    return not any(state.get(key) for key in ("selected_users", "selected_options"))
