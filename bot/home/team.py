"""An appraiser's team on their App Home: one row per appraisee, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.core.calendar import SchoolCalendar
from bot.core.framework import Framework
from bot.home.facts import Facts, Moment, gather
from storage.home import appraisees_of
from storage.models import Staff

TEAM_PAGE = 15  # rows a page: a Home view holds 100 blocks in all


@dataclass(frozen=True)
class Team:
    rows: list[Facts]
    total: int
    page: int
    pages: int
    ladder_checkpoint: str | None
    review_checkpoint: str | None


def pages_of(total: int, size: int) -> int:
    return max(1, -(-total // size))


def team_of(
    session: Session,
    framework: Framework,
    calendar: SchoolCalendar,
    appraiser: Staff,
    moment: Moment,
    page: int,
) -> Team | None:
    """The appraiser's appraisees on page `page` (from 0), or None for someone with none."""
    assert appraiser.id is not None
    people = list(appraisees_of(session=session, appraiser_id=appraiser.id))
    if not people:
        return None
    pages = pages_of(len(people), TEAM_PAGE)
    page = min(max(page, 0), pages - 1)
    shown = people[page * TEAM_PAGE : (page + 1) * TEAM_PAGE]
    return Team(
        rows=gather(session, framework, calendar, shown, moment, with_praise=True),
        total=len(people),
        page=page,
        pages=pages,
        ladder_checkpoint=moment.ladder_window.checkpoint.name if moment.ladder_window else None,
        review_checkpoint=moment.review_window.checkpoint.name if moment.review_window else None,
    )
