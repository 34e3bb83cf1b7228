"""Aggregate queries for leader summaries: counts by school, computed in the database.

Every function takes a time window (UTC datetimes, or local dates for visits) and an
optional school (None: every school) and returns figures keyed by school name.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, distinct, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from storage.models import (
    Commendation,
    CommendationRecipient,
    Feedback,
    FeedbackStandard,
    LadderSheet,
    MeasurementKind,
    Staff,
    StarMeasurement,
    StarProject,
    Visit,
)


def _school(query: Any, school: str | None) -> Any:
    return query if school is None else query.where(col(Staff.school) == school)


def schools(*, session: Session) -> list[str]:
    rows = session.execute(
        select(col(Staff.school))
        .where(col(Staff.active).is_(True))
        .distinct()
        .order_by(col(Staff.school))
    ).all()
    return [row[0] for row in rows]


def active_staff(*, session: Session, school: str | None) -> dict[str, int]:
    query = select(col(Staff.school), func.count()).where(col(Staff.active).is_(True))
    return dict(session.execute(_school(query, school).group_by(col(Staff.school))).all())


def commendations(
    *, session: Session, start: datetime, end: datetime, school: str | None
) -> dict[str, tuple[int, int]]:
    """(commendations, distinct people praised) by the recipients' school."""
    query = (
        select(
            col(Staff.school),
            func.count(distinct(col(Commendation.id))),
            func.count(distinct(col(CommendationRecipient.staff_id))),
        )
        .join(
            CommendationRecipient,
            col(CommendationRecipient.commendation_id) == col(Commendation.id),
        )
        .join(Staff, col(Staff.id) == col(CommendationRecipient.staff_id))
        .where(col(Commendation.created_at) >= start, col(Commendation.created_at) < end)
    )
    rows = session.execute(_school(query, school).group_by(col(Staff.school))).all()
    return {name: (count, people) for name, count, people in rows}


def values(
    *, session: Session, start: datetime, end: datetime, school: str | None
) -> dict[str, dict[str, int]]:
    """How often each value was tagged, by the recipients' school."""
    query = (
        select(
            col(Staff.school), col(Commendation.value), func.count(distinct(col(Commendation.id)))
        )
        .join(
            CommendationRecipient,
            col(CommendationRecipient.commendation_id) == col(Commendation.id),
        )
        .join(Staff, col(Staff.id) == col(CommendationRecipient.staff_id))
        .where(
            col(Commendation.created_at) >= start,
            col(Commendation.created_at) < end,
            col(Commendation.value).is_not(None),
        )
    )
    result: dict[str, dict[str, int]] = {}
    for name, value, count in session.execute(
        _school(query, school).group_by(col(Staff.school), col(Commendation.value))
    ).all():
        result.setdefault(name, {})[value] = count
    return result


def public_commendations(
    *, session: Session, start: datetime, end: datetime, school: str | None
) -> dict[str, list[tuple[int, str, str | None]]]:
    """Commendations their authors shared: (id, message, author's Slack id), newest first."""
    author = aliased(Staff)
    query = (
        select(
            col(Staff.school),
            col(Commendation.id),
            col(Commendation.message),
            col(author.slack_user_id),
        )
        .join(
            CommendationRecipient,
            col(CommendationRecipient.commendation_id) == col(Commendation.id),
        )
        .join(Staff, col(Staff.id) == col(CommendationRecipient.staff_id))
        .join(author, col(author.id) == col(Commendation.author_id))
        .where(
            col(Commendation.public).is_(True),
            col(Commendation.created_at) >= start,
            col(Commendation.created_at) < end,
        )
        .distinct()
        .order_by(col(Commendation.id).desc())
    )
    result: dict[str, list[tuple[int, str, str | None]]] = {}
    for name, cid, message, slack_id in session.execute(_school(query, school)).all():
        result.setdefault(name, []).append((cid, message, slack_id))
    return result


def public_recipients(*, session: Session, commendation_ids: list[int]) -> dict[int, list[str]]:
    if not commendation_ids:
        return {}
    rows = session.execute(
        select(col(CommendationRecipient.commendation_id), col(Staff.slack_user_id))
        .join(Staff, col(Staff.id) == col(CommendationRecipient.staff_id))
        .where(col(CommendationRecipient.commendation_id).in_(commendation_ids))
        .order_by(col(CommendationRecipient.commendation_id), col(Staff.id))
    ).all()
    result: dict[int, list[str]] = {}
    for cid, slack_id in rows:
        if slack_id:
            result.setdefault(cid, []).append(slack_id)
    return result


def feedback_given(
    *, session: Session, start: datetime, end: datetime, school: str | None
) -> dict[str, int]:
    """Informal feedback given in the window, by the observee's school: the written
    feedback that completes a lesson visit is the visit's, not informal, and not counted."""
    query = (
        select(col(Staff.school), func.count(col(Feedback.id)))
        .join(Staff, col(Staff.id) == col(Feedback.observee_id))
        .outerjoin(Visit, col(Visit.written_feedback_id) == col(Feedback.id))
        .where(
            col(Feedback.created_at) >= start,
            col(Feedback.created_at) < end,
            col(Visit.id).is_(None),
        )
    )
    return dict(session.execute(_school(query, school).group_by(col(Staff.school))).all())


def visits(*, session: Session, first: date, before: date, school: str | None) -> dict[str, int]:
    """Lesson visits made on days from `first` up to (not including) `before`, by the
    observee's school."""
    query = (
        select(col(Staff.school), func.count(col(Visit.id)))
        .join(Staff, col(Staff.id) == col(Visit.observee_id))
        .where(col(Visit.visited_on) >= first, col(Visit.visited_on) < before)
    )
    return dict(session.execute(_school(query, school).group_by(col(Staff.school))).all())


def standards_and_ratings(
    *, session: Session, start: datetime, end: datetime, school: str | None
) -> dict[str, tuple[dict[str, int], dict[str, int]]]:
    """How often each standard was the focus, and each RAGG* rating given, by school."""
    query = (
        select(
            col(Staff.school),
            col(FeedbackStandard.code),
            col(FeedbackStandard.rating),
            func.count(),
        )
        .join(Feedback, col(Feedback.id) == col(FeedbackStandard.feedback_id))
        .join(Staff, col(Staff.id) == col(Feedback.observee_id))
        .where(col(Feedback.created_at) >= start, col(Feedback.created_at) < end)
    )
    result: dict[str, tuple[dict[str, int], dict[str, int]]] = {}
    rows = session.execute(
        _school(query, school).group_by(
            col(Staff.school), col(FeedbackStandard.code), col(FeedbackStandard.rating)
        )
    ).all()
    for name, code, rating, count in rows:
        standards, ratings = result.setdefault(name, ({}, {}))
        standards[code] = standards.get(code, 0) + count
        if rating:
            ratings[rating] = ratings.get(rating, 0) + count
    return result


def people_rated(
    *, session: Session, start: datetime, end: datetime, school: str | None
) -> dict[str, int]:
    """How many different people were given a rating in the window, by their school."""
    query = (
        select(col(Staff.school), func.count(distinct(col(Feedback.observee_id))))
        .select_from(FeedbackStandard)
        .join(Feedback, col(Feedback.id) == col(FeedbackStandard.feedback_id))
        .join(Staff, col(Staff.id) == col(Feedback.observee_id))
        .where(
            col(Feedback.created_at) >= start,
            col(Feedback.created_at) < end,
            col(FeedbackStandard.rating).is_not(None),
        )
    )
    return dict(session.execute(_school(query, school).group_by(col(Staff.school))).all())


def observers_due(
    *, session: Session, since: date, today: date, school: str | None
) -> dict[str, int]:
    """How many different observers owed written feedback that fell due from `since` to
    before `today` (given or not), by the observee's school: the people an overdue count
    is about."""
    query = (
        select(col(Staff.school), func.count(distinct(col(Visit.observer_id))))
        .join(Staff, col(Staff.id) == col(Visit.observee_id))
        .where(col(Visit.written_due) >= since, col(Visit.written_due) < today)
    )
    return dict(session.execute(_school(query, school).group_by(col(Staff.school))).all())


def overdue_written(*, session: Session, today: date, school: str | None) -> dict[str, int]:
    """Visits whose written feedback is past its deadline, by the observee's school."""
    query = (
        select(col(Staff.school), func.count(col(Visit.id)))
        .join(Staff, col(Staff.id) == col(Visit.observee_id))
        .where(col(Visit.written_feedback_id).is_(None), col(Visit.written_due) < today)
    )
    return dict(session.execute(_school(query, school).group_by(col(Staff.school))).all())


def star_stages(
    *, session: Session, academic_year: str, school: str | None
) -> dict[str, dict[int, int]]:
    query = (
        select(col(Staff.school), col(StarProject.stage), func.count(col(StarProject.id)))
        .join(Staff, col(Staff.id) == col(StarProject.owner_id))
        .where(col(StarProject.academic_year) == academic_year)
    )
    result: dict[str, dict[int, int]] = {}
    for name, stage, count in session.execute(
        _school(query, school).group_by(col(Staff.school), col(StarProject.stage))
    ).all():
        result.setdefault(name, {})[stage] = count
    return result


def kpis_measured(
    *, session: Session, start: datetime, end: datetime, school: str | None
) -> dict[str, tuple[int, int]]:
    """(projects with a KPI measurement in the window, of which improved on the baseline)."""
    baseline = aliased(StarMeasurement)
    improved = case(
        (
            and_(
                col(StarProject.higher_is_better).is_(True),
                col(StarMeasurement.value) > baseline.value,
            ),
            col(StarMeasurement.project_id),
        ),
        (
            and_(
                col(StarProject.higher_is_better).is_(False),
                col(StarMeasurement.value) < baseline.value,
            ),
            col(StarMeasurement.project_id),
        ),
    )
    query = (
        select(
            col(Staff.school),
            func.count(distinct(col(StarMeasurement.project_id))),
            func.count(distinct(improved)),
        )
        .join(StarProject, col(StarProject.id) == col(StarMeasurement.project_id))
        .join(Staff, col(Staff.id) == col(StarProject.owner_id))
        .outerjoin(
            baseline,
            and_(
                col(baseline.project_id) == col(StarMeasurement.project_id),
                col(baseline.kind) == MeasurementKind.BASELINE,
            ),
        )
        .where(col(StarMeasurement.created_at) >= start, col(StarMeasurement.created_at) < end)
    )
    rows = session.execute(_school(query, school).group_by(col(Staff.school))).all()
    return {name: (measured, better) for name, measured, better in rows}


def ladder_levels(
    *, session: Session, academic_year: str, checkpoint: str, school: str | None
) -> list[tuple[str, str, int, int]]:
    """(school, grade, level reached, how many) of active staff who filled the checkpoint's
    sheet: the expected level of a grade is the framework's to say, not the database's."""
    query = (
        select(col(Staff.school), col(Staff.grade), col(LadderSheet.level_reached), func.count())
        .join(Staff, col(Staff.id) == col(LadderSheet.staff_id))
        .where(
            col(Staff.active).is_(True),
            col(LadderSheet.academic_year) == academic_year,
            col(LadderSheet.checkpoint) == checkpoint,
        )
    )
    grouped = _school(query, school).group_by(
        col(Staff.school), col(Staff.grade), col(LadderSheet.level_reached)
    )
    return [
        (name, grade, reached, count) for name, grade, reached, count in session.execute(grouped)
    ]


def commendations_overall(
    *, session: Session, start: datetime, end: datetime, school: str | None
) -> tuple[int, int]:
    """(commendations, distinct people praised) in the whole scope: a commendation whose
    recipients are in two schools counts once."""
    query = (
        select(
            func.count(distinct(col(Commendation.id))),
            func.count(distinct(col(CommendationRecipient.staff_id))),
        )
        .join(
            CommendationRecipient,
            col(CommendationRecipient.commendation_id) == col(Commendation.id),
        )
        .join(Staff, col(Staff.id) == col(CommendationRecipient.staff_id))
        .where(col(Commendation.created_at) >= start, col(Commendation.created_at) < end)
    )
    count, people = session.execute(_school(query, school)).one()
    return int(count), int(people)


def weekly_counts(
    *, session: Session, weeks: list[tuple[datetime, datetime]], school: str | None
) -> list[tuple[int, int]]:
    """(commendations, feedback) in each of these windows, for a chart: one query each,
    a column per window."""
    first, last = weeks[0][0], weeks[-1][1]

    def per_week(moment: Any, key: Any) -> list[Any]:
        return [
            func.count(distinct(case((and_(moment >= start, moment < end), key))))
            for start, end in weeks
        ]

    praise = (
        select(*per_week(col(Commendation.created_at), col(Commendation.id)))
        .join(
            CommendationRecipient,
            col(CommendationRecipient.commendation_id) == col(Commendation.id),
        )
        .join(Staff, col(Staff.id) == col(CommendationRecipient.staff_id))
        .where(col(Commendation.created_at) >= first, col(Commendation.created_at) < last)
    )
    given = (
        select(*per_week(col(Feedback.created_at), col(Feedback.id)))
        .join(Staff, col(Staff.id) == col(Feedback.observee_id))
        .where(col(Feedback.created_at) >= first, col(Feedback.created_at) < last)
    )
    praise_counts = session.execute(_school(praise, school)).one()
    feedback_counts = session.execute(_school(given, school)).one()
    return list(zip(praise_counts, feedback_counts, strict=True))
