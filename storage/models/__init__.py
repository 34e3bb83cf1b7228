"""The tables, one module per domain; every table is importable from here, and importing
this package registers them all on `SQLModel.metadata` (Alembic's env and `Database.create_all`
rely on it). Times are UTC; the trust's time zone is applied when shown."""

from __future__ import annotations

from storage.models.commendations import Commendation, CommendationRecipient
from storage.models.delivery import OutboxMessage, OutboxStatus, SlackRate
from storage.models.feedback import Feedback, FeedbackContext, FeedbackStandard, Visit
from storage.models.ladder import LadderSheet
from storage.models.objectives import (
    LeadershipTraining,
    Objective,
    ObjectiveReview,
    ObjectiveSet,
    ObjectiveStatus,
)
from storage.models.operations import AuditEvent, HandledRequest, PurgedCount
from storage.models.staff import LeaderScope, Role, Staff
from storage.models.star import MeasurementKind, StarMeasurement, StarNote, StarProject
from storage.models.summary import SummarySubscription

__all__ = [
    "AuditEvent",
    "Commendation",
    "CommendationRecipient",
    "Feedback",
    "FeedbackContext",
    "FeedbackStandard",
    "HandledRequest",
    "LadderSheet",
    "LeaderScope",
    "LeadershipTraining",
    "MeasurementKind",
    "Objective",
    "ObjectiveReview",
    "ObjectiveSet",
    "ObjectiveStatus",
    "OutboxMessage",
    "OutboxStatus",
    "PurgedCount",
    "Role",
    "SlackRate",
    "Staff",
    "StarMeasurement",
    "StarNote",
    "StarProject",
    "SummarySubscription",
    "Visit",
]
