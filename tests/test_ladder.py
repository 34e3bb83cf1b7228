"""/ladder end to end: the sheet filled level by level as Slack sends it, what is
stored and shown, the appraiser's DM, who may view a sheet, and closed windows."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from bot.ladder import sheets as ladder_sheets
from messages.ids import LadderIds as Ids
from messages.limits import message_problems, view_problems
from storage.models import LeaderScope, Staff
from storage.outbox import count_by_status
from tests.conftest import LONDON
from tests.factories import add_staff

COUNTS = [5, 4, 6, 6, 11, 13, 15, 15]
SEPTEMBER = datetime(2026, 9, 15, 10, 0, tzinfo=LONDON)
GREEN, AMBER, BLANK = ":large_green_square:", ":large_orange_square:", ":white_large_square:"


@pytest.fixture
def uma(database, fake_slack, school):
    """A teacher on UPS1 (expected level 4: "leads a PLC"), appraised by Amir."""
    person = add_staff(
        database, "Uma", slack_user_id="UUMA", grade="UPS1", appraiser=school.appraiser
    )
    fake_slack.add_user("UUMA", person.email)
    return person


def ticks(*answers: bool, higher: bool = False) -> dict:
    values = {
        f"{Ids.STATEMENT_BLOCK_PREFIX}{index}": {
            Ids.INPUT: {
                "type": "checkboxes",
                "selected_options": [
                    {"value": "true", "text": {"type": "plain_text", "text": "True"}}
                ]
                if answer
                else [],
            }
        }
        for index, answer in enumerate(answers, 1)
    }
    if higher:
        values[Ids.HIGHER_BLOCK] = {
            Ids.INPUT: {"type": "checkboxes", "selected_options": [{"value": "higher"}]}
        }
    return values


def target(level) -> dict:
    return {
        Ids.TARGET_BLOCK: {
            Ids.INPUT: {"type": "static_select", "selected_option": {"value": str(level)}}
        }
    }


def _start(slack, fake_slack, user_id="UUMA"):
    slack.command("/ladder", "", user_id=user_id)
    slack.drain()
    return fake_slack.calls_to("views.open")[-1].params["view"]


def _fill(slack, view, levels, user_id="UUMA", higher=False):
    """Submit each level's ticks; returns the last answer (the finish view's update)."""
    answer = None
    for number, level_ticks in enumerate(levels, 1):
        response = slack.view_submission(
            view, ticks(*level_ticks, higher=higher and number == 5), user_id=user_id
        )
        assert response.status_code == 200
        answer = response.json()
        assert answer["response_action"] == "update", answer
        view = answer["view"]
        assert view_problems(view) == []
    return answer


def _texts(blocks) -> str:
    return json.dumps(blocks, ensure_ascii=False)


# The example: levels 1-2 held, level 3 statements 1, 2, 3 and 5, nothing at 4-5.
BOB = [[True] * 5, [True] * 4, [True, True, True, False, True, False], [False] * 6, [False] * 11]


@pytest.fixture
def bob_ups1(database, school):
    """Bob, promoted to UPS1."""
    with database.session() as session:
        bob = session.get(Staff, school.bob.id)
        bob.grade = "UPS1"
        session.add(bob)
    return school.bob


@pytest.mark.usefixtures("bob_ups1")
def test_bob_sees_his_blanks_as_development_points(slack, fake_slack, clock, export):
    """Done when: bob (UPS1) who holds levels 1-2 and level 3 statements 1, 2, 3 and 5
    sees level 3 as green, green, green, blank, amber, blank; reached 2, expected 4,
    below it; level 3's two blanks listed as his next development points."""
    clock.now = SEPTEMBER
    view = _start(slack, fake_slack, "UBOB")
    finish = _fill(slack, view, BOB, "UBOB")["view"]
    shown = _texts(finish)
    assert "You are working at level 2 (Reliable team role)" in shown
    assert "*Your next development points* (level 3)" in shown
    assert "• 4. Understands the 'pocket guide' page of the SDP (School Development Plan)" in shown
    assert (
        "• 6. Professionally coaches/supports all staff towards the same level 3 standard" in shown
    )
    assert "And 17 more at higher levels" in shown
    assert (
        "The level expected for your grade is 4: you are below it, in the red area: you will be "
        "given support to improve rapidly." in shown
    )
    assert "*3* " + GREEN * 3 + BLANK + AMBER + BLANK in shown

    slack.view_submission(finish, target(3), user_id="UBOB")
    slack.drain()

    (mine,) = fake_slack.messages_to("UBOB")
    assert message_problems(mine) == []
    assert mine["text"].startswith(
        "Your September ladder sheet for 2026-27 is saved. Level reached: September: level 2. "
        "Target by July: level 3 (Develops ideas). Expected for your grade: level 4 (you are "
        "below it"
    )
    level_3 = next(
        b for b in mine["blocks"] if b["text"]["text"].startswith("*3 · Develops ideas*")
    )
    assert level_3["text"]["text"].split("\n")[1] == (
        "*Sep* " + GREEN * 3 + BLANK + AMBER + BLANK + "   *Mid* \N{EN DASH}   *Jul* \N{EN DASH}"
    )
    points = next(b for b in mine["blocks"] if "next development points" in b["text"]["text"])
    assert points["text"]["text"].splitlines()[1:3] == [
        "• 4. Understands the 'pocket guide' page of the SDP (School Development Plan)",
        "• 6. Professionally coaches/supports all staff towards the same level 3 standard",
    ]
    (to_appraiser,) = fake_slack.messages_to("UAMIR")
    assert message_problems(to_appraiser) == []
    assert "Expected for their grade: level 4 (they are below it" in to_appraiser["text"]
    assert "Their next development points" in _texts(to_appraiser["blocks"])
    assert "• 4. Understands the 'pocket guide' page" in _texts(to_appraiser["blocks"])

    (sheet,) = export("bob@school.example")["ladder"]
    assert (sheet["checkpoint"], sheet["level_reached"], sheet["expected_level"]) == ("sep", 2, 4)
    level3 = [(s["held"], s["rag"]) for s in sheet["statements"] if s["level"] == 3]
    assert level3 == [
        (True, "green"),
        (True, "green"),
        (True, "green"),
        (False, "blank"),
        (True, "amber"),
        (False, "blank"),
    ]
    assert {(s["held"], s["rag"]) for s in sheet["statements"] if s["level"] >= 6} == {
        (None, "blank")
    }
    assert len(sheet["statements"]) == 75


@pytest.mark.usefixtures("uma")
def test_levels_1_to_5_are_asked_in_full_whatever_is_ticked(slack, fake_slack, clock, export):
    clock.now = SEPTEMBER
    view = _start(slack, fake_slack)
    assert view["callback_id"] == Ids.LEVEL_MODAL
    assert view_problems(view) == []
    assert view["blocks"][1]["text"]["text"] == "Level 1: Self-led reliability"
    assert "Supporting the Team by Being Reliable" in view["blocks"][2]["text"]["text"]
    assert "• Complete tasks reliably to a deadline" in view["blocks"][2]["text"]["text"]
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert len(labels) == 5
    assert labels[0].startswith("1. Take personal responsibility for meeting deadlines.")
    assert "September checkpoint 2026-27 · level 1 of 5" in view["blocks"][0]["elements"][0]["text"]

    steps = []
    for level_ticks in [[False] * n for n in COUNTS[:5]]:  # not one statement true
        answer = slack.view_submission(view, ticks(*level_ticks), user_id="UUMA").json()
        view = answer["view"]
        steps.append(view["callback_id"])
    assert steps == [Ids.LEVEL_MODAL] * 4 + [Ids.FINISH_MODAL]
    slack.view_submission(view, target(1), user_id="UUMA")
    slack.drain()
    (sheet,) = export("uma@school.example")["ladder"]
    assert sheet["level_reached"] == 0
    assert [s["held"] for s in sheet["statements"]][:32] == [False] * 32
    assert [s["held"] for s in sheet["statements"]][32:] == [None] * 43


@pytest.mark.usefixtures("uma")
def test_going_on_to_levels_6_to_8_by_choice(slack, fake_slack, clock):
    clock.now = SEPTEMBER
    view = _start(slack, fake_slack)
    for level_ticks in [[True] * n for n in COUNTS[:4]]:
        view = slack.view_submission(view, ticks(*level_ticks), user_id="UUMA").json()["view"]
    assert any(b.get("block_id") == Ids.HIGHER_BLOCK for b in view["blocks"])  # on level 5
    assert view["submit"]["text"] == "Next"
    answer = slack.view_submission(view, ticks(*[True] * 11, higher=True), user_id="UUMA")
    view = answer.json()["view"]
    assert view["blocks"][1]["text"]["text"] == "Level 6: Multiple team building"
    assert "level 6 of 8" in view["blocks"][0]["elements"][0]["text"]


@pytest.mark.usefixtures("uma")
def test_without_choosing_levels_6_to_8_the_sheet_ends_at_level_5(slack, fake_slack, clock):
    clock.now = SEPTEMBER
    finish = _fill(slack, _start(slack, fake_slack), [[True] * n for n in COUNTS[:5]])["view"]
    assert finish["callback_id"] == Ids.FINISH_MODAL
    shown = _texts(finish)
    assert "You are working at level 5 (Responsibility for a team)" in shown
    assert "The higher sheets were not asked this time." in shown
    assert "*6* not asked" in shown
    assert "you are beyond it, in the green area" in shown


def test_an_expected_level_of_6_asks_every_sheet(slack, fake_slack, database, school, clock):
    add_staff(database, "Tess", slack_user_id="UTESS", grade="TLR1", appraiser=school.head)
    clock.now = SEPTEMBER
    view = _start(slack, fake_slack, "UTESS")
    assert "level 1 of 8" in view["blocks"][0]["elements"][0]["text"]
    finish = _fill(slack, view, [[True] * n for n in COUNTS], "UTESS")["view"]
    assert "Every statement of levels 1 to 8 is true of you" in _texts(finish)
    assert finish["blocks"][-1]["element"]["initial_option"]["value"] == "8"
    assert "*Level 9 · Build strategic capacity* (no sheet): Must involve members of staff " in (
        _texts(finish)
    )


@pytest.mark.usefixtures("uma")
def test_filling_again_in_the_window_replaces_the_sheet(slack, fake_slack, deps, clock, export):
    clock.now = SEPTEMBER
    slack.view_submission(
        _fill(slack, _start(slack, fake_slack), BOB)["view"], target(3), user_id="UUMA"
    )
    slack.drain()
    clock.now = datetime(2026, 10, 1, 9, 0, tzinfo=LONDON)
    again = _start(slack, fake_slack)
    ticked = [bool(b["element"].get("initial_options")) for b in again["blocks"][3:]]
    assert ticked == [True] * 5  # it starts from what was answered before
    all_levels = [[True] * n for n in COUNTS[:4]] + [[False] + [True] * 10]
    slack.view_submission(_fill(slack, again, all_levels)["view"], target(5), user_id="UUMA")
    slack.drain()
    sheets = export("uma@school.example")["ladder"]
    assert [(s["checkpoint"], s["level_reached"], s["target_level"]) for s in sheets] == [
        ("sep", 4, 5)
    ]


@pytest.mark.usefixtures("uma")
def test_mid_year_sheet_keeps_the_september_target(slack, fake_slack, deps, clock, export):
    clock.now = SEPTEMBER
    slack.view_submission(
        _fill(slack, _start(slack, fake_slack), BOB)["view"], target(3), user_id="UUMA"
    )
    slack.drain()
    clock.now = datetime(2027, 2, 10, 9, 0, tzinfo=LONDON)
    mid_view = _start(slack, fake_slack)
    for count in COUNTS[:2]:  # levels 1 and 2, pre-ticked from September, sent as they are
        assert all(b["element"].get("initial_options") for b in mid_view["blocks"][3:])
        answer = slack.view_submission(mid_view, ticks(*[True] * count), user_id="UUMA")
        mid_view = answer.json()["view"]
    ticked = [bool(b["element"].get("initial_options")) for b in mid_view["blocks"][3:]]
    assert ticked == [True, True, True, False, True, False]
    finish = _fill(slack, mid_view, [[True] * 6, [False] * 6, [False] * 11])["view"]
    assert not any(
        b.get("block_id") == Ids.TARGET_BLOCK for b in finish["blocks"]
    )  # set in September
    slack.view_submission(finish, {}, user_id="UUMA")
    slack.drain()
    mid = fake_slack.messages_to("UUMA")[-1]
    assert (
        "Level reached: September: level 2, Mid-year: level 3. Target by July: level 3"
        in mid["text"]
    )
    assert "(you are just below it, where someone new to a role may start" in mid["text"]
    sheets = export("uma@school.example")["ladder"]
    assert [(s["checkpoint"], s["level_reached"], s["target_level"]) for s in sheets] == [
        ("sep", 2, 3),
        ("mid", 3, None),
    ]


@pytest.mark.usefixtures("uma")
def test_a_sheet_left_open_until_the_window_closes_is_not_saved(slack, fake_slack, deps, clock):
    clock.now = datetime(2026, 10, 15, 16, 0, tzinfo=LONDON)
    finish = _fill(slack, _start(slack, fake_slack), BOB)["view"]
    clock.now = datetime(2026, 10, 16, 8, 0, tzinfo=LONDON)

    answer = slack.view_submission(finish, target(3), user_id="UUMA").json()

    assert answer["response_action"] == "update"
    assert (
        "The September checkpoint for 2026-27 has closed, so this sheet was not saved."
        in json.dumps(answer["view"])
    )
    slack.drain()
    assert fake_slack.calls_to("chat.postMessage") == []
    with deps.db.session() as session:
        assert count_by_status(session=session) == {}
    assert [p.name for p in ladder_sheets.missing(db=deps.db, year="2026-27", checkpoint="sep")][
        -1
    ] == "Uma"


@pytest.mark.usefixtures("uma")
@pytest.mark.parametrize("forged", ["0", "11"])
def test_target_outside_1_to_10_is_refused(slack, fake_slack, deps, clock, forged):
    clock.now = SEPTEMBER
    finish = _fill(slack, _start(slack, fake_slack), BOB)["view"]
    answer = slack.view_submission(finish, target(forged), user_id="UUMA").json()
    assert answer == {
        "response_action": "errors",
        "errors": {Ids.TARGET_BLOCK: "Choose a level from 1 to 10 to aim for."},
    }
    assert ladder_sheets.missing(db=deps.db, year="2026-27", checkpoint="sep")[-1].name == "Uma"


@pytest.mark.usefixtures("uma")
def test_outside_a_window_says_when_the_next_opens_and_shows_the_last_sheet(
    slack, fake_slack, clock
):
    clock.now = SEPTEMBER
    slack.view_submission(
        _fill(slack, _start(slack, fake_slack), BOB)["view"], target(3), user_id="UUMA"
    )
    slack.drain()
    clock.now = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
    opened = len(fake_slack.calls_to("views.open"))

    slack.command("/ladder", "", user_id="UUMA")
    slack.drain()

    assert len(fake_slack.calls_to("views.open")) == opened
    reply = fake_slack.responses()[-1]
    assert reply["response_type"] == "ephemeral"
    assert message_problems(reply) == []
    assert reply["blocks"][0]["text"]["text"] == (
        "No ladder checkpoint is open now. The Mid-year checkpoint opens on 1 February 2027 and "
        "closes on 15 March 2027."
    )
    assert "Level reached: September: level 2" in reply["text"]


def test_outside_a_window_with_no_sheet_yet(slack, fake_slack, school):
    slack.command("/ladder", "", user_id="UBOB")
    slack.drain()
    assert fake_slack.responses()[-1]["text"].startswith("No ladder checkpoint is open now.")


def test_a_grade_not_in_the_table_gets_no_expected_level(
    slack, fake_slack, database, school, clock
):
    add_staff(database, "Zed", slack_user_id="UZED", grade="Z9", appraiser=school.appraiser)
    clock.now = SEPTEMBER
    finish = _fill(slack, _start(slack, fake_slack, "UZED"), BOB, "UZED")["view"]
    assert "Your grade is not in the trust's table, so no expected level is shown." in json.dumps(
        finish
    )
    slack.view_submission(finish, target(2), user_id="UZED")
    slack.drain()
    assert "Their grade is not in the trust's table" in fake_slack.messages_to("UAMIR")[-1]["text"]


# --- who may see a sheet -------------------------------------------------------------


@pytest.fixture
def uma_filled(slack, fake_slack, clock, uma):
    clock.now = SEPTEMBER
    slack.view_submission(
        _fill(slack, _start(slack, fake_slack), BOB)["view"], target(3), user_id="UUMA"
    )
    slack.drain()
    return uma


@pytest.mark.usefixtures("uma_filled")
@pytest.mark.parametrize(
    ("viewer", "who"),
    [
        ("UAMIR", "her appraiser"),
        ("UHEAD", "her school's leader"),
        ("UTRUST", "a trust leader"),
        ("UUMA", "herself"),
    ],
)
def test_sheet_is_shown_to_appraiser_and_leaders(slack, fake_slack, database, viewer, who):
    add_staff(
        database, "Tara", slack_user_id="UTRUST", school="Trust office", leader=LeaderScope.TRUST
    )
    slack.command("/ladder", "<@UUMA|uma>", user_id=viewer)
    slack.drain()
    reply = fake_slack.responses()[-1]
    assert reply["response_type"] == "ephemeral"
    assert message_problems(reply) == []
    assert reply["text"].startswith(
        "<@UUMA>'s ladder sheets for 2026-27. Level reached: September: level 2"
    ), who


@pytest.mark.usefixtures("uma_filled")
@pytest.mark.parametrize(
    ("viewer", "text", "reply"),
    [
        ("UALICE", "<@UUMA>", "A ladder sheet is seen only by the person, their appraiser and"),
        ("UOTHERHEAD", "<@UUMA>", "A ladder sheet is seen only by the person"),
        ("UAMIR", "<@UVISITOR>", "<@UVISITOR> is not on the staff roster"),
        ("UAMIR", "<@UUMA> <@UBOB>", "Use `/ladder`"),
        ("UVISITOR", "<@UUMA>", "You are not on the staff roster"),
    ],
)
def test_sheet_is_refused_to_everyone_else(slack, fake_slack, database, viewer, text, reply):
    add_staff(
        database,
        "Otto",
        slack_user_id="UOTHERHEAD",
        school="Looe Primary",
        leader=LeaderScope.SCHOOL,
    )
    slack.command("/ladder", text, user_id=viewer)
    slack.drain()
    answer = fake_slack.responses()[-1]
    assert reply in answer["text"]
    assert "level 2" not in json.dumps(answer)


def test_who_has_not_completed_a_checkpoint(slack, fake_slack, deps, uma_filled):
    missing = ladder_sheets.missing(db=deps.db, year="2026-27", checkpoint="sep")
    assert "Uma" not in [p.name for p in missing]
    assert {p.name for p in missing} == {"Hannah", "Amir", "Alice", "Bob", "Carol"}
    assert len(ladder_sheets.missing(db=deps.db, year="2026-27", checkpoint="mid")) == 6


@pytest.mark.usefixtures("uma")
def test_the_reminders_button_opens_the_sheet(slack, fake_slack, clock):
    from messages.ids import LadderIds

    clock.now = SEPTEMBER
    slack.click(LadderIds.OPEN_SHEET, "open", user_id="UUMA")
    slack.drain()
    view = fake_slack.calls_to("views.open")[-1].params["view"]
    assert view["callback_id"] == Ids.LEVEL_MODAL
    assert view["blocks"][1]["text"]["text"] == "Level 1: Self-led reliability"

    clock.now = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)  # pressed after the window closed
    slack.click(LadderIds.OPEN_SHEET, "open", user_id="UUMA")
    slack.drain()
    assert fake_slack.responses()[-1]["text"].startswith("No ladder checkpoint is open now.")


@pytest.mark.usefixtures("uma")
@pytest.mark.parametrize(
    ("metadata", "answer"),
    [
        # answers not as the form writes them, or a level of the wrong length: refused
        ({"cp": "sep", "year": "2026-27", "answers": ["11x11"]}, "errors"),
        ({"cp": "sep", "year": "2026-27", "answers": ["111"]}, "errors"),
        ({"cp": "sep", "year": "2026-27", "answers": ["1" * 5] * 5}, "errors"),  # all asked
        # a previous sheet altered: the next level simply starts with nothing ticked
        ({"cp": "sep", "year": "2026-27", "answers": [], "prev": ["", "zz"]}, "update"),
    ],
)
def test_an_altered_sheet_is_refused_or_starts_afresh(slack, fake_slack, clock, metadata, answer):
    clock.now = SEPTEMBER
    view = {**_start(slack, fake_slack), "private_metadata": json.dumps(metadata)}
    reply = slack.view_submission(view, ticks(*[True] * 5), user_id="UUMA").json()
    assert reply["response_action"] == answer
    if answer == "update":
        assert not any(b.get("element", {}).get("initial_options") for b in reply["view"]["blocks"])
