"""The ladder's checkpoints: to each person without a sheet when a window opens and in its
last week, and to each appraiser the appraisees who have not filled theirs in."""

from __future__ import annotations

from datetime import timedelta

from bot.core.people import mention
from bot.ladder.windows import Window
from bot.nudges.moment import Due, DueContext, add
from storage.staff import RosterEntry

CLOSING_NOTICE = timedelta(days=7)


def _period(window: Window) -> str:
    return f"{window.year.label}:{window.checkpoint.key}"


def _window_context(window: Window) -> dict[str, object]:
    return {"name": window.checkpoint.name, "closes": window.closes, "year": window.year.label}


def checkpoint_opening(context: DueContext, due: Due) -> None:
    """To each person without a sheet, from the window's first working day while it is open."""
    today = context.today
    for window in context.windows:
        if today <= window.closes and today >= context.calendar.first_working_day(window.opens):
            for person in context.missing(window):
                add(
                    due,
                    person,
                    f"nudge:cp-open:{_period(window)}:{person.id}",
                    "nudge_checkpoint_open",
                    _window_context(window),
                    optional=True,
                )


def checkpoint_closing(context: DueContext, due: Due) -> None:
    """To each person without a sheet, in the window's last week."""
    today = context.today
    for window in context.windows:
        if window.closes - CLOSING_NOTICE <= today <= window.closes:
            for person in context.missing(window):
                add(
                    due,
                    person,
                    f"nudge:cp-closing:{_period(window)}:{person.id}",
                    "nudge_checkpoint_closing",
                    _window_context(window),
                    optional=True,
                )


def appraisee_lists(context: DueContext, due: Due) -> None:
    """To each appraiser, weekly while a window is open and once after it closes: the
    appraisees who have not filled in their sheet."""
    today = context.today
    for window in context.windows:
        is_open = today <= window.closes
        if is_open:
            monday = today - timedelta(days=today.weekday())
            if today < context.calendar.first_working_day(max(monday, window.opens)):
                continue
            week = f"week-{monday.isoformat()}"
        else:
            if today < context.calendar.first_working_day(window.closes + timedelta(days=1)):
                continue
            week = "closed"
        by_appraiser: dict[int, list[RosterEntry]] = {}
        for person in context.missing(window):
            if person.appraiser_id is not None:
                by_appraiser.setdefault(person.appraiser_id, []).append(person)
        for appraiser_id, appraisees in by_appraiser.items():
            add(
                due,
                context.people.get(appraiser_id),
                f"nudge:cp-appraisees:{_period(window)}:{appraiser_id}:{week}",
                "nudge_appraisees",
                {
                    **_window_context(window),
                    "closed": not is_open,
                    "appraisees": [mention(p) for p in appraisees],
                },
                optional=True,
            )
