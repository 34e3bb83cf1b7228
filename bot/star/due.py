"""What STAR projects need at a moment (for reminders and for `/staffroom`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.core.calendar import AcademicYear, SchoolCalendar
from storage.db import Database
from storage.models import MeasurementKind
from storage.star import measurements_of, unfinished_projects

OCTOBER = 10

Need = Literal["baseline", "final", "evaluation"]


@dataclass(frozen=True)
class StarNeed:
    project_id: int
    owner_id: int
    need: Need


def needs_at(
    *, db: Database, calendar: SchoolCalendar, now: datetime, owner_id: int | None = None
) -> list[StarNeed]:
    """Which projects (of `owner_id`, or everyone's) need what at `now`: the baseline from a
    few working days before the planned start (SMART's Expected Standards: "take a
    measurement of it before you start"; the framework says how many), the final measurement
    from the planned end, and in October the evaluation of last year's projects."""
    today = calendar.today(now)
    notice = calendar.framework.star.baseline_notice_working_days
    year = AcademicYear.of(today)
    years = [year.label] + (
        [AcademicYear(year.first_year - 1).label] if today.month == OCTOBER else []
    )
    with db.read_session() as session:
        projects = unfinished_projects(session=session, academic_years=years, owner_id=owner_id)
        taken = measurements_of(session=session, project_ids=[p.id for p in projects if p.id])
    needs = []
    for project in projects:
        assert project.id is not None
        kinds = {m.kind for m in taken[project.id]}
        if project.academic_year != year.label:
            needs.append(StarNeed(project.id, project.owner_id, "evaluation"))
        elif MeasurementKind.BASELINE not in kinds:
            if today >= calendar.subtract_working_days(project.planned_start, notice):
                needs.append(StarNeed(project.id, project.owner_id, "baseline"))
        elif MeasurementKind.FINAL not in kinds and today >= project.planned_end:
            needs.append(StarNeed(project.id, project.owner_id, "final"))
    return needs
