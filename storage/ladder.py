"""Queries on leadership ladder sheets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.models import LadderSheet, Staff


def save_sheet(
    *,
    session: Session,
    staff_id: int,
    academic_year: str,
    checkpoint: str,
    held: list[list[bool | None]],
    level_reached: int,
    target_level: int | None,
    now: datetime,
) -> None:
    """Store the sheet for (person, year, checkpoint), replacing one filled earlier."""
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
    values = {
        "held": held,
        "level_reached": level_reached,
        "target_level": target_level,
        "updated_at": now,
    }
    statement = insert(LadderSheet).values(
        staff_id=staff_id,
        academic_year=academic_year,
        checkpoint=checkpoint,
        created_at=now,
        **values,
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["staff_id", "academic_year", "checkpoint"], set_=values
        )
    )


def sheets_of(*, session: Session, staff_id: int) -> Sequence[LadderSheet]:
    """Every sheet a person filled, oldest first."""
    return session.exec(
        select(LadderSheet)
        .where(LadderSheet.staff_id == staff_id)
        .order_by(col(LadderSheet.academic_year), col(LadderSheet.created_at))
    ).all()


def staff_without_sheet(
    *, session: Session, academic_year: str, checkpoint: str
) -> Sequence[Staff]:
    """Active staff who have not filled the sheet for this checkpoint of this year."""
    filled = exists().where(
        col(LadderSheet.staff_id) == col(Staff.id),
        col(LadderSheet.academic_year) == academic_year,
        col(LadderSheet.checkpoint) == checkpoint,
    )
    return session.exec(
        select(Staff).where(col(Staff.active).is_(True), ~filled).order_by(col(Staff.id))
    ).all()


def staff_ids_without_sheet(*, session: Session, academic_year: str, checkpoint: str) -> list[int]:
    """The ids of active staff who have not filled the sheet for this checkpoint of this
    year (the scheduler's question, asked for thousands of people every few minutes)."""
    filled = exists().where(
        col(LadderSheet.staff_id) == col(Staff.id),
        col(LadderSheet.academic_year) == academic_year,
        col(LadderSheet.checkpoint) == checkpoint,
    )
    rows = session.exec(
        select(Staff.id).where(col(Staff.active).is_(True), ~filled).order_by(col(Staff.id))
    ).all()
    return [row for row in rows if row is not None]
