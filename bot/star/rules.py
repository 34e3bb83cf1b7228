"""STAR project rules (SMART's Expected Standards, Appraisal Objective 2).

Stages: 1 choose an idea, 2 research, 3 plan, 4 try it out, 5 evaluate, 6 share.
The KPI is measured before (baseline) and, in exactly the same way, at the end
(final). A project passes once evaluated with the appraiser, whichever way the
KPI moved.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import typed
from bot.core.errors import invalid

EVALUATE_STAGE = 5
SHARE_STAGE = 6
VALUE = "value"
STAGE = "stage"
MAX_MAGNITUDE = 1e12
MAX_SHOWN = 40  # of what was typed, when saying it is not a number


@dataclass(frozen=True)
class Change:
    """The KPI's change from baseline to a later measurement."""

    absolute: float
    percent: float | None  # None when the baseline is zero
    improved: bool
    unchanged: bool


def kpi_change(baseline: float, later: float, *, higher_is_better: bool) -> Change:
    absolute = later - baseline
    percent = None if baseline == 0 else round(absolute / abs(baseline) * 100, 1)
    improved = absolute > 0 if higher_is_better else absolute < 0
    return Change(absolute=absolute, percent=percent, improved=improved, unchanged=absolute == 0)


def parse_measurement(text: str) -> float:
    """A KPI value typed by a person, as bot.core.typed reads numbers."""
    value = typed.number(text)
    if value is None:
        raise invalid(VALUE, "star.not_a_number", text=text.strip()[:MAX_SHOWN])
    if abs(value) > MAX_MAGNITUDE:
        raise invalid(VALUE, "star.too_large")
    return value


def next_stage(stage: int, *, evaluated: bool) -> int:
    """The stage after `stage`; the last step, sharing, waits for the evaluation."""
    if stage >= SHARE_STAGE:
        raise invalid(STAGE, "star.last_stage")
    if stage == EVALUATE_STAGE and not evaluated:
        raise invalid(STAGE, "star.evaluate_first")
    return stage + 1
