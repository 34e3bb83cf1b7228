"""Praise from one member of staff to others."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from storage.types import utc_field


class Commendation(SQLModel, table=True):
    """Praise from one member of staff to one or more others (SHARE MAT's QA policy §2.7)."""

    __tablename__ = "commendation"

    id: int | None = Field(default=None, primary_key=True)
    author_id: int = Field(foreign_key="staff.id", index=True)
    message: str = Field(sa_column=Column(Text, nullable=False))
    value: str | None = Field(default=None, max_length=20)
    public: bool = Field(default=False)
    created_at: datetime = utc_field(nullable=False, index=True)


class CommendationRecipient(SQLModel, table=True):
    __tablename__ = "commendation_recipient"

    commendation_id: int = Field(foreign_key="commendation.id", primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", primary_key=True, index=True)
