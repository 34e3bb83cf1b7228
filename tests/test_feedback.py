"""/feedback end to end: the three-step form, lesson visits and their buttons,
through signed requests and the fake Slack Web API."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from messages.ids import FeedbackIds as Ids
from messages.limits import message_problems, view_problems
from storage.feedback import feedback_received
from storage.outbox import count_by_status
from tests.conftest import LONDON

pytestmark = pytest.mark.usefixtures("school")
BOB_ID = 4  # the school fixture's order: head 1, appraiser 2, alice 3, bob 4, carol 5


def _input(value: dict) -> dict:
    return {Ids.INPUT: value}


def step1(observee="UBOB", day="2026-11-23", context="lesson", detail="Y8 science"):
    return {
        Ids.OBSERVEE_BLOCK: _input({"type": "users_select", "selected_user": observee}),
        Ids.OBSERVED_ON_BLOCK: _input({"type": "datepicker", "selected_date": day}),
        Ids.CONTEXT_BLOCK: _input(
            {"type": "static_select", "selected_option": {"value": context} if context else None}
        ),
        Ids.DETAIL_BLOCK: _input({"type": "plain_text_input", "value": detail}),
    }


def step2(*codes):
    return {
        Ids.STANDARDS_BLOCK: _input(
            {"type": "multi_static_select", "selected_options": [{"value": c} for c in codes]}
        )
    }


def step3(ratings=None, strengths="Clear routines", development="", next_steps="Try cold calling"):
    values = {
        Ids.STRENGTHS_BLOCK: _input({"type": "plain_text_input", "value": strengths}),
        Ids.DEVELOPMENT_BLOCK: _input({"type": "plain_text_input", "value": development}),
        Ids.NEXT_STEPS_BLOCK: _input({"type": "plain_text_input", "value": next_steps}),
    }
    for code, rating in (ratings or {}).items():
        values[Ids.RATING_BLOCK_PREFIX + code] = _input(
            {"type": "static_select", "selected_option": {"value": rating} if rating else None}
        )
    return values


def _open_form(slack, fake_slack, text="<@UBOB|bob>", user_id="UCAROL"):
    response = slack.command("/feedback", text, user_id=user_id)
    assert response.status_code == 200
    slack.drain()
    return fake_slack.calls_to("views.open")[-1].params["view"]


def _next(slack, view, values, user_id="UCAROL"):
    response = slack.view_submission(view, values, user_id=user_id)
    assert response.status_code == 200
    return response.json() if response.text else {}


def _complete(
    slack,
    fake_slack,
    *,
    user_id="UCAROL",
    observee="UBOB",
    day="2026-11-23",
    codes=("ES1", "QC3"),
    ratings=None,
    **texts,
):
    view = _open_form(slack, fake_slack, f"<@{observee}>", user_id)
    answer = _next(slack, view, step1(observee, day), user_id)
    assert answer["response_action"] == "update", answer
    answer = _next(slack, answer["view"], step2(*codes), user_id)
    assert answer["response_action"] == "update", answer
    final = _next(slack, answer["view"], step3(ratings or {"ES1": "G*"}, **texts), user_id)
    slack.drain()
    return final


def _nothing_stored(deps):
    with deps.db.session() as session:
        assert feedback_received(session=session, staff_id=BOB_ID) == []
        assert count_by_status(session=session) == {}


# --- the form ---------------------------------------------------------------------


def test_feedback_form_end_to_end(slack, fake_slack, deps, export):
    view = _open_form(slack, fake_slack)
    assert view["callback_id"] == Ids.SUBJECT_MODAL
    assert view["blocks"][1]["element"]["initial_user"] == "UBOB"
    assert view["blocks"][2]["element"]["initial_date"] == "2026-11-23"  # today in London

    answer = _next(slack, view, step1())
    standards_view = answer["view"]
    assert view_problems(standards_view) == []
    groups = standards_view["blocks"][1]["element"]["option_groups"]
    assert [g["label"]["text"] for g in groups] == [
        "Expect the best",
        "Question deeply",
        "Understand goals",
        "Inspire learning",
        "Praise positive",
    ]
    assert groups[1]["options"][6]["text"]["text"] == "QC3 Developing higher order thinking"
    assert standards_view["blocks"][1]["element"]["max_selected_items"] == 4
    assert "Feedback for Bob on their lesson (Y8 science), 23 November 2026." in json.dumps(
        standards_view
    )

    answer = _next(slack, standards_view, step2("ES1", "QC3"))
    write_view = answer["view"]
    assert view_problems(write_view) == []
    inputs = [b for b in write_view["blocks"] if b["type"] == "input"]
    assert [b["block_id"] for b in inputs[:2]] == ["fb_rating_ES1", "fb_rating_QC3"]
    assert [o["text"]["text"] for o in inputs[0]["element"]["options"]] == [
        "G* Exceptional",  # not "Gold": SMART's ladder calls its expected level gold
        "G Green",
        "A Amber",
        "R Red",
    ]
    shown = json.dumps(write_view, ensure_ascii=False)
    assert (
        "G Green: a high standard has been achieved and is being maintained with a high "
        "degree of consistency" in shown
    )  # each rating's meaning in full, once
    assert (
        "*Outstanding:* Establishing very clear working boundaries so new ideas are easier to "
        "try. People feel safe to experiment" in shown
    )
    assert "*Below minimum standards:* Closed questioning. Use of VAK to limit or label." in shown

    final = _next(
        slack, write_view, step3({"ES1": "G*", "QC3": None}, development="Pace <dips> & more")
    )
    assert final == {}  # the modal closes
    slack.drain()

    (to_bob,) = fake_slack.messages_to("UBOB")
    assert to_bob["text"].startswith(
        "<@UCAROL> gave you feedback on your lesson (Y8 science) on 23 November 2026. "
        "Strengths: Clear routines Next steps: Try cold calling"
    )
    body = json.dumps(to_bob["blocks"])
    assert (
        "*ES1* Consistent approach: `G*` Exceptional (an exceptional standard has been achieved "
        "with a very high degree of consistency)" in body
    )
    assert (
        "*QC3* Developing higher order thinking\\n" not in body
        and "QC3* Developing higher order thinking" in body
    )
    assert "Pace &lt;dips&gt; &amp; more" in body
    (copy,) = fake_slack.messages_to("UAMIR")  # Bob's appraiser
    assert copy["text"].startswith(
        "<@UCAROL> gave <@UBOB> (your appraisee) feedback on their lesson"
    )
    (confirmation,) = fake_slack.messages_to("UCAROL")
    assert confirmation["text"].startswith("You gave <@UBOB> feedback on their lesson")
    for message in (to_bob, copy, confirmation):
        assert message_problems(message) == []

    record = export("bob@school.example")
    (received,) = record["feedback_received"]
    assert received == {
        "observer": "carol@school.example",
        "observed_on": "2026-11-23",
        "context": "lesson",
        "context_detail": "Y8 science",
        "standard_set": "teacher",
        "standards": ["ES1", "QC3"],
        "ratings": {"ES1": "G*"},
        "strengths": "Clear routines",
        "development": "Pace <dips> & more",
        "next_steps": "Try cold calling",
        "created_at": "2026-11-23T10:30:00+00:00",
    }
    assert export("carol@school.example")["feedback_given"][0]["observee"] == ("bob@school.example")


def test_appraiser_giving_feedback_gets_no_copy_of_it(slack, fake_slack):
    _complete(slack, fake_slack, user_id="UAMIR")
    (confirmation,) = fake_slack.messages_to("UAMIR")  # the confirmation only
    assert len(fake_slack.messages_to("UBOB")) == 1
    # Amir is Bob's appraiser: no copy is said to go to "their appraiser".
    assert "appraiser" not in json.dumps(confirmation)
    assert confirmation["text"].endswith("They have it by direct message.")


def test_someone_elses_feedback_says_their_appraiser_has_a_copy(slack, fake_slack):
    _complete(slack, fake_slack, user_id="UCAROL")  # Bob's appraiser is Amir
    assert len(fake_slack.messages_to("UAMIR")) == 1  # the copy
    (confirmation,) = fake_slack.messages_to("UCAROL")
    assert confirmation["text"].endswith(
        "They have it by direct message, and their appraiser a copy."
    )


@pytest.mark.parametrize(
    ("observee", "context", "set_hint"),
    [
        ("UCAROL", "lesson", "Teaching assistant classroom practice"),  # Carol is a TA
        ("UBOB", "meeting", "Standards for professional meetings"),
        ("UBOB", "duty", "Teacher classroom standards"),
        ("UHEAD", "lesson", "National Headteacher Standards"),  # by grade and role
    ],
)
def test_standard_set_follows_role_and_context(slack, fake_slack, observee, context, set_hint):
    view = _open_form(slack, fake_slack, user_id="UALICE")
    answer = _next(slack, view, step1(observee, context=context), "UALICE")
    assert answer["view"]["blocks"][1]["hint"]["text"] == (
        f"From the {set_hint}. The next step shows what each one looks like."
    )


def test_feedback_for_someone_opens_only_with_one_person(slack, fake_slack):
    slack.command("/feedback", "<@UBOB> <@UCAROL>", user_id="UALICE")
    slack.command("/feedback", "<#C1|staff>", user_id="UALICE")
    slack.drain()
    assert fake_slack.calls_to("views.open") == []
    assert len(fake_slack.responses()) == 2
    assert all("one person" in r["text"] for r in fake_slack.responses())


def test_feedback_without_text_opens_an_empty_form(slack, fake_slack):
    view = _open_form(slack, fake_slack, text="")
    assert "initial_user" not in view["blocks"][1]["element"]


@pytest.mark.parametrize(
    ("values", "block", "error"),
    [
        (step1(day="2026-11-24"), Ids.OBSERVED_ON_BLOCK, "That is in the future"),
        (
            step1(day="2026-08-31"),
            Ids.OBSERVED_ON_BLOCK,
            "before this academic year began (1 September 2026)",
        ),
        (step1(day=None), Ids.OBSERVED_ON_BLOCK, "Choose a date"),
        (step1(observee="UVISITOR"), Ids.OBSERVEE_BLOCK, "<@UVISITOR> is not on the staff roster"),
        (step1(observee="UROBOT"), Ids.OBSERVEE_BLOCK, "<@UROBOT> is a bot"),
        (step1(observee="UCAROL"), Ids.OBSERVEE_BLOCK, "You can't choose yourself"),
        (step1(observee=None), Ids.OBSERVEE_BLOCK, "Choose a colleague"),
        (step1(context=None), Ids.CONTEXT_BLOCK, "Choose where you saw them"),
        (step1(detail="x" * 201), Ids.DETAIL_BLOCK, "Keep this to 200 characters"),
    ],
)
def test_first_step_bad_input(slack, fake_slack, deps, values, block, error):
    view = _open_form(slack, fake_slack)
    answer = _next(slack, view, values)
    assert answer["response_action"] == "errors"
    assert error in answer["errors"][block]
    _nothing_stored(deps)


@pytest.mark.parametrize(
    ("codes", "error"),
    [
        ((), "Choose the standard(s) the feedback focused on"),
        (("ES1", "ES2", "ES3", "ES4", "QE1"), "Choose at most 4 standards; you chose 5"),
        (("ES1", "ZZ9"), "ZZ9 is not in the teacher classroom standards"),
    ],
)
def test_second_step_bad_input(slack, fake_slack, deps, codes, error):
    view = _open_form(slack, fake_slack)
    answer = _next(slack, _next(slack, view, step1())["view"], step2(*codes))
    assert answer == {
        "response_action": "errors",
        "errors": {Ids.STANDARDS_BLOCK: answer["errors"][Ids.STANDARDS_BLOCK]},
    }
    assert error in answer["errors"][Ids.STANDARDS_BLOCK]
    _nothing_stored(deps)


@pytest.mark.parametrize(
    ("values", "block", "error"),
    [
        (
            step3(strengths="", development="  ", next_steps=""),
            Ids.STRENGTHS_BLOCK,
            "Write at least one of strengths, areas for development or next steps",
        ),
        (
            step3(next_steps="n" * 3001),
            Ids.NEXT_STEPS_BLOCK,
            "This is 3001 characters; please keep it to 3000",
        ),
        (step3(development="d" * 3001), Ids.DEVELOPMENT_BLOCK, "3001 characters"),
        (step3({"ES1": "X"}), Ids.RATING_BLOCK_PREFIX + "ES1", "'X' is not a rating"),
    ],
)
def test_third_step_bad_input(slack, fake_slack, deps, values, block, error):
    view = _open_form(slack, fake_slack)
    view = _next(slack, view, step1())["view"]
    view = _next(slack, view, step2("ES1", "QC3"))["view"]
    answer = _next(slack, view, values)
    assert answer["response_action"] == "errors"
    assert error in answer["errors"][block]
    _nothing_stored(deps)
    assert fake_slack.calls_to("chat.postMessage") == []


def test_a_rating_for_a_standard_not_chosen_is_refused(deps, framework):
    from bot.core.errors import InvalidInput
    from bot.feedback import form as fb
    from tests.factories import person

    request = fb.FeedbackRequest(
        subject=fb.Subject(
            person(deps.db, "UCAROL"), "UBOB", datetime(2026, 11, 23).date(), "lesson"
        ),
        standards=["ES1"],
        ratings={"PT4": "G"},
        strengths="Good",
    )
    with pytest.raises(InvalidInput) as error:
        fb.RecordFeedback(
            db=deps.db,
            framework=framework,
            calendar=deps.calendar,
            request=request,
            now=deps.clock(),
            is_bot=lambda _: False,
        )()
    assert error.value.field_errors == {"rating:PT4": "PT4 is not one of the standards you chose."}
    _nothing_stored(deps)


# --- lesson visits ------------------------------------------------------------------


def test_visit_over_christmas_gets_its_deadlines(slack, fake_slack, deps, clock, export):
    clock.now = datetime(2026, 12, 17, 15, 0, tzinfo=LONDON)

    response = slack.command("/feedback", "visit <@UBOB|bob> 2026-12-17", user_id="UAMIR")

    assert response.status_code == 200
    slack.drain()
    (reply,) = fake_slack.responses()
    assert reply["response_type"] == "ephemeral"
    assert (
        "Verbal feedback is due by 7 January 2027 and written feedback by 14 January 2027"
        in reply["text"]
    )
    (dm,) = fake_slack.messages_to("UAMIR")
    assert message_problems(dm) == []
    assert dm["text"] == (
        "Lesson visit logged: <@UBOB>, 17 December 2026. Verbal feedback due by "
        "7 January 2027. Written feedback due by 14 January 2027."
    )
    buttons = dm["blocks"][2]["elements"]
    assert [b["action_id"] for b in buttons] == [Ids.VISIT_VERBAL, Ids.VISIT_WRITE]
    (visit,) = export("bob@school.example")["visits"]
    assert visit == {
        "observer": "amir@school.example",
        "observee": "bob@school.example",
        "visited_on": "2026-12-17",
        "verbal_due": "2027-01-07",
        "written_due": "2027-01-14",
        "verbal_given_at": None,
        "written_feedback_at": None,
        "created_at": "2026-12-17T15:00:00+00:00",
    }


def test_visit_defaults_to_today(slack, fake_slack):
    slack.command("/feedback", "visit <@UBOB>", user_id="UAMIR")
    slack.drain()
    assert (
        "Lesson visit logged: <@UBOB>, 23 November 2026"
        in fake_slack.messages_to("UAMIR")[0]["text"]
    )


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("visit <@UBOB> 2026-13-45", "'2026-13-45' is not a date: write it as YYYY-MM-DD"),
        ("visit <@UBOB> tomorrow", "'tomorrow' is not a date"),
        ("visit <@UBOB> 2026-11-30", "That is in the future"),
        ("visit <@UBOB> 2025-11-30", "before this academic year began"),
        ("visit", "Use `/feedback`"),
        ("visit <@UBOB> <@UCAROL>", "Use `/feedback`"),
        ("visit <@UAMIR>", "You can't choose yourself"),
        ("visit <@UROBOT>", "is a bot"),
        ("visit <@UVISITOR>", "not on the staff roster"),
    ],
)
def test_visit_bad_input(slack, fake_slack, deps, text, error):
    slack.command("/feedback", text, user_id="UAMIR")
    slack.drain()
    (reply,) = fake_slack.responses()
    assert reply["response_type"] == "ephemeral"
    assert error in reply["text"]
    assert fake_slack.calls_to("chat.postMessage") == []
    with deps.db.session() as session:
        assert count_by_status(session=session) == {}


def _log_visit(slack, fake_slack, day="2026-11-20"):
    slack.command("/feedback", f"visit <@UBOB> {day}", user_id="UAMIR")
    slack.drain()
    return fake_slack.messages_to("UAMIR")[-1]


def test_marking_verbal_feedback_given(slack, fake_slack, export, deps):
    dm = _log_visit(slack, fake_slack)
    visit_id = dm["blocks"][2]["elements"][0]["value"]

    refused = slack.click(Ids.VISIT_VERBAL, visit_id, user_id="UBOB")  # not the observer
    slack.drain()
    assert refused.status_code == 200
    assert "Only the colleague who made this visit" in fake_slack.responses()[-1]["text"]

    slack.click(Ids.VISIT_VERBAL, visit_id, user_id="UAMIR")
    slack.drain()
    updated = fake_slack.responses()[-1]
    assert updated["replace_original"] is True
    assert "Verbal feedback: given" in updated["text"]
    assert [b["action_id"] for b in updated["blocks"][2]["elements"]] == [Ids.VISIT_WRITE]
    (visit,) = export("bob@school.example")["visits"]
    assert visit["verbal_given_at"] == "2026-11-23T10:30:00+00:00"


def test_written_feedback_from_the_visit_button_completes_the_visit(
    slack, fake_slack, deps, export
):
    dm = _log_visit(slack, fake_slack, "2026-11-20")
    visit_id = dm["blocks"][2]["elements"][1]["value"]

    slack.click(Ids.VISIT_WRITE, visit_id, user_id="UAMIR")
    slack.drain()
    view = fake_slack.calls_to("views.open")[-1].params["view"]
    assert view["blocks"][1]["element"]["initial_user"] == "UBOB"
    assert view["blocks"][2]["element"]["initial_date"] == "2026-11-20"

    answer = _next(slack, view, step1("UBOB", "2026-11-20"), "UAMIR")
    answer = _next(slack, answer["view"], step2("UR3"), "UAMIR")
    _next(slack, answer["view"], step3({"UR3": "A"}), "UAMIR")
    slack.drain()

    confirmation = fake_slack.messages_to("UAMIR")[-1]
    assert "This completes the written feedback for your lesson visit." in json.dumps(confirmation)
    assert "This is the written feedback for your lesson visit." in json.dumps(
        fake_slack.messages_to("UBOB")[0]
    )
    (visit,) = export("bob@school.example")["visits"]
    assert visit["written_feedback_at"] == "2026-11-23T10:30:00+00:00"


def test_write_button_pressed_by_someone_else_opens_nothing(slack, fake_slack):
    dm = _log_visit(slack, fake_slack)
    slack.click(Ids.VISIT_WRITE, dm["blocks"][2]["elements"][1]["value"], user_id="UALICE")
    slack.drain()
    assert fake_slack.calls_to("views.open") == []
