"""/star end to end: a project started through the modal, measured by command and
by button, moved through its stages, evaluated and confirmed by the appraiser."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from bot.star import due as star_due
from bot.star import measure as star_measure
from bot.star import projects as star_projects
from messages.ids import StarIds as Ids
from messages.limits import message_problems, view_problems
from storage.outbox import count_by_status
from tests.conftest import LONDON
from tests.factories import person

pytestmark = pytest.mark.usefixtures("school")


def _input(value: dict) -> dict:
    return {Ids.INPUT: value}


def new_project(
    title="Homework club",
    kpi="pupils completing homework",
    unit="%",
    direction="higher",
    method="Homework handed in on Friday, Y8 maths sets",
    start="2026-11-23",
    end="2027-01-29",
    baseline="",
):
    text = {
        Ids.TITLE_BLOCK: title,
        Ids.QUESTION_BLOCK: "Will a lunchtime club help?",
        Ids.BENEFICIARIES_BLOCK: "Y8 pupils",
        Ids.KPI_NAME_BLOCK: kpi,
        Ids.KPI_UNIT_BLOCK: unit,
        Ids.METHOD_BLOCK: method,
        Ids.BASELINE_BLOCK: baseline,
    }
    values = {block: _input({"type": "plain_text_input", "value": v}) for block, v in text.items()}
    values[Ids.DIRECTION_BLOCK] = _input(
        {"type": "radio_buttons", "selected_option": {"value": direction} if direction else None}
    )
    values[Ids.START_BLOCK] = _input({"type": "datepicker", "selected_date": start})
    values[Ids.END_BLOCK] = _input({"type": "datepicker", "selected_date": end})
    return values


def _start_project(slack, fake_slack, user_id="UBOB", **fields):
    slack.command("/star", "", user_id=user_id)
    slack.drain()
    view = fake_slack.calls_to("views.open")[-1].params["view"]
    assert view["callback_id"] == Ids.NEW_MODAL
    response = slack.view_submission(view, new_project(**fields), user_id=user_id)
    slack.drain()
    return view, response


def _last_reply(fake_slack):
    return fake_slack.responses()[-1]


def _buttons(message):
    return {
        e["action_id"]: e["value"]
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    }


def test_star_project_end_to_end(slack, fake_slack, deps, export):
    view, response = _start_project(slack, fake_slack)
    assert view_problems(view) == []
    assert response.status_code == 200 and response.text == ""
    (started,) = fake_slack.messages_to("UBOB")
    assert message_problems(started) == []
    assert started["text"].startswith(
        ":seedling: Your STAR project is started. Take the baseline measurement before you begin."
    )
    (to_appraiser,) = fake_slack.messages_to("UAMIR")
    assert to_appraiser["text"] == (
        "<@UBOB> started a STAR project: Homework club. KPI: pupils completing homework."
    )

    slack.command("/star", "measure 62", user_id="UBOB")  # the first, with no kind: the baseline
    slack.drain()
    assert "Baseline: *62 %* on 23 November 2026" in json.dumps(_last_reply(fake_slack))

    slack.command("/star", "measure 71 final", user_id="UBOB")
    slack.drain()
    question = _last_reply(fake_slack)
    assert message_problems(question) == []
    texts = [b["text"]["text"] for b in question["blocks"] if b["type"] == "section"]
    assert (
        texts[0]
        == "Record *71* as the *final* measurement? It must be taken exactly like the baseline:"
    )
    assert texts[1] == "Homework handed in on Friday, Y8 maths sets"
    slack.click(Ids.FINAL_SAME_WAY, _buttons(question)[Ids.FINAL_SAME_WAY], user_id="UBOB")
    slack.drain()
    status = _last_reply(fake_slack)
    assert status["replace_original"] is True
    assert "*Change since the baseline:* +9 (+14.5%), improved" in json.dumps(status)

    project_id = _buttons(status)[Ids.ADD_NOTE]
    for stage in range(2, 6):  # each time the button in the message as it now is
        slack.click(
            Ids.NEXT_STAGE, _buttons(_last_reply(fake_slack))[Ids.NEXT_STAGE], user_id="UBOB"
        )
        slack.drain()
        assert f"Stage {stage} of 6" in json.dumps(_last_reply(fake_slack))
    at_five = _last_reply(fake_slack)
    assert Ids.NEXT_STAGE not in _buttons(at_five)  # sharing waits for the evaluation
    assert Ids.EVALUATE in _buttons(at_five)
    assert "*Next:* Evaluate it with your appraiser: what did you learn?" in json.dumps(at_five)

    slack.click(Ids.EVALUATE, project_id, user_id="UBOB")
    slack.drain()
    evaluation = fake_slack.calls_to("views.open")[-1].params["view"]
    assert view_problems(evaluation) == []
    slack.view_submission(
        evaluation,
        {
            Ids.LEARNED_BLOCK: _input(
                {"type": "plain_text_input", "value": "Peer reminders & a <quiet> room work"}
            ),
            Ids.WOULD_SHARE_BLOCK: _input(
                {"type": "radio_buttons", "selected_option": {"value": "yes"}}
            ),
        },
        user_id="UBOB",
    )
    slack.drain()
    request = fake_slack.messages_to("UAMIR")[-1]
    assert message_problems(request) == []
    slack.command("/star", "", user_id="UBOB")
    slack.drain()
    sent = json.dumps(_last_reply(fake_slack))
    assert "*Next:* Your appraiser has your evaluation to confirm." in sent
    assert "Evaluate it with your appraiser" not in sent
    assert "Peer reminders &amp; a &lt;quiet&gt; room work" in json.dumps(request)

    refused = slack.click(Ids.CONFIRM_EVALUATION, project_id, user_id="UALICE")
    slack.drain()
    assert refused.status_code == 200
    assert "Only the project owner's appraiser can confirm" in _last_reply(fake_slack)["text"]

    slack.click(Ids.CONFIRM_EVALUATION, project_id, user_id="UAMIR")
    slack.drain()
    confirmed = _last_reply(fake_slack)
    assert confirmed["replace_original"] is True
    assert "You confirmed this evaluation: the project passes." in json.dumps(confirmed)
    assert fake_slack.messages_to("UBOB")[-1]["text"].startswith(
        ":tada: Your appraiser confirmed your evaluation"
    )

    (project,) = export("bob@school.example")["star_projects"]
    now = "2026-11-23T10:30:00+00:00"  # the tests' clock stands still
    assert project == {
        "academic_year": "2026-27",
        "title": "Homework club",
        "stage": 5,
        "kpi": {
            "name": "pupils completing homework",
            "unit": "%",
            "higher_is_better": True,
            "method": "Homework handed in on Friday, Y8 maths sets",
        },
        "measurements": [
            {"kind": "baseline", "value": 62.0, "measured_on": "2026-11-23", "recorded_at": now},
            {"kind": "final", "value": 71.0, "measured_on": "2026-11-23", "recorded_at": now},
        ],
        "evaluated": True,
        "question": "Will a lunchtime club help?",
        "beneficiaries": "Y8 pupils",
        "planned_start": "2026-11-23",
        "planned_end": "2027-01-29",
        "notes": [],
        "learned": "Peer reminders & a <quiet> room work",
        "would_share": True,
        "evaluation_submitted_at": now,
        "evaluated_at": now,
        "evaluated_by": "amir@school.example",
        "created_at": now,
        "updated_at": now,
    }
    slack.command("/star", "", user_id="UBOB")  # the next step follows from the evaluation
    slack.drain()
    evaluated = json.dumps(_last_reply(fake_slack))
    assert "evaluated :white_check_mark:" in evaluated
    assert "*Next:* Your evaluation is confirmed: move on to stage 6 (Share)" in evaluated
    assert "Evaluate it with your appraiser" not in evaluated
    slack.click(Ids.NEXT_STAGE, project_id, user_id="UBOB")  # now sharing is open
    slack.drain()
    assert "Stage 6 of 6: *Share*" in json.dumps(_last_reply(fake_slack))


def test_a_baseline_typed_into_the_form_is_not_asked_for_again(slack, fake_slack, deps):
    _start_project(slack, fake_slack, baseline="0")
    (started,) = fake_slack.messages_to("UBOB")
    assert message_problems(started) == []
    assert started["text"].startswith(":seedling: Your STAR project is started, with its baseline.")
    sent = json.dumps(started)
    assert "Baseline: *0 %* on 23 November 2026" in sent
    assert "Take the baseline" not in sent and "take the baseline" not in sent


def test_a_kpi_that_got_worse_still_passes(slack, fake_slack, deps):
    _start_project(slack, fake_slack, baseline="62")
    outcome = star_measure.Measure(
        db=deps.db,
        calendar=deps.calendar,
        owner=person(deps.db, "UBOB"),
        reading=star_measure.Reading("55", "final", same_way=True),
        now=deps.clock(),
    )()
    assert outcome.status.change.improved is False
    slack.command("/star", "", user_id="UBOB")
    slack.drain()
    assert "-7 (-11.3%), not improved: that is fine, an evaluated project passes" in json.dumps(
        _last_reply(fake_slack)
    )


@pytest.mark.parametrize(
    ("fields", "block", "error"),
    [
        ({"title": ""}, Ids.TITLE_BLOCK, "Give the project a title"),
        ({"title": "t" * 151}, Ids.TITLE_BLOCK, "This is 151 characters; please keep it to 150"),
        ({"kpi": ""}, Ids.KPI_NAME_BLOCK, "Name the KPI"),
        ({"kpi": "k" * 151}, Ids.KPI_NAME_BLOCK, "please keep it to 150"),
        ({"method": ""}, Ids.METHOD_BLOCK, "Say how you will measure it"),
        ({"direction": None}, Ids.DIRECTION_BLOCK, "higher or a lower value is better"),
        ({"end": "2026-11-01"}, Ids.END_BLOCK, "The end date is before the start date"),
        ({"end": None}, Ids.END_BLOCK, "Choose when you plan to finish"),
        ({"baseline": "NaN"}, Ids.BASELINE_BLOCK, "'NaN' is not a number"),
    ],
)
def test_new_project_bad_input(slack, fake_slack, deps, fields, block, error):
    _, response = _start_project(slack, fake_slack, **fields)
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert error in answer["errors"][block]
    assert (
        star_projects.status(
            db=deps.db, calendar=deps.calendar, owner=person(deps.db, "UBOB"), now=deps.clock()
        )
        is None
    )
    with deps.db.session() as session:
        assert count_by_status(session=session) == {}


@pytest.mark.parametrize(
    ("commands", "error"),
    [
        (["measure 62abc"], "'62abc' is not a number"),
        (["measure NaN"], "'NaN' is not a number"),
        (["measure inf"], "'inf' is not a number"),
        (
            ["measure 62", "measure 63 baseline"],
            "already has its baseline (62 on 23 November 2026)",
        ),
        (["measure 71 final"], "Take the baseline first"),
        (["measure 7 sideways"], "'sideways' is not baseline, interim or final"),
        (["measure 62", "measure 70 interim", "measure"], "Use `/star`"),
    ],
)
def test_measurement_bad_input(slack, fake_slack, deps, export, commands, error):
    _start_project(slack, fake_slack)
    for text in commands:
        slack.command("/star", text, user_id="UBOB")
        slack.drain()  # one at a time, as a person would: replies arrive in order
    assert error in _last_reply(fake_slack)["text"]


def test_a_second_final_is_refused(slack, fake_slack, deps, export):
    _start_project(slack, fake_slack, baseline="62")
    for _ in range(2):
        slack.command("/star", "measure 71 final", user_id="UBOB")
        slack.drain()
        payload = _buttons(_last_reply(fake_slack)).get(Ids.FINAL_SAME_WAY)
        if payload:
            slack.click(Ids.FINAL_SAME_WAY, payload, user_id="UBOB")
            slack.drain()
    assert "This project already has its final measurement." in _last_reply(fake_slack)["text"]
    kinds = [m["kind"] for m in export("bob@school.example")["star_projects"][0]["measurements"]]
    assert kinds == ["baseline", "final"]


def test_measure_without_a_project(slack, fake_slack):
    slack.command("/star", "measure 5", user_id="UBOB")
    slack.drain()
    assert (
        "You have no STAR project this year: start one with `/star new`."
        in _last_reply(fake_slack)["text"]
    )


def test_measurement_by_button_needs_the_same_way_ticked_for_a_final(
    slack, fake_slack, deps, export
):
    _start_project(slack, fake_slack, baseline="62")
    slack.command("/star", "", user_id="UBOB")
    slack.drain()
    project_id = _buttons(_last_reply(fake_slack))[Ids.RECORD]
    slack.click(Ids.RECORD, project_id, user_id="UBOB")
    slack.drain()
    modal = fake_slack.calls_to("views.open")[-1].params["view"]
    assert view_problems(modal) == []
    assert "For a final measurement: measured by Homework handed in on Friday" in json.dumps(modal)

    def submit(value, kind, same):
        return slack.view_submission(
            modal,
            {
                Ids.VALUE_BLOCK: _input({"type": "plain_text_input", "value": value}),
                Ids.KIND_BLOCK: _input(
                    {"type": "static_select", "selected_option": {"value": kind}}
                ),
                Ids.SAME_WAY_BLOCK: _input(
                    {"type": "checkboxes", "selected_options": [{"value": "same"}] if same else []}
                ),
            },
            user_id="UBOB",
        )

    answer = submit("71", "final", False).json()
    assert "tick to confirm it was" in answer["errors"][Ids.SAME_WAY_BLOCK]
    assert "is not a number" in submit("lots", "interim", False).json()["errors"][Ids.VALUE_BLOCK]
    assert submit("71", "final", True).text == ""
    slack.drain()
    assert "+9 (+14.5%), improved" in json.dumps(fake_slack.messages_to("UBOB")[-1])
    assert [
        m["value"] for m in export("bob@school.example")["star_projects"][0]["measurements"]
    ] == [62, 71]


def test_notes_and_owner_only_buttons(slack, fake_slack, deps):
    _start_project(slack, fake_slack)
    slack.command("/star", "", user_id="UBOB")
    slack.drain()
    project_id = _buttons(_last_reply(fake_slack))[Ids.ADD_NOTE]

    slack.click(Ids.NEXT_STAGE, project_id, user_id="UCAROL")  # not the owner
    slack.drain()
    assert "Only the project's owner can change it." in _last_reply(fake_slack)["text"]
    slack.click(Ids.ADD_NOTE, project_id, user_id="UCAROL")
    slack.drain()
    assert "Only the project's owner can change it." in _last_reply(fake_slack)["text"]

    slack.click(Ids.ADD_NOTE, project_id, user_id="UBOB")
    slack.drain()
    modal = fake_slack.calls_to("views.open")[-1].params["view"]
    empty = slack.view_submission(
        modal, {Ids.NOTE_BLOCK: _input({"type": "plain_text_input", "value": " "})}, user_id="UBOB"
    ).json()
    assert empty["errors"] == {Ids.NOTE_BLOCK: "Write the note."}
    slack.view_submission(
        modal,
        {Ids.NOTE_BLOCK: _input({"type": "plain_text_input", "value": "Read EEF"})},
        user_id="UBOB",
    )
    slack.drain()
    noted = fake_slack.messages_to("UBOB")[-1]
    assert noted["text"].startswith(":memo: Note added.")
    assert "23 November 2026, stage 1: Read EEF" in json.dumps(noted["blocks"])


def test_what_projects_need_and_when(deps, framework):
    calendar = deps.calendar
    at = datetime(2026, 11, 2, 9, 0, tzinfo=LONDON)
    project = star_projects.StartProject(
        db=deps.db,
        calendar=calendar,
        now=at,
        owner=person(deps.db, "UBOB"),
        request=star_projects.NewProject(
            title="T",
            kpi_name="K",
            higher_is_better=True,
            kpi_method="M",
            planned_start=datetime(2026, 11, 2).date(),
            planned_end=datetime(2027, 1, 29).date(),
        ),
    )()

    def needs(day):
        moment = datetime(day.year, day.month, day.day, 9, 0, tzinfo=LONDON)
        return [n.need for n in star_due.needs_at(db=deps.db, calendar=calendar, now=moment)]

    # "Take a measurement of it before you start": reminded from 5 working days before the
    # planned start, Monday 2 November, after the half term of 26-30 October.
    assert needs(datetime(2026, 10, 16)) == []  # 6 working days before
    assert needs(datetime(2026, 10, 19)) == ["baseline"]  # the 5th working day before
    assert needs(datetime(2026, 11, 16)) == ["baseline"]  # and still, until it is taken
    star_measure.Measure(
        db=deps.db,
        calendar=calendar,
        owner=person(deps.db, "UBOB"),
        reading=star_measure.Reading("5", None, same_way=False),
        now=at,
    )()
    assert needs(datetime(2027, 1, 28)) == []
    assert needs(datetime(2027, 1, 29)) == ["final"]  # on the planned end date
    assert needs(datetime(2027, 10, 5)) == ["evaluation"]  # October: last year's, not evaluated
    assert needs(datetime(2027, 11, 5)) == []
    assert project.status.stage == 1


def test_the_october_reminder_opens_last_years_project(slack, fake_slack, deps, clock):
    from datetime import date

    from tests.factories import start_star_project

    last_year = start_star_project(
        deps,
        "UBOB",
        date(2025, 11, 3),
        date(2026, 3, 1),
        datetime(2025, 11, 3, 9, 0, tzinfo=LONDON),
    )
    project_id = str(last_year.status.project_id)
    slack.click(Ids.SHOW, project_id, user_id="UBOB")
    slack.drain()
    status = _last_reply(fake_slack)
    assert status["response_type"] == "ephemeral"
    assert "(2025-26)" in json.dumps(status)
    slack.click(Ids.SHOW, project_id, user_id="UCAROL")  # someone else's project
    slack.drain()
    assert "Only the project's owner can change it." in _last_reply(fake_slack)["text"]
