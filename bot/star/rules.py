"""STAR project rules (seed 000, Appraisal Objective 2; PRODUCT §2.4).

Stages: 1 choose an idea, 2 research, 3 plan, 4 try it out, 5 evaluate, 6 share.
The KPI is measured before (baseline) and, in exactly the same way, at the end
(final). A project passes once evaluated with the appraiser, whichever way the
KPI moved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.core.errors import InvalidInput

STAGES = {
    1: "Choose an idea",
    2: "Research",
    3: "Plan",
    4: "Try it out",
    5: "Evaluate",
    6: "Share",
}
EVALUATE_STAGE = 5
SHARE_STAGE = 6
VALUE = "value"
MAX_MAGNITUDE = 1e12


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
    """A KPI value typed by a person: a finite number (`62`, `71.5`, `-3`, `1,200`, `62%`)."""
    cleaned = text.strip().replace(",", "").removesuffix("%").strip()
    try:
        value = float(cleaned)
    except ValueError:
        raise InvalidInput({VALUE: f"{text.strip()!r} is not a number."}) from None
    if not math.isfinite(value) or cleaned.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise InvalidInput({VALUE: f"{text.strip()!r} is not a number."})
    if abs(value) > MAX_MAGNITUDE:
        raise InvalidInput({VALUE: "That number is too large to be a measurement."})
    return value


def next_stage(stage: int, *, evaluated: bool) -> int:
    """The stage after `stage`; the last step, sharing, waits for the evaluation."""
    if stage >= SHARE_STAGE:
        raise InvalidInput({"stage": "The project is at its last stage: sharing."})
    if stage == EVALUATE_STAGE and not evaluated:
        raise InvalidInput(
            {"stage": "Evaluate the project with your appraiser before moving on to sharing."}
        )
    return stage + 1
