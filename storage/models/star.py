"""STAR projects, their KPI measurements and their notes."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Text, text
from sqlmodel import Field, SQLModel

from storage.types import enum_type, utc_field


class StarProject(SQLModel, table=True):
    """A yearly STAR project (Smart Tested Action Research; SMART's Expected Standards,
    Appraisal Objective 2)."""

    __tablename__ = "star_project"

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="staff.id", index=True)
    academic_year: str = Field(max_length=7, index=True)
    title: str = Field(max_length=150)
    question: str = Field(default="", sa_column=Column(Text, nullable=False))
    beneficiaries: str = Field(default="", max_length=500)
    kpi_name: str = Field(max_length=150)
    kpi_unit: str = Field(default="", max_length=30)
    higher_is_better: bool
    kpi_method: str = Field(default="", sa_column=Column(Text, nullable=False))
    planned_start: date
    planned_end: date
    stage: int = Field(default=1)
    learned: str = Field(default="", sa_column=Column(Text, nullable=False))
    would_share: bool | None = Field(default=None)
    evaluation_submitted_at: datetime | None = utc_field(nullable=True)
    evaluated_at: datetime | None = utc_field(nullable=True)
    evaluated_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = utc_field(nullable=False)
    updated_at: datetime = utc_field(nullable=False)


class MeasurementKind(StrEnum):
    BASELINE = "baseline"
    INTERIM = "interim"
    FINAL = "final"


class StarMeasurement(SQLModel, table=True):
    """A KPI measurement; a project has at most one baseline and one final."""

    __tablename__ = "star_measurement"
    __table_args__ = (
        Index(
            "uq_star_measurement_once",
            "project_id",
            "kind",
            unique=True,
            sqlite_where=text("kind IN ('baseline', 'final')"),
            postgresql_where=text("kind IN ('baseline', 'final')"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="star_project.id", index=True)
    kind: MeasurementKind = Field(sa_column=Column(enum_type(MeasurementKind, 10), nullable=False))
    value: float
    measured_on: date
    created_at: datetime = utc_field(nullable=False)


class StarNote(SQLModel, table=True):
    """What the owner read, planned or saw happen, in their own words."""

    __tablename__ = "star_note"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="star_project.id", index=True)
    stage: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = utc_field(nullable=False)
