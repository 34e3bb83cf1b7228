"""Informal feedback, the standards it focused on, and formal lesson visits."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from storage.types import enum_type, utc_field


class FeedbackContext(StrEnum):
    LESSON = "lesson"
    MEETING = "meeting"
    DUTY = "duty"
    OTHER = "other"


class Feedback(SQLModel, table=True):
    """Informal feedback after seeing a colleague at work (SHARE MAT's QA policy §6.25-7.2)."""

    __tablename__ = "feedback"

    id: int | None = Field(default=None, primary_key=True)
    observer_id: int = Field(foreign_key="staff.id", index=True)
    observee_id: int = Field(foreign_key="staff.id", index=True)
    observed_on: date = Field(index=True)
    context: FeedbackContext = Field(
        sa_column=Column(enum_type(FeedbackContext, 10), nullable=False)
    )
    context_detail: str = Field(default="", max_length=200)
    standard_set: str = Field(max_length=40)
    strengths: str = Field(default="", sa_column=Column(Text, nullable=False))
    development: str = Field(default="", sa_column=Column(Text, nullable=False))
    next_steps: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = utc_field(nullable=False, index=True)


class FeedbackStandard(SQLModel, table=True):
    """One of the 1-4 standards a piece of feedback focused on, with its optional RAGG* rating."""

    __tablename__ = "feedback_standard"

    feedback_id: int = Field(foreign_key="feedback.id", primary_key=True)
    position: int = Field(primary_key=True)
    code: str = Field(max_length=10, index=True)
    rating: str | None = Field(default=None, max_length=3)


class Visit(SQLModel, table=True):
    """A formal lesson visit, with its verbal (5) and written (10 working days) deadlines."""

    __tablename__ = "visit"

    id: int | None = Field(default=None, primary_key=True)
    observer_id: int = Field(foreign_key="staff.id", index=True)
    observee_id: int = Field(foreign_key="staff.id", index=True)
    visited_on: date
    verbal_due: date
    written_due: date = Field(index=True)
    verbal_given_at: datetime | None = utc_field(nullable=True)
    written_feedback_id: int | None = Field(default=None, foreign_key="feedback.id", unique=True)
    created_at: datetime = utc_field(nullable=False)
