"""Rules of informal feedback and lesson visits (SHARE MAT's QA policy §6.25-7.4).

Feedback names 1-4 standards from the observee's standard set (chosen on the
roster, else by grade, else by role; the meetings set for a meeting). A lesson
visit starts two deadlines in working days, set in the framework: verbal feedback
within 5 and written within 10 for both trusts.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from bot.core import typed
from bot.core.calendar import AcademicYear
from bot.core.errors import InvalidInput, Problem, invalid, problem
from bot.core.framework import Framework
from bot.core.framework_parts import StandardSet
from storage.models import FeedbackContext, Staff

MAX_STANDARDS = 4
MAX_TEXT = 3000
MAX_DETAIL = 200

# Form fields, for errors shown beside them.
OBSERVEE = "observee"
OBSERVED_ON = "observed_on"
CONTEXT = "context"
DETAIL = "detail"
STANDARDS = "standards"
STRENGTHS = "strengths"
DEVELOPMENT = "development"
NEXT_STEPS = "next_steps"
RATING = "rating:"

Seen = Literal["feedback", "visit"]


def rating_field(code: str) -> str:
    return f"{RATING}{code}"


def standard_set_for(framework: Framework, observee: Staff, context: FeedbackContext) -> str:
    """The key of the standard set feedback uses: the meetings set for a meeting (if the
    trust has one), else the person's own: chosen on the roster, else by grade, else by role."""
    if context is FeedbackContext.MEETING and framework.meeting_standard_set:
        return framework.meeting_standard_set
    return framework.standard_set_key(observee.role.value, observee.grade, observee.standards)


def checked_standards(standard_set: StandardSet, codes: list[str]) -> list[str]:
    """The 1-4 standards chosen, each once, all from the set."""
    unique = list(dict.fromkeys(codes))
    if not unique:
        raise invalid(STANDARDS, "feedback.no_standards")
    if len(unique) > MAX_STANDARDS:
        raise invalid(
            STANDARDS, "feedback.too_many_standards", limit=MAX_STANDARDS, chosen=len(unique)
        )
    unknown = [code for code in unique if standard_set.get(code) is None]
    if unknown:
        raise invalid(
            STANDARDS, "feedback.unknown_standards", codes=unknown, set_name=standard_set.name
        )
    return unique


def date_problem(day: date | None, today: date, seen: Seen) -> Problem | None:
    """Why `day` cannot be when someone was seen: none chosen, in the future, or last year."""
    if day is None:
        return problem("feedback.no_date")
    if day > today:
        return problem("feedback.in_future", purpose=seen)
    year_start = AcademicYear.of(today).starts
    if day < year_start:
        return problem("feedback.before_year", year_start=year_start)
    return None


def parse_visit_date(text: str | None, today: date) -> date:
    """The date typed after `/feedback visit @a` (as bot.core.typed reads dates), or today."""
    if not text:
        return today
    day = typed.day(text)
    if day is None:
        raise invalid(OBSERVED_ON, "feedback.not_a_date", text=text[:40])
    return day


def context_of(raw: str | None) -> FeedbackContext | None:
    try:
        return FeedbackContext(raw) if raw else None
    except ValueError:
        return None


def text_problems(texts: dict[str, str]) -> dict[str, Problem]:
    """Strengths, development and next steps: at least one written, none too long."""
    errors = {
        name: problem("feedback.too_long", length=len(text.strip()), limit=MAX_TEXT)
        for name, text in texts.items()
        if len(text.strip()) > MAX_TEXT
    }
    if not any(text.strip() for text in texts.values()):
        errors[STRENGTHS] = problem("feedback.nothing_written")
    return errors


def rating_problems(
    framework: Framework, codes: list[str], ratings: dict[str, str]
) -> dict[str, Problem]:
    """Each rating given is for a chosen standard and is one of the trust's ratings."""
    known = [r.code for r in framework.ratings]
    errors: dict[str, Problem] = {}
    for code, rating in ratings.items():
        if not rating:
            continue
        if code not in codes:
            errors[rating_field(code)] = problem("feedback.rating_not_chosen", code=code)
        elif rating not in known:
            errors[rating_field(code)] = problem(
                "feedback.unknown_rating", rating=rating, ratings=known
            )
    return errors


def refuse_if(errors: dict[str, Problem]) -> None:
    if errors:
        raise InvalidInput(errors)
