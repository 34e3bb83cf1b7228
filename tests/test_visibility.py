"""Who may see feedback about a person (bot.core.visibility): each role, and the refusals."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.calendar import SchoolCalendar
from bot.core.errors import NotAllowed
from bot.core.visibility import can_see
from bot.feedback import form as fb
from bot.feedback import records as feedback_records
from storage.models import LeaderScope, Role, Staff
from tests.factories import add_staff, person


def _person(pk, school="Saltash Primary", appraiser=None, leader=None, active=True):
    return Staff(
        id=pk,
        email=f"p{pk}@x.uk",
        name=f"P{pk}",
        school=school,
        role=Role.TEACHER,
        appraiser_id=appraiser,
        leader=leader,
        active=active,
    )


SUBJECT = _person(1, appraiser=2)


@pytest.mark.parametrize(
    ("viewer", "author_id", "allowed", "who"),
    [
        (_person(1, appraiser=2), None, True, "the subject"),
        (_person(3), 3, True, "the author"),
        (_person(2), None, True, "the subject's appraiser"),
        (_person(4, leader=LeaderScope.SCHOOL), None, True, "a leader of the subject's school"),
        (_person(5, school="Looe Primary", leader=LeaderScope.TRUST), None, True, "a trust leader"),
        (
            _person(6, school="Looe Primary", leader=LeaderScope.SCHOOL),
            None,
            False,
            "another school's leader",
        ),
        (_person(7), None, False, "a colleague in the same school"),
        (_person(8), 3, False, "a colleague, about someone else's feedback"),
        (_person(2, active=False), None, False, "a former appraiser who has left"),
    ],
)
def test_can_see(viewer, author_id, allowed, who):
    assert can_see(viewer, SUBJECT, author_id=author_id) is allowed, who


@pytest.fixture
def feedback_given(database, framework, clock, school):
    """Carol and Alice each gave Bob feedback; Bob's appraiser is Amir."""
    calendar = SchoolCalendar(framework)
    for observer in ("UCAROL", "UALICE"):
        fb.RecordFeedback(
            db=database,
            framework=framework,
            calendar=calendar,
            now=clock(),
            is_bot=lambda _: False,
            request=fb.FeedbackRequest(
                subject=fb.Subject(
                    person(database, observer), "UBOB", date(2026, 11, 23), "lesson"
                ),
                standards=["ES1"],
                strengths=f"from {observer}",
            ),
        )()
    add_staff(database, "Lena", slack_user_id="ULEADER", leader=LeaderScope.SCHOOL)
    add_staff(
        database,
        "Otto",
        slack_user_id="UOTHERHEAD",
        school="Looe Primary",
        leader=LeaderScope.SCHOOL,
    )
    add_staff(
        database, "Tara", slack_user_id="UTRUST", school="Trust office", leader=LeaderScope.TRUST
    )


@pytest.mark.usefixtures("feedback_given")
@pytest.mark.parametrize(
    ("viewer", "seen"),
    [
        ("UBOB", ["from UCAROL", "from UALICE"]),
        ("UAMIR", ["from UCAROL", "from UALICE"]),
        ("ULEADER", ["from UCAROL", "from UALICE"]),
        ("UTRUST", ["from UCAROL", "from UALICE"]),
        ("UCAROL", ["from UCAROL"]),  # an author sees what they wrote, nothing more
    ],
)
def test_feedback_about_shows_each_role_what_it_may_see(database, framework, viewer, seen):
    records = feedback_records.feedback_about(
        db=database,
        framework=framework,
        viewer=person(database, viewer),
        subject=person(database, "UBOB"),
    )
    assert [r.strengths for r in records] == seen


@pytest.mark.usefixtures("feedback_given")
@pytest.mark.parametrize("viewer", ["UHEAD_OF_NOTHING", "UOTHERHEAD"])
def test_feedback_about_is_refused_to_others(database, framework, viewer):
    if viewer == "UHEAD_OF_NOTHING":
        add_staff(database, "Nadia", slack_user_id=viewer)  # a colleague, no role over Bob
    with pytest.raises(NotAllowed):
        feedback_records.feedback_about(
            db=database,
            framework=framework,
            viewer=person(database, viewer),
            subject=person(database, "UBOB"),
        )
