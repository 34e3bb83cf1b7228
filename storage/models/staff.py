"""The trust's roster: one row per member of staff, keyed by email."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Column, false
from sqlmodel import Field, SQLModel

from storage.types import enum_type, utc_field


class Role(StrEnum):
    TEACHER = "teacher"
    TA = "ta"
    SUPPORT = "support"
    LEADER = "leader"
    GOVERNOR = "governor"


class LeaderScope(StrEnum):
    SCHOOL = "school"
    TRUST = "trust"


class Staff(SQLModel, table=True):
    """One person on the trust's roster, keyed by email."""

    __tablename__ = "staff"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=200)
    school: str = Field(max_length=200, index=True)
    role: Role = Field(sa_column=Column(enum_type(Role, 20), nullable=False))
    grade: str = Field(default="", max_length=40)
    appraiser_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    leader: LeaderScope | None = Field(default=None, sa_column=Column(enum_type(LeaderScope, 10)))
    slack_user_id: str | None = Field(default=None, max_length=40, unique=True, index=True)
    active: bool = Field(default=True)
    mute_nudges: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    # The standard set feedback on this person uses, when the roster chooses one (a key of
    # the framework's standard_sets); None: by grade, else by role.
    standards: str | None = Field(default=None, max_length=40)
    created_at: datetime = utc_field(nullable=False)
    updated_at: datetime = utc_field(nullable=False)
