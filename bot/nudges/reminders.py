"""Reminders owed at a moment beyond the checkpoint, written-feedback and STAR nudges:
verbal feedback after a lesson visit (bot.nudges.verbal) and school holidays running
out (bot.nudges.holidays). `bot.nudges.due` queues them with the others."""

from __future__ import annotations

from datetime import datetime

from bot.core.calendar import SchoolCalendar
from bot.core.framework import Framework
from bot.nudges.holidays import holiday_nudges
from bot.nudges.owed import Owed
from bot.nudges.verbal import verbal_nudges
from storage.db import Database
from storage.models import Staff


def reminders_at(
    *,
    db: Database,
    framework: Framework,
    calendar: SchoolCalendar,
    now: datetime,
    people: dict[int, Staff],
) -> list[Owed]:
    return [
        *verbal_nudges(db=db, calendar=calendar, now=now, people=people),
        *holiday_nudges(framework=framework, calendar=calendar, now=now, people=people),
    ]
