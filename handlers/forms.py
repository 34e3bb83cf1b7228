"""Reading submitted views: one reader of their inputs, typed private metadata, and
each form's fields (so a refusal is shown beside the field it is about)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.core.errors import GENERAL, InvalidInput, problem
from bot.core.typed import clean


class ViewState:
    """The inputs of a submitted view: each input block holds one element."""

    def __init__(self, view: Mapping[str, Any]) -> None:
        state = view.get("state")
        values = state.get("values") if isinstance(state, Mapping) else None
        self._values: Mapping[str, Any] = values if isinstance(values, Mapping) else {}

    def _element(self, block: str) -> Mapping[str, Any]:
        actions = self._values.get(block)
        if not isinstance(actions, Mapping):
            return {}
        element: object = next(iter(actions.values()), {})
        return element if isinstance(element, Mapping) else {}

    def text(self, block: str) -> str:
        """What was typed, without direction overrides ("" if nothing in it is visible)."""
        value = self._element(block).get("value")
        return clean(value) if isinstance(value, str) else ""

    def user(self, block: str) -> str | None:
        value = self._element(block).get("selected_user")
        return value if isinstance(value, str) and value else None

    def users(self, block: str) -> list[str]:
        value = self._element(block).get("selected_users")
        return [u for u in value if isinstance(u, str)] if isinstance(value, list) else []

    def choice(self, block: str) -> str | None:
        """The value of the option chosen in a select or radio buttons."""
        option = self._element(block).get("selected_option")
        value = option.get("value") if isinstance(option, Mapping) else None
        return value if isinstance(value, str) else None

    def choices(self, block: str) -> list[str]:
        """The values of the options ticked (checkboxes, multi-selects)."""
        options = self._element(block).get("selected_options")
        if not isinstance(options, list):
            return []
        values = (o.get("value") for o in options if isinstance(o, Mapping))
        return [v for v in values if isinstance(v, str)]

    def ticked(self, block: str) -> bool:
        return bool(self.choices(block))

    def day(self, block: str) -> date | None:
        """A datepicker's date (None when none was chosen, or it is not a date)."""
        value = self._element(block).get("selected_date")
        if not isinstance(value, str):
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None

    def typed(self) -> list[str]:
        """Every text the person typed, in the form's order (to give it back if unsaved)."""
        texts = (self.text(block).strip() for block in self._values)
        return [text for text in texts if text]


class Metadata(BaseModel):
    """A form's private metadata: what earlier steps decided, carried in the view."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def dump(self) -> str:
        return self.model_dump_json()

    @classmethod
    def of(cls, view: Mapping[str, Any]) -> Self:
        """The metadata of a submitted view; a stale-request refusal when it is not this form's."""
        try:
            return cls.model_validate_json(str(view.get("private_metadata") or ""))
        except ValidationError:
            raise stale() from None


@dataclass(frozen=True)
class FormSpec:
    """A form: its callback id, what it makes (for "your … was not saved") and its fields.

    `fields` maps a use-case's field names to the form's block ids; `prefixes` maps
    a field prefix (e.g. 'rating:') to a block id prefix, for fields made per item.
    """

    callback_id: str
    what: str
    fields: Mapping[str, str] = field(default_factory=dict)
    prefixes: Mapping[str, str] = field(default_factory=dict)

    def block_for(self, name: str) -> str | None:
        if name in self.fields:
            return self.fields[name]
        for prefix, block_prefix in self.prefixes.items():
            if name.startswith(prefix):
                return block_prefix + name.removeprefix(prefix)
        return None


def stale() -> InvalidInput:
    """A button or form that is not one staffroom sent as it is (old, or altered)."""
    return InvalidInput({GENERAL: problem("request.stale")})


def record_id(action: Mapping[str, Any]) -> int:
    """The id of the record a button was sent with (a stale-request refusal if altered)."""
    value = str(action.get("value", ""))
    if not value.isdigit():
        raise stale()
    return int(value)
