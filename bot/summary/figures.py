"""Leader summaries: how the appraisal culture is doing in a school, this week and last.

Figures come from aggregate queries (storage.summary). Channel posts carry counts
and praise its authors made public, never feedback text, a named person's rating,
or who is below their expected level or owes feedback (PRODUCT §1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.core.calendar import AcademicYear, SchoolCalendar
from bot.core.errors import NotAllowed
from bot.core.framework import Framework, normalise_grade
from bot.core.people import acting_person
from bot.ladder.rules import Window, ladder_windows, open_window
from bot.outbox.queue import Delivery
from storage import summary as q
from storage.db import Database
from storage.models import LeaderScope
from storage.outbox import message_by_key

WEEK = timedelta(days=7)
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
    schools: list[SchoolSummary]
    weeks: list[tuple[date, int, int]]  # (week starting, commendations, feedback), oldest first

    @property
    def quiet(self) -> bool:
        return all(s.this_week.quiet for s in self.schools)


def scope_of(*, db: Database, slack_user_id: str) -> str | None:
    """The school a leader may summarise, or None for a trust leader (NotAllowed otherwise)."""
    with db.read_session() as session:
        leader = acting_person(session, slack_user_id)
    if leader.leader is LeaderScope.TRUST:
        return None
    if leader.leader is LeaderScope.SCHOOL and leader.school.strip():
        return leader.school
    raise NotAllowed("Only school and trust leaders can post summaries.")


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
        names = [school] if school else q.schools(session=session)
        this_week = _figures(session, framework, calendar, school, start, end, window)
        last_week = _figures(session, framework, calendar, school, start - WEEK, start, window)
        stages = q.star_stages(
            session=session, academic_year=AcademicYear.of(calendar.today(now)).label, school=school
        )
        public = _public(session, school, start, end)
        weeks = _weeks(session, calendar, school, end)
    return Summary(
        scope=school or framework.trust,
        start=start,
        end=end,
        checkpoint=window.checkpoint.name if window else None,
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

    for name, (count, people) in q.commendations(
        session=session, start=start, end=end, school=school
    ).items():
        of(name).commendations, of(name).people_praised = count, people
    for name, counts in q.values(session=session, start=start, end=end, school=school).items():
        of(name).values = counts
    for name, count in q.feedback_given(
        session=session, start=start, end=end, school=school
    ).items():
        of(name).feedback = count
    first, last = calendar.today(start), calendar.today(end)
    for name, count in q.visits(session=session, first=first, last=last, school=school).items():
        of(name).visits = count
    for name, (standards, ratings) in q.standards_and_ratings(
        session=session, start=start, end=end, school=school
    ).items():
        of(name).standards, of(name).ratings = standards, ratings
    for name, count in q.overdue_written(session=session, today=last, school=school).items():
        of(name).overdue_written = count
    for name, (measured, improved) in q.kpis_measured(
        session=session, start=start, end=end, school=school
    ).items():
        of(name).kpis_measured, of(name).kpis_improved = measured, improved
    for name, count in q.active_staff(session=session, school=school).items():
        of(name).staff = count
    if window is not None:
        expected = {
            normalise_grade(grade): row.level
            for row in framework.expected_levels
            for grade in row.grades
        }
        for name, (filled, below) in q.ladder(
            session=session,
            academic_year=window.year.label,
            checkpoint=window.checkpoint.key,
            school=school,
            expected_by_grade=expected,
        ).items():
            of(name).ladder_filled, of(name).below_expected = filled, below
    return figures


def _public(
    session: Session, school: str | None, start: datetime, end: datetime
) -> dict[str, list[PublicPraise]]:
    shared = q.public_commendations(session=session, start=start, end=end, school=school)
    ids = sorted({cid for rows in shared.values() for cid, _, _ in rows})
    recipients = q.public_recipients(session=session, commendation_ids=ids)
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
    counts = q.weekly_counts(session=session, weeks=windows, school=school)
    return [
        (calendar.today(start), praise, feedback)
        for (start, _), (praise, feedback) in zip(windows, counts, strict=True)
    ]


def top(counts: dict[str, int], n: int = TOP) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]


@dataclass(frozen=True)
class Figure:
    now: int
    before: int


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
    ratings: list[tuple[str, int]]
    overdue_written: Figure
    star_stages: list[tuple[int, int]]
    kpis_measured: Figure
    kpis_improved: Figure
    ladder_percent: int | None
    below_expected: Figure
    public: list[PublicPraise]


def views(summary: Summary, framework: Framework) -> list[SchoolView]:
    """What each school's part of the post shows, busiest schools first for a trust."""
    names = {v.code: v.name for v in framework.values}
    shown = []
    for s in summary.schools:
        t, last = s.this_week, s.last_week
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
                ratings=[
                    (r.code, t.ratings[r.code]) for r in framework.ratings if r.code in t.ratings
                ],
                overdue_written=Figure(t.overdue_written, last.overdue_written),
                star_stages=sorted(s.star_stages.items()),
                kpis_measured=Figure(t.kpis_measured, last.kpis_measured),
                kpis_improved=Figure(t.kpis_improved, last.kpis_improved),
                ladder_percent=t.ladder_percent,
                below_expected=Figure(t.below_expected, last.below_expected),
                public=s.public,
            )
        )
    if len(shown) > 1:
        shown.sort(key=lambda v: (v.quiet, -v.commendations.now - v.feedback.now, v.school))
    return shown


def post_context(summary: Summary, framework: Framework) -> dict[str, object]:
    """What the summary template needs to word a post."""
    return {
        "scope": summary.scope,
        "quiet": summary.quiet,
        "start": summary.start,
        "end": summary.end,
        "zone": framework.timezone,
        "checkpoint": summary.checkpoint,
        "schools": views(summary, framework),
    }


def chart_title(summary: Summary) -> str:
    return f"{summary.scope}: commendations and feedback, last {CHART_WEEKS} weeks"


def chart_of(summary: Summary) -> bytes:
    from messages.chart import weekly_chart  # matplotlib loads only when a chart is drawn

    return weekly_chart(chart_title(summary), summary.weeks)


def subscribe(*, db: Database, slack_user_id: str, channel_id: str, now: datetime) -> bool:
    """Subscribe a channel to the leader's weekly summary; False if it already was."""
    school = scope_of(db=db, slack_user_id=slack_user_id)
    with db.session() as session:
        leader = acting_person(session, slack_user_id)
        assert leader.id is not None
        return q.subscribe(
            session=session, channel_id=channel_id, school=school, staff_id=leader.id, now=now
        )


def unsubscribe(*, db: Database, slack_user_id: str, channel_id: str) -> bool:
    scope_of(db=db, slack_user_id=slack_user_id)
    with db.session() as session:
        return q.unsubscribe(session=session, channel_id=channel_id)


def weekly_deliveries(
    *, db: Database, framework: Framework, calendar: SchoolCalendar, now: datetime
) -> list[Delivery]:
    """This week's post for every subscribed channel, once its day and time have come."""
    local = now.astimezone(framework.zone)
    schedule = framework.weekly_summary
    today = local.date()
    if today.weekday() != schedule.weekday or local.time() < schedule.at:
        return []
    if not calendar.is_working_day(today):
        return []
    monday = today - timedelta(days=today.weekday())
    with db.read_session() as session:
        channels = q.subscriptions(session=session)
        queued = {
            s.channel_id
            for s in channels
            if message_by_key(session=session, key=_weekly_key(s.channel_id, monday)) is not None
        }
    deliveries = []
    for subscription in channels:
        if subscription.channel_id in queued:
            continue  # summarised already this week: do not compute it again
        summary = summarise(
            db=db, framework=framework, calendar=calendar, school=subscription.school, now=now
        )
        deliveries.append(
            Delivery(
                key=_weekly_key(subscription.channel_id, monday),
                channel=subscription.channel_id,
                template="summary",
                context=post_context(summary, framework),
                chart=chart_of(summary),
                chart_title=chart_title(summary),
            )
        )
    return deliveries


def _weekly_key(channel_id: str, monday: date) -> str:
    return f"summary:{channel_id}:{monday.isoformat()}"
