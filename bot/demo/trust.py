"""A term of history for the demo's sample trust (bot.demo.sample): commendations,
feedback, lesson visits, STAR projects and ladder sheets (none when the framework has no ladder).

Drawn from the sample by a random generator with a fixed seed, so every run has the
same history. Rows are written through storage/ (its models and query functions), the
same tables the app's own use-cases write.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from bot.core.calendar import AcademicYear, SchoolCalendar
from bot.core.framework import Framework
from bot.demo.sample import Person, SampleTrust, sample
from bot.ladder.rules import Sheet
from storage.commendations import add_commendation
from storage.db import Database
from storage.feedback import add_feedback, add_visit
from storage.ladder import save_sheet
from storage.models import (
    Commendation,
    Feedback,
    FeedbackContext,
    MeasurementKind,
    Role,
    Staff,
    StarMeasurement,
    StarNote,
    StarProject,
    Visit,
)
from storage.star import add_measurement, add_note, add_project

SEED = 2026
# The demo opens on a Friday afternoon at the end of January: a term and a half of
# history behind it, and the mid-year ladder checkpoint opening on Monday.
START = datetime(2027, 1, 29, 14, 0)
TERM_STARTS = date(2026, 9, 2)


@dataclass(frozen=True)
class History:
    """How much the seeding wrote, for the demo's start-up line."""

    commendations: int
    feedback: int
    visits: int
    projects: int
    sheets: int


def seed(*, db: Database, framework: Framework, calendar: SchoolCalendar) -> History:
    """Write the roster and a term of history into an empty, migrated database."""
    rng = random.Random(SEED)
    trust = sample()
    people, person = trust.people, trust.person
    zone = framework.zone
    days = _working_days(calendar, TERM_STARTS, START.date())

    def moment(day: date, earliest: int = 8, latest: int = 16) -> datetime:
        local = datetime.combine(day, time(rng.randint(earliest, latest), rng.randrange(0, 60, 5)))
        return local.replace(tzinfo=zone).astimezone(UTC)

    with db.session() as session:
        staff = _roster(session, people, moment(TERM_STARTS, 8, 8))
        by_school = {school: [p for p in people if p.school == school] for school in trust.schools}
        commendations = 0
        for _ in range(64):
            day = rng.choice(days)
            author = rng.choice(people)
            colleagues = [p for p in by_school[author.school] if p.key != author.key]
            if rng.random() < 0.1:
                colleagues = [p for p in people if p.key != author.key]
            recipients = rng.sample(colleagues, 2 if rng.random() < 0.15 else 1)
            message = rng.choice(trust.praise).format(day=day.strftime("%A"))
            add_commendation(
                session=session,
                commendation=Commendation(
                    author_id=_id(staff, author.key),
                    message=message,
                    value=rng.choice([v.code for v in framework.values] + [None]),
                    public=rng.random() < 0.3,
                    created_at=moment(day),
                ),
                recipient_ids=[_id(staff, r.key) for r in recipients],
            )
            commendations += 1

        feedback = 0
        observed = [p for p in people if p.appraiser and p.role is not Role.GOVERNOR]
        for _ in range(36):
            observee = rng.choice(observed)
            observer = person(observee.appraiser or "dave")
            day = rng.choice(days[:-8])
            _feedback(session, framework, trust, rng, staff, observer, observee, day, moment(day))
            feedback += 1

        visits = 0
        plan = [(rng.choice(days[:-25]), o) for o in rng.sample(observed, 9)]
        # One visit whose written feedback is overdue, one due next week; the rest written up.
        plan += [(date(2027, 1, 11), person("bob")), (date(2027, 1, 22), person("nathan"))]
        for visited_on, observee in plan:
            observer = person(observee.appraiser or "dave")
            written_due = calendar.add_working_days(visited_on, 10)
            written_at = visited_on + timedelta(days=rng.randint(1, 8))
            written_id = None
            if written_due < date(2027, 1, 20):
                written_id = _feedback(
                    session,
                    framework,
                    trust,
                    rng,
                    staff,
                    observer,
                    observee,
                    visited_on,
                    moment(written_at),
                )
                feedback += 1
            add_visit(
                session=session,
                visit=Visit(
                    observer_id=_id(staff, observer.key),
                    observee_id=_id(staff, observee.key),
                    visited_on=visited_on,
                    verbal_due=calendar.add_working_days(visited_on, 5),
                    written_due=written_due,
                    verbal_given_at=moment(visited_on + timedelta(days=1)),
                    written_feedback_id=written_id,
                    created_at=moment(visited_on),
                ),
            )
            visits += 1

        year = AcademicYear.of(START.date()).label
        for star in trust.projects:
            start = date(2026, 9, 21) + timedelta(days=rng.randint(0, 14))
            project = add_project(
                session=session,
                project=StarProject(
                    owner_id=_id(staff, star.owner),
                    academic_year=year,
                    title=star.title,
                    question=star.question,
                    beneficiaries=star.beneficiaries,
                    kpi_name=star.kpi,
                    kpi_unit=star.unit,
                    higher_is_better=star.higher_is_better,
                    kpi_method=star.method,
                    planned_start=start,
                    planned_end=date(2027, 5, 21),
                    stage=star.stage,
                    created_at=moment(start - timedelta(days=7)),
                    updated_at=moment(start),
                ),
            )
            assert project.id is not None
            for number, value in enumerate(star.measures):
                kind = MeasurementKind.BASELINE if number == 0 else MeasurementKind.INTERIM
                day = start + timedelta(days=7 + 35 * number)
                add_measurement(
                    session=session,
                    measurement=StarMeasurement(
                        project_id=project.id,
                        kind=kind,
                        value=value,
                        measured_on=day,
                        created_at=moment(day),
                    ),
                )
            if star.stage >= 2:
                add_note(
                    session=session,
                    note=StarNote(
                        project_id=project.id,
                        stage=2,
                        text=trust.star_note,
                        created_at=moment(start),
                    ),
                )

        sheets = 0
        for member in people if framework.has_ladder else ():  # no ladder, no sheets
            if member.role is Role.GOVERNOR or rng.random() < 0.1:
                continue  # a few never filled in September's sheet
            expected = framework.expected_level(member.grade) or 2
            reached = max(0, min(7, expected + rng.choice((-1, 0, 0, 1))))
            sheet = _sheet(rng, framework, reached)
            filled = moment(rng.choice([d for d in days if d <= date(2026, 10, 15)]))
            save_sheet(
                session=session,
                staff_id=_id(staff, member.key),
                academic_year=year,
                checkpoint="sep",
                held=[list(level) for level in sheet.held],
                level_reached=sheet.level_reached,
                target_level=min(10, max(expected, sheet.level_reached + 1)),
                now=filled,
            )
            sheets += 1
    return History(commendations, feedback, visits, len(trust.projects), sheets)


def _roster(session: Session, people: tuple[Person, ...], joined: datetime) -> dict[str, Staff]:
    staff: dict[str, Staff] = {}
    for member in people:
        row = Staff(
            email=member.email,
            name=member.name,
            school=member.school,
            role=member.role,
            grade=member.grade,
            leader=member.leader,
            slack_user_id=member.slack_user_id,
            created_at=joined,
            updated_at=joined,
        )
        session.add(row)
        staff[member.key] = row
    session.flush()
    for member in people:
        if member.appraiser:
            staff[member.key].appraiser_id = staff[member.appraiser].id
    session.flush()
    return staff


def _feedback(
    session: Session,
    framework: Framework,
    trust: SampleTrust,
    rng: random.Random,
    staff: dict[str, Staff],
    observer: Person,
    observee: Person,
    day: date,
    written: datetime,
) -> int:
    context = rng.choice(
        [FeedbackContext.LESSON] * 4 + [FeedbackContext.MEETING, FeedbackContext.DUTY]
    )
    set_key = (
        framework.meeting_standard_set
        if context is FeedbackContext.MEETING and framework.meeting_standard_set
        else framework.standard_set_key(observee.role.value, observee.grade)
    )
    standards = framework.standard_sets[set_key].standards
    chosen = rng.sample(standards, rng.randint(1, 3))
    ratings = ["G*", "G", "G", "G", "A", "A", "R", None]
    row = add_feedback(
        session=session,
        feedback=Feedback(
            observer_id=_id(staff, observer.key),
            observee_id=_id(staff, observee.key),
            observed_on=day,
            context=context,
            context_detail=_detail(trust, rng, observee, context),
            standard_set=set_key,
            strengths=rng.choice(trust.strengths),
            development=rng.choice(trust.development),
            next_steps=rng.choice(trust.next_steps),
            created_at=written,
        ),
        standards=[(s.code, rng.choice(ratings)) for s in chosen],
    )
    assert row.id is not None
    return row.id


def _detail(
    trust: SampleTrust, rng: random.Random, observee: Person, context: FeedbackContext
) -> str:
    if context is FeedbackContext.MEETING:
        return rng.choice(trust.meetings)
    if context is FeedbackContext.DUTY:
        return rng.choice(trust.duties)
    return f"{observee.job.split(',')[0]}, period {rng.randint(1, 5)}"


def _working_days(calendar: SchoolCalendar, first: date, last: date) -> list[date]:
    days = []
    day = first
    while day < last:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _id(staff: dict[str, Staff], key: str) -> int:
    found = staff[key].id
    assert found is not None
    return found


def _sheet(rng: random.Random, framework: Framework, reached: int) -> Sheet:
    """A September sheet whose first gap is on level `reached + 1`: every statement before
    it true, that one not, and the rest of the asked levels a mixture, as people answer."""
    counts = [len(level.statements) for level in framework.sheet]
    gap = (reached + 1, rng.randint(1, counts[reached]))
    answers = [
        [
            True if (level, index) < gap else False if (level, index) == gap else rng.random() < 0.5
            for index in range(1, counts[level - 1] + 1)
        ]
        for level in range(1, max(5, gap[0]) + 1)
    ]
    return Sheet.of(answers, counts)
