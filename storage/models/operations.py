"""What the app keeps about its own running: requests handled, the audit log, and the
counts that outlive purged records."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.types import utc_field


class HandledRequest(SQLModel, table=True):
    """A request from Slack whose work is done, by a key that names it once (a view's id,
    an event's id, a command's trigger id): a second copy of it does nothing."""

    __tablename__ = "handled_request"

    key: str = Field(primary_key=True, max_length=200)
    handled_at: datetime = utc_field(nullable=False, index=True)


class AuditEvent(SQLModel, table=True):
    """Who looked at whose confidential record, and every admin command (bot.admin.audit).

    People are written by email, so the log reads the same after the roster changes;
    it holds no record text.
    """

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = utc_field(nullable=False, index=True)
    actor: str = Field(max_length=254)  # a member of staff's email, or the command line's user
    action: str = Field(max_length=40)
    subject: str | None = Field(default=None, max_length=254, index=True)  # whose record
    detail: str = Field(default="", max_length=200)  # counts and options, never record text


class PurgedCount(SQLModel, table=True):
    """How many records of a kind a school had in an academic year that `staffroom purge`
    has since deleted: the anonymous counts that outlive the retention period."""

    __tablename__ = "purged_count"

    academic_year: str = Field(primary_key=True, max_length=7)
    school: str = Field(primary_key=True, max_length=200)
    record: str = Field(primary_key=True, max_length=30)  # commendation, feedback, visit …
    count: int = Field(default=0)
