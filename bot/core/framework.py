"""The trust's framework file: values, standards, ratings, ladder, grades, calendar.

A trust's whole appraisal vocabulary lives in one YAML file so that another
trust can adopt staffroom by editing data, not code. `load_framework` validates
the file and reports the first problems with the key at fault.
"""

from __future__ import annotations

import re
from datetime import date, time
from functools import cached_property
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.core.errors import FrameworkError
from storage.models import Role

ROLES = tuple(role.value for role in Role)  # the roster's roles (PRODUCT §3.4), one list
LADDER_LEVELS = 10
SHEET_LEVELS = 8
LADDER_CHECKPOINTS = ("sep", "mid", "jul")  # the ragging sheet's three columns
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
    code: str = Field(min_length=1, max_length=10)
    name: str = Field(min_length=1)
    outstanding: str = ""
    below: str = ""


class StandardSet(_Strict):
    name: str = Field(min_length=1)
    standards: list[Standard] = Field(min_length=1, max_length=100)

    @field_validator("standards")
    @classmethod
    def _codes_unique(cls, standards: list[Standard]) -> list[Standard]:
        _require_unique([s.code for s in standards], "standard code")
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
    name: str = Field(min_length=1)
    opens: MonthDay
    closes: MonthDay
    optional: bool = False

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
    statements: list[str] = Field(default_factory=list)
    description: str = ""

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


class Framework(_Strict):
    name: str = Field(min_length=1)
    trust: str = Field(min_length=1)
    timezone: str
    working_hours: WorkingHours
    celebrations_channel: str = Field(min_length=2)
    values: list[Value] = Field(min_length=1, max_length=100)
    ratings: list[Rating] = Field(min_length=1)
    standard_sets: dict[str, StandardSet] = Field(min_length=1)
    standard_set_for_role: dict[str, str]
    meeting_standard_set: str
    checkpoints: list[Checkpoint] = Field(min_length=1)
    ladder: list[LadderLevel]
    expected_levels: list[ExpectedLevel]
    school_holidays: list[Holiday] = Field(default_factory=list)
    weekly_summary: WeeklySummary = Field(default_factory=WeeklySummary)
    # Channel posts show a figure about people's ratings, ladder standing or overdue
    # feedback only for a group at least this large (smaller groups identify people).
    small_group: int = Field(default=5, ge=1)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r}") from None
        return name

    @field_validator("celebrations_channel")
    @classmethod
    def _channel_form(cls, channel: str) -> str:
        if not re.fullmatch(r"#[a-z0-9_\-]{1,80}|[CG][A-Z0-9]{6,}", channel):
            raise ValueError(
                "must be a channel name like '#celebrations' or a channel id like C0123456"
            )
        return channel

    @field_validator("values", "ratings", "checkpoints")
    @classmethod
    def _keys_unique(
        cls, items: list[Value] | list[Rating] | list[Checkpoint], info: ValidationInfo
    ) -> list[Value] | list[Rating] | list[Checkpoint]:
        key = "key" if info.field_name == "checkpoints" else "code"
        kind = (info.field_name or "item").removesuffix("s")
        _require_unique([getattr(item, key) for item in items], f"{kind} {key}")
        return items

    @field_validator("checkpoints")
    @classmethod
    def _checkpoints_usable(cls, checkpoints: list[Checkpoint]) -> list[Checkpoint]:
        missing = [key for key in LADDER_CHECKPOINTS if key not in {c.key for c in checkpoints}]
        if missing:
            raise ValueError(f"the ladder needs checkpoints {', '.join(missing)}")
        spans = []
        for checkpoint in checkpoints:
            # Months counted from September, so a window may cross New Year but not August.
            opens = ((checkpoint.opens.month - 9) % 12, checkpoint.opens.day)
            closes = ((checkpoint.closes.month - 9) % 12, checkpoint.closes.day)
            if closes < opens:
                raise ValueError(
                    f"{checkpoint.key} closes before it opens in the academic year "
                    "(September to August)"
                )
            spans.append((opens, closes, checkpoint.key))
        spans.sort()
        for (_, closes, key), (opens, _, next_key) in pairwise(spans):
            if opens <= closes:
                raise ValueError(f"{key} and {next_key} overlap: checkpoint windows must not")
        return checkpoints

    @field_validator("ladder")
    @classmethod
    def _ladder_complete(cls, levels: list[LadderLevel]) -> list[LadderLevel]:
        numbers = [lvl.level for lvl in levels]
        if numbers != list(range(1, LADDER_LEVELS + 1)):
            raise ValueError(f"must list levels 1 to {LADDER_LEVELS} in order, got {numbers}")
        for lvl in levels[:SHEET_LEVELS]:
            if not lvl.statements:
                raise ValueError(f"level {lvl.level} needs its ragging-sheet statements")
        for lvl in levels[SHEET_LEVELS:]:
            if lvl.statements:
                raise ValueError(f"level {lvl.level} has no ragging sheet: use description")
        return levels

    @field_validator("expected_levels")
    @classmethod
    def _grades_unique(cls, rows: list[ExpectedLevel]) -> list[ExpectedLevel]:
        _require_unique([normalise_grade(g) for row in rows for g in row.grades], "grade")
        return rows

    @model_validator(mode="after")
    def _references_resolve(self) -> Framework:
        for role, set_key in self.standard_set_for_role.items():
            if role not in ROLES:
                raise ValueError(f"standard_set_for_role: unknown role {role!r} (roles: {ROLES})")
            if set_key not in self.standard_sets:
                raise ValueError(f"standard_set_for_role.{role}: no standard set {set_key!r}")
        missing = [role for role in ROLES if role not in self.standard_set_for_role]
        if missing:
            raise ValueError(f"standard_set_for_role: no standard set for {missing}")
        if self.meeting_standard_set not in self.standard_sets:
            raise ValueError(f"meeting_standard_set: no standard set {self.meeting_standard_set!r}")
        return self

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def value(self, code: str) -> Value | None:
        return next((v for v in self.values if v.code == code), None)

    def expected_level(self, grade: str | None) -> int | None:
        """The ladder level expected for a grade, or None for a grade not in the table."""
        if not grade:
            return None
        wanted = normalise_grade(grade)
        for row in self.expected_levels:
            if any(normalise_grade(g) == wanted for g in row.grades):
                return row.level
        return None


def normalise_grade(grade: str) -> str:
    return re.sub(r"\s+", "", grade).upper()


def _require_unique(items: list[str], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item in seen:
            raise ValueError(f"duplicate {what} {item!r}")
        seen.add(item)


def builtin_framework_path() -> Path:
    return Path(str(resources.files("bot") / "frameworks" / "smart.yml"))


def load_framework(path: Path | None = None) -> Framework:
    """Load and validate a framework file (the built-in SMART one by default)."""
    source = path or builtin_framework_path()
    try:
        raw: Any = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FrameworkError(f"{source}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise FrameworkError(
            f"{source} is not UTF-8 text: save it as UTF-8 (in Notepad: Save As, Encoding UTF-8)"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise FrameworkError(f"{source}:{where} is not valid YAML") from None
    if not isinstance(raw, dict):
        raise FrameworkError(f"{source}: must be a mapping of keys, got {type(raw).__name__}")
    try:
        return Framework.model_validate(raw)
    except ValidationError as exc:
        raise FrameworkError(f"{source}: {_describe(exc)}") from None


def _describe(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors()[:3]:
        key = ".".join(str(part) for part in error["loc"]) or "(top level)"
        message = error["msg"].removeprefix("Value error, ")
        problems.append(f"{key}: {message}")
    more = exc.error_count() - len(problems)
    return "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")
