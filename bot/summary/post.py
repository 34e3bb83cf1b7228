"""A summary as its channel post shows it: figures beside last week's, busiest schools
first, and the caps that keep a post within Slack's 50 blocks, all decided here so that
the template only words and lays it out."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bot.core.framework import Framework
from bot.summary.figures import CHART_WEEKS, PublicPraise, Summary, top

MAX_SCHOOLS = 35  # school sections in one post (a header, a context line and the rest fit)
SHARED_LINES = 10  # lines of shared praise in one post
SHARED_PER_SCHOOL = 3
RECIPIENTS_SHOWN = 10


@dataclass(frozen=True)
class Figure:
    now: int
    before: int

    @property
    def change(self) -> int:
        return self.now - self.before


@dataclass(frozen=True)
class SchoolView:
    """One school's lines of a summary post, ready to word."""

    school: str
    quiet: bool
    commendations: Figure
    people_praised: Figure
    top_values: list[tuple[str, int]]
    feedback: Figure
    visits: Figure
    top_standards: list[tuple[str, int]]
    ratings: list[tuple[str, int]] | None  # None: about too few people to show
    overdue_written: Figure | None
    star_stages: list[tuple[int, int]]
    kpis_measured: Figure
    kpis_improved: Figure
    ladder_percent: int | None
    below_expected: Figure | None
    public: list[PublicPraise]


def views(summary: Summary, framework: Framework) -> list[SchoolView]:
    """What each school's part of the post shows, busiest schools first for a trust.

    A figure about people's ratings, ladder standing or overdue feedback is shown only
    when it is about at least the framework's `small_group` people, this week and last.
    """
    names = {v.code: v.name for v in framework.values}
    enough = framework.small_group

    def visible(*groups: int) -> bool:  # a figure about nobody (0) points at no one either
        return all(group == 0 or group >= enough for group in groups)

    shown = []
    for s in summary.schools:
        t, last = s.this_week, s.last_week
        ratings = [(r.code, t.ratings[r.code]) for r in framework.ratings if r.code in t.ratings]
        shown.append(
            SchoolView(
                school=s.school,
                quiet=t.quiet,
                commendations=Figure(t.commendations, last.commendations),
                people_praised=Figure(t.people_praised, last.people_praised),
                top_values=[(names.get(code, code), n) for code, n in top(t.values)],
                feedback=Figure(t.feedback, last.feedback),
                visits=Figure(t.visits, last.visits),
                top_standards=top(t.standards),
                ratings=ratings if visible(t.rated_people) else None,
                overdue_written=(
                    Figure(t.overdue_written, last.overdue_written)
                    if visible(t.observers_due, last.observers_due)
                    else None
                ),
                star_stages=sorted(s.star_stages.items()),
                kpis_measured=Figure(t.kpis_measured, last.kpis_measured),
                kpis_improved=Figure(t.kpis_improved, last.kpis_improved),
                ladder_percent=t.ladder_percent,
                below_expected=(
                    Figure(t.below_expected, last.below_expected)
                    if visible(t.ladder_filled, last.ladder_filled)
                    else None
                ),
                public=s.public,
            )
        )
    if len(shown) > 1:
        shown.sort(key=lambda v: (v.quiet, -v.commendations.now - v.feedback.now, v.school))
    return shown


def prepare(
    schools: list[SchoolView],
    *,
    small_group: int,
    scope: str,
    start: datetime,
    end: datetime,
    zone: str,
    checkpoint: str | None,
    commendations: int,
    feedback: int,
    checkpoint_closed: bool = False,
    ladder: bool = True,
) -> dict[str, Any]:
    """The post's context: a trust's quiet schools left out, at most MAX_SCHOOLS sections and
    SHARED_LINES lines of shared praise in all."""
    several = len(schools) > 1
    active = [s for s in schools if not s.quiet]
    shown = (active if several else schools)[:MAX_SCHOOLS]
    left = SHARED_LINES
    capped = []
    for school in shown:
        public = [
            replace(p, recipients=p.recipients[:RECIPIENTS_SHOWN])
            for p in school.public[: min(SHARED_PER_SCHOOL, left)]
        ]
        left -= len(public)
        capped.append(replace(school, public=public))
    return {
        "scope": scope,
        "quiet": not active,
        "start": start,
        "end": end,
        "zone": zone,
        "checkpoint": checkpoint,
        "checkpoint_closed": checkpoint_closed,
        "ladder": ladder,  # False for a trust without a leadership ladder: no ladder line
        "schools": capped,
        "several": several,
        "active_count": len(active),
        "school_count": len(schools),
        "commendations": commendations,
        "feedback": feedback,
        "small_group": small_group,
    }


def post_context(summary: Summary, framework: Framework) -> dict[str, Any]:
    """What the summary template needs to word a post."""
    return prepare(
        views(summary, framework),
        small_group=framework.small_group,
        scope=summary.scope,
        start=summary.start,
        end=summary.end,
        zone=framework.timezone,
        checkpoint=summary.checkpoint,
        checkpoint_closed=summary.checkpoint_closed,
        ladder=framework.has_ladder,
        commendations=summary.commendations,
        feedback=summary.feedback,
    )


def chart_title(summary: Summary) -> str:
    return f"{summary.scope}: commendations and feedback, last {CHART_WEEKS} weeks"


def chart_of(summary: Summary) -> bytes:
    from messages.chart import weekly_chart  # matplotlib is heavy: load it only to draw

    return weekly_chart(chart_title(summary), summary.weeks)
