"""The trust's framework file: values, standards, ratings, ladder, grades, calendar.

A trust's whole appraisal vocabulary lives in one YAML file so that another
trust can adopt staffroom by editing data, not code. `load_framework` validates
the file and reports the first problems with the key at fault.
"""

from __future__ import annotations

import re
from functools import cached_property
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator

from bot.core.errors import FrameworkError
from bot.core.framework_parts import (
    LADDER_LEVELS,
    Checkpoint,
    ExpectedLevel,
    Goal,
    Holiday,
    LadderLevel,
    LeadershipObjective,
    Rating,
    StandardSet,
    Star,
    Value,
    VisitDeadlines,
    WeeklySummary,
    WorkingHours,
    _Strict,
    require_unique,
)
from storage.models import Role

ROLES = tuple(role.value for role in Role)  # the roster's roles, one list
SHEET_LEVELS = 8
FIXED_CHECKPOINTS = ("sep", "mid", "jul")  # the appraisal year's three fixed checkpoints
BUILTIN_FRAMEWORKS = ("smart", "share")
_EMAIL = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+$")


class Framework(_Strict):
    name: str = Field(min_length=1)
    trust: str = Field(min_length=1)
    timezone: str
    working_hours: WorkingHours
    celebrations_channel: str = Field(min_length=2)
    admin_email: str | None = None  # the trust's IT admin, told when school holidays run out
    values_name: str = Field(default="", max_length=40)  # what the values are called (EQUIP)
    values: list[Value] = Field(default_factory=list, max_length=100)
    goals: list[Goal] = Field(default_factory=list)
    rating_scale: str = Field(default="Ratings", min_length=1, max_length=60)
    ratings: list[Rating] = Field(min_length=1, max_length=10)
    standard_sets: dict[str, StandardSet] = Field(min_length=1)
    standard_set_for_role: dict[str, str]
    standard_set_for_grade: dict[str, str] = Field(default_factory=dict)
    meeting_standard_set: str | None = None
    visits: VisitDeadlines = Field(default_factory=VisitDeadlines)
    star: Star = Field(default_factory=Star)
    checkpoints: list[Checkpoint] = Field(min_length=1)
    ladder: list[LadderLevel] = Field(default_factory=list)
    leadership_objective: LeadershipObjective = Field(default_factory=LeadershipObjective)
    expected_levels: list[ExpectedLevel] = Field(default_factory=list)
    # The chart's key: someone new to a role may work this many levels below expected.
    new_to_role_levels: int = Field(default=1, ge=0, le=3)
    school_holidays: list[Holiday] = Field(default_factory=list)
    weekly_summary: WeeklySummary = Field(default_factory=WeeklySummary)
    # Channel posts show a figure about people's ratings, ladder standing or overdue
    # feedback only for a group at least this large (smaller groups identify people).
    small_group: int = Field(default=5, ge=1)
    # Records are kept for this many academic years after the one they belong to; then
    # `staffroom purge` (run daily inside serve) deletes them, keeping anonymous counts.
    retention_years: int = Field(default=6, ge=1, le=100)

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

    @field_validator("admin_email")
    @classmethod
    def _email_form(cls, email: str | None) -> str | None:
        if email is not None and not _EMAIL.match(email.strip()):
            raise ValueError(f"{email!r} is not an email address")
        return email.strip().lower() if email else None

    @field_validator("values", "ratings", "checkpoints")
    @classmethod
    def _keys_unique(
        cls, items: list[Value] | list[Rating] | list[Checkpoint], info: ValidationInfo
    ) -> list[Value] | list[Rating] | list[Checkpoint]:
        key = "key" if info.field_name == "checkpoints" else "code"
        kind = (info.field_name or "item").removesuffix("s")
        require_unique([getattr(item, key) for item in items], f"{kind} {key}")
        return items

    @field_validator("checkpoints")
    @classmethod
    def _checkpoints_usable(cls, checkpoints: list[Checkpoint]) -> list[Checkpoint]:
        fixed = {c.key for c in checkpoints if not c.optional}
        missing = [key for key in FIXED_CHECKPOINTS if key not in fixed]
        if missing:
            raise ValueError(
                f"the appraisal year needs checkpoints {', '.join(missing)} (not optional)"
            )
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
        if not levels:
            return levels  # a trust without a leadership ladder
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
        require_unique([normalise_grade(g) for row in rows for g in row.grades], "grade")
        return rows

    @field_validator("standard_set_for_grade")
    @classmethod
    def _set_grades_unique(cls, by_grade: dict[str, str]) -> dict[str, str]:
        require_unique([normalise_grade(g) for g in by_grade], "grade")
        return by_grade

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
        for grade, set_key in self.standard_set_for_grade.items():
            if set_key not in self.standard_sets:
                raise ValueError(f"standard_set_for_grade.{grade}: no standard set {set_key!r}")
        meetings = self.meeting_standard_set
        if meetings is not None and meetings not in self.standard_sets:
            raise ValueError(f"meeting_standard_set: no standard set {meetings!r}")
        if self.expected_levels and not self.ladder:
            raise ValueError("expected_levels: the framework has no ladder")
        return self

    @property
    def has_ladder(self) -> bool:
        return bool(self.ladder)

    @property
    def sheet(self) -> list[LadderLevel]:
        """The levels with a ragging sheet (1-8), in order; empty without a ladder."""
        return self.ladder[:SHEET_LEVELS]

    def standard_set_key(self, role: str, grade: str | None, override: str | None = None) -> str:
        """A person's own standard set: the roster's choice, else by grade, else by role."""
        if override and override in self.standard_sets:
            return override
        if grade:
            wanted = normalise_grade(grade)
            for listed, set_key in self.standard_set_for_grade.items():
                if normalise_grade(listed) == wanted:
                    return set_key
        return self.standard_set_for_role[role]

    def checkpoint(self, key: str) -> Checkpoint | None:
        return next((c for c in self.checkpoints if c.key == key), None)

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


def builtin_framework_path(name: str = "smart") -> Path:
    return Path(str(resources.files("bot") / "frameworks" / f"{name}.yml"))


def framework_source(setting: str | Path | None) -> Path:
    """STAFFROOM_FRAMEWORK as a file: a built-in name (`smart`, `share`) or a path."""
    if setting is None or str(setting).strip() == "":
        return builtin_framework_path()
    name = str(setting).strip()
    if name.lower() in BUILTIN_FRAMEWORKS:
        return builtin_framework_path(name.lower())
    return Path(setting)


def load_framework(path: str | Path | None = None) -> Framework:
    """Load and validate a framework file (a built-in name, a path; SMART's by default)."""
    source = framework_source(path)
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
