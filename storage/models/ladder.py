"""The leadership ladder: a person's ragging sheet at each checkpoint."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, UniqueConstraint
from sqlalchemy.types import JSON
from sqlmodel import Field, SQLModel

from storage.types import utc_field


class LadderSheet(SQLModel, table=True):
    """A person's ragging sheet at one checkpoint of one academic year.

    `held` is what the person answered for each statement, level by level (levels 1-8,
    in sheet order): true, false, or null when not asked. The colours follow from it
    by the sheet's rule (bot.ladder.rules); `level_reached` is kept too, for queries.
    """

    __tablename__ = "ladder_sheet"
    __table_args__ = (
        UniqueConstraint("staff_id", "academic_year", "checkpoint", name="uq_ladder_sheet"),
    )

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    academic_year: str = Field(max_length=7, index=True)
    checkpoint: str = Field(max_length=20)
    held: list[list[bool | None]] = Field(sa_column=Column(JSON, nullable=False))
    level_reached: int
    target_level: int | None = Field(default=None)
    created_at: datetime = utc_field(nullable=False)
    updated_at: datetime = utc_field(nullable=False)
