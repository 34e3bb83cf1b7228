"""The sections of a trust's framework file, each validated as it is read: values,
ratings, standards and their sets, checkpoints, the ladder's levels and expected levels,
goals, visit deadlines, STAR's sharing day, school holidays, working hours, the weekly
summary and how objective 3 is worded. `bot.core.framework.Framework` holds them.
"""

from __future__ import annotations

import re
from datetime import date, time

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

LADDER_LEVELS = 10
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Value(_Strict):
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=75)


class Rating(_Strict):
    code: str = Field(min_length=1, max_length=3)
    name: str = Field(min_length=1)
    meaning: str = Field(min_length=1)


class Standard(_Strict):
    """One standard: its code and name, and what the trust's document says about it:
    the "Outstanding" and "Below minimum standards" descriptors, or guidance lines (a
    line ending in ':' introduces the lines after it)."""

    code: str = Field(min_length=1, max_length=10)
    name: str = Field(min_length=1)
    heading: str = ""  # the heading it sits under in the document (e.g. a value)
    outstanding: str = ""
    below: str = ""
    guidance: list[str] = Field(default_factory=list)


class StandardSet(_Strict):
    name: str = Field(min_length=1)
    about: str = ""  # the document's words introducing the set
    key: str = ""  # the document's key to abbreviations used in the set
    standards: list[Standard] = Field(min_length=1, max_length=100)

    @field_validator("standards")
    @classmethod
    def _codes_unique(cls, standards: list[Standard]) -> list[Standard]:
        require_unique([s.code for s in standards], "standard code")
        return standards

    def get(self, code: str) -> Standard | None:
        return next((s for s in self.standards if s.code == code), None)


class MonthDay(_Strict):
    month: int
    day: int

    def on(self, year: int) -> date:
        return date(year, self.month, self.day)


class Checkpoint(_Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=20)
    name: str = Field(min_length=1, max_length=60)
    column: str = Field(default="", max_length=12)  # its heading on the sheet ("Sep")
    opens: MonthDay
    closes: MonthDay
    optional: bool = False

    @property
    def heading(self) -> str:
        return self.column or self.name

    @field_validator("opens", "closes", mode="before")
    @classmethod
    def _parse_month_day(cls, raw: object) -> object:
        if isinstance(raw, str):
            match = _MONTH_DAY.match(raw)
            if not match:
                raise ValueError(f"must be MM-DD, got {raw!r}")
            month, day = int(match[1]), int(match[2])
            try:
                date(2024, month, day)  # a leap year, so 02-29 is accepted
            except ValueError:
                raise ValueError(f"{raw!r} is not a day of the year") from None
            return {"month": month, "day": day}
        return raw


class LadderLevel(_Strict):
    level: int = Field(ge=1, le=LADDER_LEVELS)
    name: str = Field(min_length=1)
    title: str = Field(min_length=1)
    criteria: list[str] = Field(default_factory=list)  # the level's summary: minimum criteria
    statements: list[str] = Field(default_factory=list)  # its ragging sheet, in order
    description: str = ""  # levels without a sheet: what the level looks like

    @field_validator("statements")
    @classmethod
    def _statements_not_blank(cls, statements: list[str]) -> list[str]:
        for index, text in enumerate(statements):
            if not text.strip():
                raise ValueError(f"statement {index + 1} is empty")
        return statements


class ExpectedLevel(_Strict):
    level: int = Field(ge=1, le=LADDER_LEVELS)
    grades: list[str] = Field(min_length=1)


class Goal(_Strict):
    """One of the trust's strategic goals, with the objectives staff link theirs to."""

    name: str = Field(min_length=1)
    objectives: list[str] = Field(default_factory=list)


class VisitDeadlines(_Strict):
    """After a formal lesson visit: verbal and written feedback within so many working days."""

    verbal_working_days: int = Field(default=5, ge=1, le=60)
    written_working_days: int = Field(default=10, ge=1, le=60)
    remind_working_days_before: int = Field(default=2, ge=1, le=20)

    @model_validator(mode="after")
    def _ordered(self) -> VisitDeadlines:
        if self.written_working_days < self.verbal_working_days:
            raise ValueError("written feedback cannot be due before verbal feedback")
        return self


class SharingDay(_Strict):
    """The trust's day for sharing STAR projects (SMART day, in February)."""

    name: str = Field(min_length=1, max_length=40)
    month: int = Field(ge=1, le=12)


class Star(_Strict):
    sharing_day: SharingDay | None = None
    # The baseline is measured "before you start": remind this many working days before.
    baseline_notice_working_days: int = Field(default=5, ge=1, le=20)


class Holiday(_Strict):
    name: str = Field(min_length=1)
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Holiday:
        if self.end < self.start:
            raise ValueError(f"ends ({self.end}) before it starts ({self.start})")
        return self


class WorkingHours(_Strict):
    start: time
    end: time

    @model_validator(mode="after")
    def _ordered(self) -> WorkingHours:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class WeeklySummary(_Strict):
    day: str = Field(default="fri", pattern=r"^(mon|tue|wed|thu|fri)$")
    at: time = time(15, 0)

    @property
    def weekday(self) -> int:
        return ("mon", "tue", "wed", "thu", "fri").index(self.day)


class LeadershipObjective(_Strict):
    """Appraisal objective 3 as the trust's documents word it (SMART's Expected Standards,
    "Our appraisal categories": "Improving or using your skills of leadership to benefit
    others"): its name, the question the objectives form asks and an optional hint under it.
    With a ladder the form also asks for the level aimed for by July; without one it does
    not."""

    name: str = Field(default="Leadership", min_length=1, max_length=40)
    question: str = Field(
        default="How will you help the teams you work in improve?", min_length=1, max_length=150
    )
    hint: str = Field(default="", max_length=150)


def require_unique(items: list[str], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item in seen:
            raise ValueError(f"duplicate {what} {item!r}")
        seen.add(item)
