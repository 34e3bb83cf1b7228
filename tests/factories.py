"""Test data: people on the roster, written straight to the database."""

from __future__ import annotations

from datetime import UTC, date, datetime

from storage.db import Database
from storage.models import LeaderScope, Role, Staff

EPOCH = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


def add_staff(
    db: Database,
    name: str,
    *,
    slack_user_id: str | None,
    email: str | None = None,
    school: str = "Saltash Primary",
    role: Role = Role.TEACHER,
    grade: str = "M3",
    appraiser: Staff | None = None,
    leader: LeaderScope | None = None,
    active: bool = True,
) -> Staff:
    with db.session() as session:
        person = Staff(
            email=email or f"{name.lower()}@school.example",
            name=name,
            school=school,
            role=role,
            grade=grade,
            appraiser_id=appraiser.id if appraiser else None,
            leader=leader,
            slack_user_id=slack_user_id,
            active=active,
            created_at=EPOCH,
            updated_at=EPOCH,
        )
        session.add(person)
        session.flush()
        session.refresh(person)
        return person


def start_star_project(deps, owner_slack_id: str, start: date, end: date, now: datetime):
    """A STAR project started as `/star new` would, with a minimal KPI."""
    from bot.star import projects as star_projects

    return star_projects.StartProject(
        db=deps.db,
        calendar=deps.calendar,
        now=now,
        owner=person(deps.db, owner_slack_id),
        request=star_projects.NewProject(
            title="T",
            kpi_name="K",
            higher_is_better=True,
            kpi_method="M",
            planned_start=start,
            planned_end=end,
        ),
    )()


def person(db: Database, slack_user_id: str) -> Staff:
    """The roster entry of a Slack user, as the app's middleware gives it to a use-case."""
    from bot.core.people import person_by_slack_id

    found = person_by_slack_id(db, slack_user_id)
    assert found is not None, f"{slack_user_id} is not on the roster"
    return found


SHEET_COUNTS = [5, 4, 6, 6, 11, 13, 15, 15]  # SMART's ragging sheets, levels 1-8


def held_up_to(level_reached: int) -> list[list[bool | None]]:
    """A sheet's answers: every statement true up to `level_reached`, none above it (levels
    6-8 not asked unless reached)."""
    return [
        [level <= level_reached] * count if level <= max(5, level_reached) else [None] * count
        for level, count in enumerate(SHEET_COUNTS, 1)
    ]


def ladder_sheet(
    *, staff_id: int, academic_year: str, level_reached: int, at: datetime, checkpoint: str = "sep"
):
    """A filled ladder sheet: every statement true up to `level_reached` (held_up_to)."""
    from storage.models import LadderSheet

    return LadderSheet(
        staff_id=staff_id,
        academic_year=academic_year,
        checkpoint=checkpoint,
        held=held_up_to(level_reached),
        level_reached=level_reached,
        created_at=at,
        updated_at=at,
    )
