"""A full appraisal year for Alice (appraised by Amir, led by Hannah), written as the
app's own use-cases and queries would write it, at real 2026-27 dates."""

from __future__ import annotations

from datetime import date, datetime

from bot.objectives.agree import agree
from bot.objectives.review import ReviewObjectives
from bot.objectives.training import AddTraining
from bot.objectives.write import Draft, WriteObjectives
from bot.star.measure import Measure, Reading
from storage.commendations import add_commendation
from storage.feedback import add_feedback, add_visit
from storage.ladder import save_sheet
from storage.models import Commendation, Feedback, FeedbackContext, Visit
from tests.conftest import LONDON
from tests.factories import person, start_star_project

MAIN_ROLE = "Use live marking in Year 9 so that feedback lands in the lesson."
STAR_HOPE = "That live marking raises the share of pupils acting on feedback."
LEADERSHIP = "Coach the two new TAs in my team on behaviour routines."
MARCH = datetime(2027, 3, 1, 10, 0, tzinfo=LONDON)  # Mid-year checkpoint open


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)


def full_year(deps, owner: str = "UALICE", appraiser: str = "UAMIR") -> int:
    """Objectives agreed and reviewed at Mid, a STAR project with baseline and final, two
    ladder sheets, feedback, a visit, praise and a training write-up. Returns the set id."""
    alice, amir = person(deps.db, owner), person(deps.db, appraiser)
    common = {"db": deps.db, "framework": deps.framework, "calendar": deps.calendar}
    written = WriteObjectives(
        **common,
        person=alice,
        draft=Draft(MAIN_ROLE, STAR_HOPE, LEADERSHIP, ["QE2", "UR3"], 4),
        now=at(date(2026, 9, 21)),
    )()
    set_id = written.view.set_id
    agree(
        **common,
        appraiser=amir,
        set_id=set_id,
        version=written.view.version,
        now=at(date(2026, 9, 25)),
    )
    ReviewObjectives(
        **common,
        appraiser=amir,
        set_id=set_id,
        checkpoint="mid",
        statuses={1: "on_track", 2: "needs_support", 3: "on_track"},
        comments={1: "Books show it working.", 2: "Take the final measurement in May."},
        now=at(date(2027, 2, 10)),
    )()
    start_star_project(deps, owner, date(2026, 10, 1), date(2027, 2, 20), at(date(2026, 9, 30)))
    for value, kind, day in (
        ("62", "baseline", date(2026, 10, 5)),
        ("71.5", "final", date(2027, 2, 22)),
    ):
        Measure(
            db=deps.db,
            calendar=deps.calendar,
            owner=alice,
            reading=Reading(value, kind, same_way=True),
            now=at(day),
        )()
    with deps.db.session() as session:
        for checkpoint, gap, reached, target, day in (
            ("sep", (3, 4), 2, 4, date(2026, 9, 22)),
            ("mid", (4, 1), 3, None, date(2027, 2, 12)),
        ):
            save_sheet(
                session=session,
                staff_id=alice.id,
                academic_year="2026-27",
                checkpoint=checkpoint,
                held=_held(deps.framework, gap),
                level_reached=reached,
                target_level=target,
                now=at(day),
            )
        carol = person(deps.db, "UCAROL")
        add_feedback(
            session=session,
            feedback=Feedback(
                observer_id=carol.id,
                observee_id=alice.id,
                observed_on=date(2026, 11, 23),
                context=FeedbackContext.LESSON,
                standard_set="teacher",
                strengths="Calm start to the lesson",
                development="Questioning of the back row",
                next_steps="Cold-call three pupils",
                created_at=at(date(2026, 11, 23), 15),
            ),
            standards=[("ES1", "G*"), ("QC3", "A")],
        )
        add_visit(
            session=session,
            visit=Visit(
                observer_id=amir.id,
                observee_id=alice.id,
                visited_on=date(2027, 1, 20),
                verbal_due=date(2027, 1, 27),
                written_due=date(2027, 2, 3),
                created_at=at(date(2027, 1, 20)),
            ),
        )
        add_commendation(
            session=session,
            commendation=Commendation(
                author_id=person(deps.db, "UBOB").id,
                message="Thank you for covering 9C at short notice: they finished the essay plan.",
                value="P",
                created_at=at(date(2027, 2, 24)),
            ),
            recipient_ids=[alice.id],
        )
    AddTraining(
        db=deps.db,
        calendar=deps.calendar,
        person=alice,
        title="NPQLT module 2: leading teams",
        taken_on=date(2027, 1, 14),
        learned="Delegating with a written plan keeps the team's goals shared.",
        now=at(date(2027, 1, 15)),
    )()
    return set_id


def _held(framework, gap: tuple[int, int]) -> list[list[bool | None]]:
    """A sheet of levels 1-5 true up to `gap` (level, index), not true at it, true after."""
    counts = [len(level.statements) for level in framework.sheet]
    return [
        [(level, index) != gap for index in range(1, counts[level - 1] + 1)]
        if level <= 5
        else [None] * counts[level - 1]
        for level in range(1, len(counts) + 1)
    ]
