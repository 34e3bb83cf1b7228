"""The channels that get a leader's weekly summary."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.types import utc_field


class SummarySubscription(SQLModel, table=True):
    """A channel that gets a leader's summary every week (school None: the whole trust)."""

    __tablename__ = "summary_subscription"

    channel_id: str = Field(primary_key=True, max_length=40)
    school: str | None = Field(default=None, max_length=200)
    subscribed_by: int = Field(foreign_key="staff.id")
    created_at: datetime = utc_field(nullable=False)
