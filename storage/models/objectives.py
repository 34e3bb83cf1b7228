"""Appraisal objectives, their reviews at each checkpoint, and leadership training."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Text, UniqueConstraint
from sqlalchemy.types import JSON
from sqlmodel import Field, SQLModel

from storage.types import enum_type, utc_field


class ObjectiveSet(SQLModel, table=True):
    """A person's three appraisal objectives for one academic year (SMART's Expected Standards, "Our
    appraisal categories"), as written by them and agreed by their appraiser.

    `version` goes up with every change the person makes, so that an appraiser's
    "agree" button (which carries the version it was sent with) agrees only what
    the appraiser saw: a compare-and-set on it.
    """

    __tablename__ = "objective_set"
    __table_args__ = (UniqueConstraint("staff_id", "academic_year", name="uq_objective_set"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    academic_year: str = Field(max_length=7, index=True)
    version: int = Field(default=1)
    target_level: int | None = Field(default=None)  # objective 3: the level aimed for by July
    agreed_at: datetime | None = utc_field(nullable=True)
    agreed_by: int | None = Field(default=None, foreign_key="staff.id")
    talk_comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    talk_requested_at: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field(nullable=False)
    updated_at: datetime = utc_field(nullable=False)


class Objective(SQLModel, table=True):
    """One of the three: 1 main role, 2 STAR project, 3 leadership."""

    __tablename__ = "objective"

    set_id: int = Field(foreign_key="objective_set.id", primary_key=True)
    number: int = Field(primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    standards: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class ObjectiveStatus(StrEnum):
    ON_TRACK = "on_track"
    NEEDS_SUPPORT = "needs_support"
    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"


class ObjectiveReview(SQLModel, table=True):
    """The appraiser's status and comment on one objective at one checkpoint."""

    __tablename__ = "objective_review"
    __table_args__ = (
        UniqueConstraint("set_id", "number", "checkpoint", name="uq_objective_review"),
    )

    id: int | None = Field(default=None, primary_key=True)
    set_id: int = Field(foreign_key="objective_set.id", index=True)
    number: int
    checkpoint: str = Field(max_length=20)
    status: ObjectiveStatus = Field(
        sa_column=Column(enum_type(ObjectiveStatus, 20), nullable=False)
    )
    comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    reviewed_by: int = Field(foreign_key="staff.id")
    reviewed_at: datetime = utc_field(nullable=False)


class LeadershipTraining(SQLModel, table=True):
    """A leadership training write-up: what a person learned (SMART's Expected Standards,
    "Leadership training")."""

    __tablename__ = "leadership_training"

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    title: str = Field(max_length=150)
    taken_on: date
    learned: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = utc_field(nullable=False)
