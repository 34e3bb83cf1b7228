"""Leader summaries: how the appraisal culture is doing in a school, this week and last.

Figures come from aggregate queries (storage.summary). Channel posts carry counts
and praise its authors made public, never feedback text, a named person's rating,
or who is below their expected level or owes feedback (bot.core.visibility).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.core.calendar import AcademicYear, SchoolCalendar
from bot.core.errors import NotAllowed, problem
from bot.core.framework import Framework
from bot.ladder.windows import Window, ladder_windows, open_window
from storage import summary as summary_queries
from storage.db import Database
from storage.models import LeaderScope, Staff

WEEK = timedelta(days=7)
DAY = timedelta(days=1)
CHART_WEEKS = 8
TOP = 3
PUBLIC_SHOWN = 3


@dataclass(frozen=True)
class PublicPraise:
    author: str
    recipients: list[str]
    message: str


@dataclass
class Figures:
    """One school's numbers for one 7-day window."""

    commendations: int = 0
    people_praised: int = 0
    values: dict[str, int] = field(default_factory=dict)
    feedback: int = 0
    visits: int = 0
    standards: dict[str, int] = field(default_factory=dict)
    ratings: dict[str, int] = field(default_factory=dict)
    overdue_written: int = 0
    rated_people: int = 0  # the people the ratings are about
    observers_due: int = 0  # the observers the overdue count is about (this academic year)
    kpis_measured: int = 0
    kpis_improved: int = 0
    ladder_filled: int = 0
    below_expected: int = 0
    staff: int = 0

    @property
    def ladder_percent(self) -> int | None:
        return round(100 * self.ladder_filled / self.staff) if self.staff else None

    @property
    def quiet(self) -> bool:
        return not (self.commendations or self.feedback or self.visits or self.kpis_measured)


@dataclass
class SchoolSummary:
    school: str
    this_week: Figures
    last_week: Figures
    star_stages: dict[int, int] = field(default_factory=dict)
    public: list[PublicPraise] = field(default_factory=list)


@dataclass(frozen=True)
class Summary:
    scope: str  # a school's name, or the trust's
    start: datetime
    end: datetime
    checkpoint: str | None  # the ladder checkpoint the completion figures are for
    checkpoint_closed: bool  # that checkpoint has closed (none is open now)
    schools: list[SchoolSummary]
    weeks: list[tuple[date, int, int]]  # (week starting, commendations, feedback), oldest first
    commendations: int = 0  # this week in the whole scope, each counted once (not per school)
    feedback: int = 0

    @property
    def quiet(self) -> bool:
        return all(s.this_week.quiet for s in self.schools)


def scope_of(leader: Staff) -> str | None:
    """The school a leader may summarise, or None for a trust leader (NotAllowed otherwise)."""
    if leader.leader is LeaderScope.TRUST:
        return None
    if leader.leader is LeaderScope.SCHOOL and leader.school.strip():
        return leader.school
    raise NotAllowed(problem("summary.leaders_only"))


def summarise(
    *,
    db: Database,
    framework: Framework,
    calendar: SchoolCalendar,
    school: str | None,
    now: datetime,
) -> Summary:
    end = now
    start = end - WEEK
    window = _ladder_window(framework, calendar.today(now))
    with db.read_session() as session:
        names = [school] if school else summary_queries.schools(session=session)
        this_week = _figures(session, framework, calendar, school, start, end, window)
        last_week = _figures(session, framework, calendar, school, start - WEEK, start, window)
        stages = summary_queries.star_stages(
            session=session, academic_year=AcademicYear.of(calendar.today(now)).label, school=school
        )
        public = _public(session, school, start, end)
        weeks = _weeks(session, calendar, school, end)
        commendations, _people = summary_queries.commendations_overall(
            session=session, start=start, end=end, school=school
        )
    return Summary(
        scope=school or framework.trust,
        start=start,
        end=end,
        checkpoint=window.checkpoint.name if window else None,
        checkpoint_closed=window is not None and window.closes < calendar.today(now),
        schools=[
            SchoolSummary(
                school=name,
                this_week=this_week.get(name, Figures()),
                last_week=last_week.get(name, Figures()),
                star_stages=stages.get(name, {}),
                public=public.get(name, [])[:PUBLIC_SHOWN],
            )
            for name in names
        ],
        weeks=weeks,
        commendations=commendations,
        feedback=sum(figures.feedback for figures in this_week.values()),
    )


def _ladder_window(framework: Framework, today: date) -> Window | None:
    """The checkpoint open now, or else the last one to have closed."""
    window = open_window(framework, today)
    if window is not None:
        return window
    year = AcademicYear.of(today)
    closed = [
        w
        for y in (year, AcademicYear(year.first_year - 1))
        for w in ladder_windows(framework, y)
        if w.closes < today
    ]
    return max(closed, key=lambda w: w.closes) if closed else None


def _figures(
    session: Session,
    framework: Framework,
    calendar: SchoolCalendar,
    school: str | None,
    start: datetime,
    end: datetime,
    window: Window | None,
) -> dict[str, Figures]:
    figures: dict[str, Figures] = {}

    def of(name: str) -> Figures:
        return figures.setdefault(name, Figures())

    for name, (count, people) in summary_queries.commendations(
        session=session, start=start, end=end, school=school
    ).items():
        of(name).commendations, of(name).people_praised = count, people
    for name, counts in summary_queries.values(
        session=session, start=start, end=end, school=school
    ).items():
        of(name).values = counts
    for name, count in summary_queries.feedback_given(
        session=session, start=start, end=end, school=school
    ).items():
        of(name).feedback = count
    # Visits are dated, not timed: the window's days are half-open, so that a visit on the
    # day the window starts is counted in one week only.
    first, before = calendar.today(start) + DAY, calendar.today(end) + DAY
    for name, count in summary_queries.visits(
        session=session, first=first, before=before, school=school
    ).items():
        of(name).visits = count
    for name, (standards, ratings) in summary_queries.standards_and_ratings(
        session=session, start=start, end=end, school=school
    ).items():
        of(name).standards, of(name).ratings = standards, ratings
    for name, count in summary_queries.people_rated(
        session=session, start=start, end=end, school=school
    ).items():
        of(name).rated_people = count
    today = calendar.today(end)
    for name, count in summary_queries.overdue_written(
        session=session, today=today, school=school
    ).items():
        of(name).overdue_written = count
    since = AcademicYear.of(today).starts
    for name, count in summary_queries.observers_due(
        session=session, since=since, today=today, school=school
    ).items():
        of(name).observers_due = count
    for name, (measured, improved) in summary_queries.kpis_measured(
        session=session, start=start, end=end, school=school
    ).items():
        of(name).kpis_measured, of(name).kpis_improved = measured, improved
    for name, count in summary_queries.active_staff(session=session, school=school).items():
        of(name).staff = count
    if window is not None:
        for name, grade, reached, count in summary_queries.ladder_levels(
            session=session,
            academic_year=window.year.label,
            checkpoint=window.checkpoint.key,
            school=school,
        ):
            expected = framework.expected_level(grade)
            of(name).ladder_filled += count
            if expected is not None and reached < expected:
                of(name).below_expected += count
    return figures


def _public(
    session: Session, school: str | None, start: datetime, end: datetime
) -> dict[str, list[PublicPraise]]:
    shared = summary_queries.public_commendations(
        session=session, start=start, end=end, school=school
    )
    ids = sorted({cid for rows in shared.values() for cid, _, _ in rows})
    recipients = summary_queries.public_recipients(session=session, commendation_ids=ids)
    return {
        name: [
            PublicPraise(
                author=f"<@{author}>" if author else "A colleague",
                recipients=[f"<@{r}>" for r in recipients.get(cid, [])],
                message=message,
            )
            for cid, message, author in rows
        ]
        for name, rows in shared.items()
    }


def _weeks(
    session: Session, calendar: SchoolCalendar, school: str | None, end: datetime
) -> list[tuple[date, int, int]]:
    windows = [(end - WEEK * (n + 1), end - WEEK * n) for n in reversed(range(CHART_WEEKS))]
    counts = summary_queries.weekly_counts(session=session, weeks=windows, school=school)
    return [
        (calendar.today(start), praise, feedback)
        for (start, _), (praise, feedback) in zip(windows, counts, strict=True)
    ]


def top(counts: dict[str, int], n: int = TOP) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]
