"""The one place a refusal's codes become words.

A code `<feature>.<name>` is the macro `<name>` in `templates/refusals/<feature>.j2`,
called with the problem's data (and what every refusal may mention, such as the
trust's name). Words are mrkdwn: what a person typed is escaped (the `quoted` filter),
so a surface that shows plain text (a form's field errors) unescapes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from messages.render import environment


class Coded(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def data(self) -> Mapping[str, Any]: ...


def wording(problem: Coded, **common: Any) -> str:
    """What to tell the person about `problem`, in one or two sentences."""
    feature, _, name = problem.code.partition(".")
    module = environment().get_template(f"refusals/{feature}.j2").module
    macro = getattr(module, name, None)
    if macro is None:
        raise LookupError(f"no wording for refusal {problem.code!r}")
    arguments = {**common, **problem.data}
    accepted = set(macro.arguments) | ({"kwargs"} if macro.catch_kwargs else set())
    return " ".join(str(macro(**{k: v for k, v in arguments.items() if k in accepted})).split())
