"""The App Home tab for everyone: a new starter with nothing yet, a full year, an
appraiser of 30 (paged, each row opening the person's record), school and trust
leaders' follow-up lists, and someone not on the roster. Every view is checked
against Slack's limits."""

from __future__ import annotations

import json

import pytest

from messages.ids import HomeIds, ObjectivesIds
from messages.limits import view_problems
from storage.models import LeaderScope
from tests.factories import add_staff, person
from tests.year_data import MARCH, full_year

pytestmark = pytest.mark.usefixtures("school")


def open_home(slack, fake_slack, user: str) -> dict:
    slack.event({"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"})
    slack.drain()
    call = fake_slack.calls_to("views.publish")[-1]
    assert call.params["user_id"] == user
    view = call.params["view"]
    assert view_problems(view) == []
    return view


def texts(view: dict) -> list[str]:
    found = []
    for block in view["blocks"]:
        if block.get("text"):
            found.append(block["text"]["text"])
        for element in block.get("elements", []):
            if element.get("type") == "mrkdwn":
                found.append(element["text"])
    return found


def shown(view: dict) -> str:
    return "\n".join(texts(view))


def buttons(view: dict) -> list[tuple[str, str]]:
    found = []
    for block in view["blocks"]:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("type") == "button":
                found.append((element["action_id"], element["value"]))
    return found


def test_a_new_starter_with_no_data(slack, fake_slack, clock):
    view = open_home(slack, fake_slack, "UBOB")
    text = shown(view)
    assert "*What you have to do*" in text
    assert "Write your three objectives for this year, by 15 October 2026." in text
    assert "Start this year's STAR project with `/star new`." in text
    assert "Not written yet: 1 your main role, 2 your STAR project, 3 leadership." in text
    assert "No STAR project this year yet" in text
    assert "No sheet filled in yet" in text
    assert "*Praise you received* (0 in all)\nNone yet." in text
    assert (ObjectivesIds.OPEN, "objectives_write") in buttons(view)
    assert "Your appraisees" not in text and "To follow up" not in text


def test_a_full_year(slack, fake_slack, deps, clock):
    full_year(deps)
    clock.now = MARCH
    view = open_home(slack, fake_slack, "UALICE")
    text = shown(view)
    assert "Use live marking in Year 9" in text
    assert ":handshake: Agreed by <@UAMIR> on 25 September 2026." in text
    assert "*Mid-year: On track* · Books show it working." in text
    assert "*T* · stage 1 of 6 (Choose an idea)" in text
    assert "baseline 62 · change +9.5 (+15.3%), improved" in text
    assert "Level reached: September 2, Mid-year 3 · Target by July: 4" in text
    assert "🟩🟩🟩⬜🟧🟧" in text  # level 3 in September: green to the gap, blank, then amber
    assert "<@UBOB>: Thank you for covering 9C at short notice" in text
    assert "<@UCAROL>, lesson on 23 November 2026: Calm start to the lesson" in text
    assert "NPQLT module 2: leading teams, 14 January 2027" in text
    assert (HomeIds.REPORT, str(person(deps.db, "UALICE").id)) in buttons(view)
    # Nothing owed about objectives once they are agreed: the ladder's Mid sheet is filled.
    assert "Write your three objectives" not in text


def test_an_appraiser_of_30_is_paged_and_opens_a_record(slack, fake_slack, deps, clock, school):
    full_year(deps)
    for n in range(28):
        add_staff(
            deps.db, f"Teacher {n:02d}", slack_user_id=f"UT{n:02d}", appraiser=school.appraiser
        )
    clock.now = MARCH
    view = open_home(slack, fake_slack, "UAMIR")
    assert len(view["blocks"]) <= 100
    text = shown(view)
    assert "Your appraisees (30)" in text
    rows = [b for b in view["blocks"] if b.get("block_id", "").startswith("team_")]
    assert len(rows) == 15
    alice = next(b for b in rows if b["text"]["text"].startswith("*<@UALICE>*"))
    assert alice["text"]["text"].split("\n")[1:] == [
        "Objectives: agreed, reviewed · Ladder: filled, level 3, at expected (3)",  # M3: level 3
        "STAR: stage 1, baseline taken · Visits 1 · Feedback 0 · Praise 1",
    ]
    bob = next(b for b in rows if b["text"]["text"].startswith("*<@UBOB>*"))
    assert "Objectives: not written" in bob["text"]["text"]
    assert "Praise 0 :bell:" in bob["text"]["text"]
    assert ":warning: Overdue: objectives not agreed" in bob["text"]["text"]

    more = next(v for a, v in buttons(view) if a.startswith(HomeIds.PAGE))
    slack.click(f"{HomeIds.PAGE}_team_1", more, user_id="UAMIR")
    slack.drain()
    second = fake_slack.calls_to("views.publish")[-1].params["view"]
    assert view_problems(second) == []
    names = [
        b["text"]["text"].split("*")[1]
        for b in second["blocks"]
        if b.get("block_id", "").startswith("team_")
    ]
    assert len(names) == 15 and "<@UALICE>" not in names

    slack.click(HomeIds.OPEN_RECORD, str(person(deps.db, "UALICE").id), user_id="UAMIR")
    slack.drain()
    record = fake_slack.calls_to("views.open")[-1].params["view"]
    assert view_problems(record) == []
    record_text = shown(record)
    assert "*<@UALICE>*\nSaltash Primary · M3" in record_text
    assert "Use live marking in Year 9" in record_text
    assert "Level reached: September 2, Mid-year 3" in record_text
    assert "kind" not in record_text and "baseline 62 (5 October 2026), final 71.5" in record_text
    assert "20 January 2027 by <@UAMIR> · written feedback to come" in record_text
    review = [
        e["text"]["text"]
        for b in record["blocks"]
        for e in b.get("elements", [])
        if e.get("action_id") == ObjectivesIds.REVIEW
    ]
    assert review == ["Review again at Mid-year"]  # reviewed on 10 February; may be redone


def test_a_record_is_refused_to_anyone_else(slack, fake_slack, deps, clock):
    full_year(deps)
    clock.now = MARCH
    slack.click(HomeIds.OPEN_RECORD, str(person(deps.db, "UALICE").id), user_id="UBOB")
    slack.drain()
    assert fake_slack.calls_to("views.open") == []  # nothing shown
    assert fake_slack.responses()[-1]["text"] == (
        "A person's record is seen only by them, their appraiser and their school's leaders."
    )


def test_a_school_leaders_follow_up_list(slack, fake_slack, deps, clock):
    full_year(deps)
    clock.now = MARCH
    view = open_home(slack, fake_slack, "UHEAD")
    text = shown(view)
    assert "To follow up" in text and "across the trust" not in text
    (school,) = [b for b in view["blocks"] if b.get("block_id", "").startswith("school_")]
    lines = school["text"]["text"].split("\n")
    assert lines[0] == "*Saltash Primary* (4 staff)"
    assert "• No lesson visit or feedback this term (3): <@UAMIR>, <@UBOB>, <@UCAROL>" in lines
    assert "• Written feedback overdue, by observer: <@UAMIR> (1)" in lines
    assert "• Objectives not agreed (3): <@UAMIR>, <@UBOB>, <@UCAROL>" in lines
    assert any(
        line.startswith("• Ladder sheet not filled in this checkpoint (3)") for line in lines
    )
    # Hannah appraises Amir and Carol: her own rows too.
    assert "Your appraisees (2)" in text

    slack.click(HomeIds.FOLLOW_UP, "Saltash Primary", user_id="UHEAD")
    slack.drain()
    modal = fake_slack.calls_to("views.open")[-1].params["view"]
    assert view_problems(modal) == []
    assert "*Objectives not agreed* (3)\n<@UAMIR>, <@UBOB>, <@UCAROL>" in shown(modal)

    slack.click(HomeIds.FOLLOW_UP, "Another School", user_id="UHEAD")
    slack.drain()
    assert (
        fake_slack.responses()[-1]["text"]
        == "You can follow up only the staff of the school you lead."
    )


def test_a_trust_leaders_list_is_by_school_and_paged(slack, fake_slack, deps, clock, school):
    ceo = add_staff(
        deps.db,
        "Chris",
        slack_user_id="UCEO",
        role="leader",
        grade="Head",
        leader=LeaderScope.TRUST,
    )
    for n in range(9):
        add_staff(
            deps.db, f"Staff {n}", slack_user_id=f"US{n}", school=f"School {n}", appraiser=ceo
        )
    clock.now = MARCH
    view = open_home(slack, fake_slack, "UCEO")
    text = shown(view)
    assert "To follow up across the trust" in text
    schools = [b for b in view["blocks"] if b.get("block_id", "").startswith("school_")]
    assert [s["text"]["text"].split("*")[1] for s in schools] == [
        "Saltash Primary",
        "School 0",
        "School 1",
        "School 2",
        "School 3",
        "School 4",
    ]
    assert "Page 1 of 2 (10 schools)" in text
    assert len(view["blocks"]) <= 100


def test_someone_not_on_the_roster_is_asked_to_ask_their_admin(slack, fake_slack):
    view = open_home(slack, fake_slack, "UVISITOR")
    assert len(view["blocks"]) == 2
    assert "Please ask your IT admin to add you" in shown(view)


def test_the_messages_tab_publishes_nothing(slack, fake_slack):
    slack.event({"type": "app_home_opened", "user": "UBOB", "channel": "D1", "tab": "messages"})
    slack.drain()
    assert fake_slack.calls_to("views.publish") == []


def test_a_training_write_up_from_the_home(slack, fake_slack, clock):
    slack.click(HomeIds.TRAINING, "add", user_id="UBOB")
    slack.drain()
    modal = fake_slack.calls_to("views.open")[-1].params["view"]
    assert view_problems(modal) == []

    def values(title, day, learned):
        return {
            HomeIds.TRAINING_TITLE_BLOCK: {
                HomeIds.INPUT: {"type": "plain_text_input", "value": title}
            },
            HomeIds.TRAINING_DATE_BLOCK: {
                HomeIds.INPUT: {"type": "datepicker", "selected_date": day}
            },
            HomeIds.TRAINING_LEARNED_BLOCK: {
                HomeIds.INPUT: {"type": "plain_text_input", "value": learned}
            },
        }

    refused = slack.view_submission(modal, values("", "2027-01-01", "x"), user_id="UBOB").json()
    assert refused["errors"] == {
        HomeIds.TRAINING_TITLE_BLOCK: "Name the training.",
        HomeIds.TRAINING_DATE_BLOCK: (
            "Write the training up once it has happened: the date is in the future."
        ),
    }
    response = slack.view_submission(
        modal, values("Coaching with GROW", "2026-11-02", "Ask before telling."), user_id="UBOB"
    )
    slack.drain()
    assert response.status_code == 200 and response.text == ""
    home = fake_slack.calls_to("views.publish")[-1].params["view"]  # refreshed
    assert "Coaching with GROW, 2 November 2026" in shown(home)


def test_the_home_is_refreshed_when_objectives_change(slack, fake_slack, clock):
    from tests.test_objectives import SEPTEMBER, write

    clock.now = SEPTEMBER
    write(slack, fake_slack)
    published = {c.params["user_id"] for c in fake_slack.calls_to("views.publish")}
    assert published == {"UALICE", "UAMIR"}
    amir = [c for c in fake_slack.calls_to("views.publish") if c.params["user_id"] == "UAMIR"][-1]
    assert "Agree objectives: <@UALICE>." in shown(amir.params["view"])


def test_the_home_and_record_at_their_extremes_stay_within_slacks_limits(
    slack, fake_slack, deps, clock
):
    from bot.objectives.review import ReviewObjectives
    from bot.objectives.training import AddTraining
    from bot.objectives.write import Draft, WriteObjectives
    from tests.year_data import at

    longest = "&<>" * 500  # 1,500 typed characters, each escaping to several
    alice = person(deps.db, "UALICE")
    common = {"db": deps.db, "framework": deps.framework, "calendar": deps.calendar}
    done = WriteObjectives(
        **common,
        person=alice,
        draft=Draft(longest, longest, longest, ["QE2", "UR3", "ES1", "ES2"], 10),
        now=at(MARCH.date()),
    )()
    from bot.objectives.agree import agree

    agree(
        **common,
        appraiser=person(deps.db, "UAMIR"),
        set_id=done.view.set_id,
        version=done.view.version,
        now=at(MARCH.date()),
    )
    ReviewObjectives(
        **common,
        appraiser=person(deps.db, "UAMIR"),
        set_id=done.view.set_id,
        checkpoint="mid",
        statuses={1: "needs_support", 2: "needs_support", 3: "needs_support"},
        comments={1: longest, 2: longest, 3: longest},
        now=at(MARCH.date()),
    )()
    for _ in range(7):
        AddTraining(
            db=deps.db,
            calendar=deps.calendar,
            person=alice,
            title="&<>" * 50,
            taken_on=MARCH.date(),
            learned="&<>" * 1000,
            now=MARCH,
        )()
    for _ in range(4):
        slack.command("/commend", f"<@UALICE> {'&<>' * 990}", user_id="UBOB")
    clock.now = MARCH
    open_home(slack, fake_slack, "UALICE")  # checked against the limits there
    slack.click(HomeIds.OPEN_RECORD, str(alice.id), user_id="UAMIR")
    slack.drain()
    assert view_problems(fake_slack.calls_to("views.open")[-1].params["view"]) == []
    from messages.limits import message_problems

    for call in fake_slack.calls_to("chat.postMessage"):
        assert message_problems(call.params) == []


def test_agreeing_in_a_record_shows_the_record_agreed(slack, fake_slack, deps, clock):
    from urllib.parse import urlencode

    from tests.test_objectives import SEPTEMBER, write

    clock.now = SEPTEMBER
    write(slack, fake_slack)  # Alice writes; Amir opens her record from his Home
    slack.click(HomeIds.OPEN_RECORD, str(person(deps.db, "UALICE").id), user_id="UAMIR")
    slack.drain()
    opened = fake_slack.calls_to("views.open")[-1]
    record, view_id = opened.params["view"], opened.answer["view"]["id"]
    (agree,) = [v for a, v in buttons(record) if a == ObjectivesIds.AGREE]
    payload = {  # the button pressed inside the modal: no response_url, the view instead
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": "UAMIR", "team_id": "T1"},
        "api_app_id": "A1",
        "trigger_id": "3.4.5",
        "container": {"type": "view", "view_id": view_id},
        "view": {**record, "id": view_id, "type": "modal"},
        "actions": [{"type": "button", "action_id": ObjectivesIds.AGREE, "value": agree}],
    }
    assert slack.post(urlencode({"payload": json.dumps(payload)})).status_code == 200
    slack.drain()
    (update,) = fake_slack.calls_to("views.update")
    assert update.params["view_id"] == view_id
    assert view_problems(update.params["view"]) == []
    assert ":handshake: Agreed by <@UAMIR> on 21 September 2026." in shown(update.params["view"])
    agreed = [m for m in fake_slack.messages_to("UALICE") if "agreed your objectives" in m["text"]]
    assert len(agreed) == 1


@pytest.mark.parametrize(
    ("submitted", "confirmed", "next_step"),
    [
        (False, False, "Next: evaluate it with your appraiser."),
        (True, False, "Next: your appraiser has your evaluation to confirm."),
        (True, True, "Next: move on to stage 6 (Share): your evaluation is confirmed."),
    ],
)
def test_the_star_projects_next_step_follows_its_evaluation(
    slack, fake_slack, deps, clock, submitted, confirmed, next_step
):
    from datetime import date, timedelta

    from sqlalchemy import text as sql

    from tests.factories import start_star_project

    start_star_project(deps, "UBOB", date(2026, 9, 14), date(2027, 3, 26), clock.now)
    with deps.db.session() as session:
        session.execute(
            sql(
                "UPDATE star_project SET stage = 5, evaluation_submitted_at = :s, evaluated_at = :c"
            ),
            {
                "s": clock.now - timedelta(days=2) if submitted else None,
                "c": clock.now - timedelta(days=1) if confirmed else None,
            },
        )
    assert next_step in shown(open_home(slack, fake_slack, "UBOB"))
