"""The rules of the three appraisal objectives (SMART's Expected Standards, "Our
appraisal categories"; SHARE MAT's QA policy §7.4). Pure: no Slack, no SQL, no wording.

Objective 1 is the main role (with 1-4 of the person's standards if they like),
2 the STAR project, 3 leadership (how they will help their teams and, in a trust
with a leadership ladder, the level they aim for by July; the trust's framework may
word it its own way). The appraiser agrees them at the first appraisal meeting, by
the end of the September checkpoint, and reviews each at every later checkpoint:
the mid-year and final reviews, and any optional check point the trust adds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from bot.core.calendar import AcademicYear
from bot.core.errors import InvalidInput, Problem, problem
from bot.core.framework import Framework
from bot.core.framework_parts import LADDER_LEVELS, Checkpoint, StandardSet
from bot.ladder.windows import Window, window_of
from storage.models import ObjectiveStatus

MAIN_ROLE, STAR, LEADERSHIP = 1, 2, 3
NUMBERS = (MAIN_ROLE, STAR, LEADERSHIP)
MAX_TEXT = 1500
MAX_STANDARDS = 4
MAX_COMMENT = 1500
AGREEMENT_CHECKPOINT = "sep"  # objectives are agreed by the end of the September checkpoint
WRITE_BY = (10, 1)  # (month, day): objectives not written by 1 October are chased

# Field names a refusal is about (a form maps them to its blocks).
STANDARDS = "standards"
TARGET = "target"
COMMENT = "comment"


def text_field(number: int) -> str:
    return f"text:{number}"


def status_field(number: int) -> str:
    return f"status:{number}"


def comment_field(number: int) -> str:
    return f"comment:{number}"


def trust_name(framework: Framework, number: int) -> str:
    """What the trust's framework calls an objective ("" where it leaves it to staffroom:
    only objective 3 is worded by the framework)."""
    return framework.leadership_objective.name if number == LEADERSHIP else ""


INTERIM_STATUSES = (ObjectiveStatus.ON_TRACK, ObjectiveStatus.NEEDS_SUPPORT, ObjectiveStatus.MET)
FINAL_STATUSES = (ObjectiveStatus.MET, ObjectiveStatus.PARTLY_MET, ObjectiveStatus.NOT_MET)


def check_objectives(
    texts: Mapping[int, str],
    standards: Sequence[str],
    standard_set: StandardSet,
    target: int | None,
    framework: Framework,
) -> None:
    """InvalidInput naming every field at fault: each objective written and at most
    1,500 characters, 0-4 of the person's own standards and, in a trust with a ladder,
    a ladder level to aim for (without one, `target` is not asked and not looked at)."""
    errors: dict[str, Problem] = {}
    for number in NUMBERS:
        text = texts.get(number, "").strip()
        if not text:
            errors[text_field(number)] = problem(
                "objectives.empty", number=number, name=trust_name(framework, number)
            )
        elif len(text) > MAX_TEXT:
            errors[text_field(number)] = problem(
                "objectives.too_long", number=number, length=len(text), limit=MAX_TEXT
            )
    unknown = [code for code in standards if standard_set.get(code) is None]
    if unknown:
        errors[STANDARDS] = problem("objectives.unknown_standard", code=unknown[0])
    elif len(set(standards)) > MAX_STANDARDS:
        errors[STANDARDS] = problem(
            "objectives.too_many_standards", chosen=len(set(standards)), limit=MAX_STANDARDS
        )
    if framework.has_ladder and (target is None or not 1 <= target <= LADDER_LEVELS):
        errors[TARGET] = problem("objectives.no_target", levels=LADDER_LEVELS)
    if errors:
        raise InvalidInput(errors)


def check_comment(comment: str, field: str = COMMENT) -> None:
    if len(comment.strip()) > MAX_COMMENT:
        raise InvalidInput(
            {field: problem("objectives.comment_too_long", length=len(comment), limit=MAX_COMMENT)}
        )


def review_checkpoints(framework: Framework) -> list[Checkpoint]:
    """Every checkpoint at which objectives are reviewed: all but the agreement one."""
    return [c for c in framework.checkpoints if c.key != AGREEMENT_CHECKPOINT]


def review_windows(framework: Framework, year: AcademicYear) -> list[Window]:
    """The review checkpoints' windows in an academic year, in date order."""
    windows = [window_of(c, year) for c in review_checkpoints(framework)]
    return sorted(windows, key=lambda w: w.opens)


def agreement_window(framework: Framework, year: AcademicYear) -> Window:
    checkpoint = next(c for c in framework.checkpoints if c.key == AGREEMENT_CHECKPOINT)
    return window_of(checkpoint, year)


def review_window_at(framework: Framework, today: date) -> Window | None:
    """The checkpoint a review made today counts for: the latest review checkpoint of this
    academic year whose window has opened (a review made late, after its window closed
    and before the next opens, still counts for it). None before the first opens."""
    opened = [w for w in review_windows(framework, AcademicYear.of(today)) if w.opens <= today]
    return opened[-1] if opened else None


def is_final(framework: Framework, checkpoint: str) -> bool:
    """The final review is the year's last checkpoint."""
    windows = review_windows(framework, AcademicYear(2000))
    return bool(windows) and windows[-1].checkpoint.key == checkpoint


def statuses_at(framework: Framework, checkpoint: str) -> tuple[ObjectiveStatus, ...]:
    """The statuses an appraiser chooses from: on track / needs support / met during the
    year; met / partly met / not met at the final review."""
    return FINAL_STATUSES if is_final(framework, checkpoint) else INTERIM_STATUSES


def check_statuses(
    framework: Framework, checkpoint: str, statuses: Mapping[int, str | None]
) -> dict[int, ObjectiveStatus]:
    """Each objective's status, one of those allowed at this checkpoint (InvalidInput if not)."""
    allowed = statuses_at(framework, checkpoint)
    chosen: dict[int, ObjectiveStatus] = {}
    errors: dict[str, Problem] = {}
    for number in NUMBERS:
        raw = statuses.get(number)
        status = next((s for s in allowed if s.value == raw), None)
        if status is None:
            errors[status_field(number)] = problem(
                "objectives.no_status", number=number, name=trust_name(framework, number)
            )
        else:
            chosen[number] = status
    if errors:
        raise InvalidInput(errors)
    return chosen


def write_reminder_from(year: AcademicYear) -> date:
    month, day = WRITE_BY
    return date(year.first_year, month, day)
