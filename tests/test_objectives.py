"""/objectives end to end, as Slack sends it: a teacher writes three objectives, her
appraiser agrees them from a DM (the version the button carries is compare-and-set),
reviews them at an optional January check point, at Mid-year and at the final review;
who may see them; bad input; the export."""

from __future__ import annotations

import json
from datetime import datetime

import jsonschema
import pytest

from bot.core.framework import load_framework
from bot.core.framework_parts import Checkpoint
from messages.ids import ObjectivesIds as Ids
from messages.limits import message_problems, view_problems
from tests.conftest import LONDON
from tests.test_export_schema import SCHEMA

SEPTEMBER = datetime(2026, 9, 21, 10, 0, tzinfo=LONDON)
JANUARY = datetime(2027, 1, 12, 10, 0, tzinfo=LONDON)
FEBRUARY = datetime(2027, 2, 10, 10, 0, tzinfo=LONDON)
JULY = datetime(2027, 7, 6, 10, 0, tzinfo=LONDON)
MAIN_ROLE = "Use live marking in Year 9 so feedback lands in the lesson."
STAR_HOPE = "That live marking raises the share of pupils acting on feedback."
LEADERSHIP = "Coach the two new TAs in my team on behaviour routines."


@pytest.fixture(scope="module")
def framework():
    """SMART's framework with SHARE's optional January and May PDP check points (§7.4)."""
    base = load_framework()
    extra = [
        Checkpoint.model_validate(
            {"key": "jan", "name": "January", "opens": "01-04", "closes": "01-22", "optional": True}
        ),
        Checkpoint.model_validate(
            {"key": "may", "name": "May", "opens": "05-04", "closes": "05-21", "optional": True}
        ),
    ]
    return base.model_copy(update={"checkpoints": [*base.checkpoints, *extra]})


pytestmark = pytest.mark.usefixtures("school")


def shown_text(message) -> str:
    return json.dumps(message, ensure_ascii=False)


def _text(value: str) -> dict:
    return {Ids.INPUT: {"type": "plain_text_input", "value": value}}


def _choice(value: str | None) -> dict:
    option = {"value": value, "text": {"type": "plain_text", "text": value}} if value else None
    return {Ids.INPUT: {"type": "static_select", "selected_option": option}}


def objectives_values(
    main=MAIN_ROLE, star=STAR_HOPE, leadership=LEADERSHIP, standards=("QE2", "UR3"), target="4"
) -> dict:
    return {
        f"{Ids.TEXT_BLOCK_PREFIX}1": _text(main),
        Ids.STANDARDS_BLOCK: {
            Ids.INPUT: {
                "type": "multi_static_select",
                "selected_options": [{"value": code} for code in standards],
            }
        },
        f"{Ids.TEXT_BLOCK_PREFIX}2": _text(star),
        Ids.TARGET_BLOCK: _choice(target),
        f"{Ids.TEXT_BLOCK_PREFIX}3": _text(leadership),
    }


def open_form(slack, fake_slack, user="UALICE"):
    slack.command("/objectives", "", user_id=user)
    slack.drain()
    view = fake_slack.calls_to("views.open")[-1].params["view"]
    assert view_problems(view) == []
    return view


def write(slack, fake_slack, user="UALICE", **values):
    view = open_form(slack, fake_slack, user)
    assert view["callback_id"] == Ids.MODAL
    response = slack.view_submission(view, objectives_values(**values), user_id=user)
    slack.drain()
    return response


def buttons(message) -> dict[str, str]:
    found = {}
    for block in message["blocks"]:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("type") == "button":
                found[element["action_id"]] = element["value"]
    return found


def review_values(statuses: dict[int, str], comments: dict[int, str]) -> dict:
    values = {}
    for number, status in statuses.items():
        values[f"{Ids.STATUS_BLOCK_PREFIX}{number}"] = {
            Ids.INPUT: {"type": "radio_buttons", "selected_option": {"value": status}}
        }
        values[f"{Ids.REVIEW_COMMENT_PREFIX}{number}"] = _text(comments.get(number, ""))
    return values


def review(slack, fake_slack, set_id: str, statuses, comments, user="UAMIR"):
    slack.click(Ids.REVIEW, set_id, user_id=user)
    slack.drain()
    modal = fake_slack.calls_to("views.open")[-1].params["view"]
    assert modal["callback_id"] == Ids.REVIEW_MODAL
    assert view_problems(modal) == []
    response = slack.view_submission(modal, review_values(statuses, comments), user_id=user)
    slack.drain()
    return modal, response


def test_a_year_of_objectives_written_agreed_reviewed_and_exported(
    slack, fake_slack, clock, export
):
    clock.now = SEPTEMBER
    response = write(slack, fake_slack)
    assert response.status_code == 200 and response.text == ""

    (saved,) = fake_slack.messages_to("UALICE")
    assert message_problems(saved) == []
    assert saved["text"].startswith(
        "Your objectives for 2026-27 are saved and sent to your appraiser"
    )
    (to_agree,) = fake_slack.messages_to("UAMIR")
    assert message_problems(to_agree) == []
    assert to_agree["text"].startswith("<@UALICE> has written their objectives for 2026-27.")
    shown = shown_text(to_agree)
    assert MAIN_ROLE in shown and "Target by July:_ level 4" in shown
    # the standards by their names in the framework, to the appraiser and in her confirmation
    named = "_Standards:_ *QE2* Explaining clearly; *UR3* Response to feedback"
    assert named in shown and named in shown_text(saved)
    first_button = buttons(to_agree)[Ids.AGREE]

    # Alice changes objective 1 before Amir clicks: the old button shows the new version.
    write(slack, fake_slack, main="Live marking in Year 9 and Year 10.")
    slack.click(Ids.AGREE, first_button, user_id="UAMIR")
    slack.drain()
    changed = fake_slack.responses()[-1]
    assert changed["replace_original"] is True
    assert "changed their objectives after this message was sent" in changed["text"]
    assert "Live marking in Year 9 and Year 10." in shown_text(changed)
    assert not any("agreed your objectives" in m["text"] for m in fake_slack.messages_to("UALICE"))

    # The new version's button agrees it; a double click agrees once.
    second_button = buttons(changed)[Ids.AGREE]
    assert json.loads(second_button)["version"] == json.loads(first_button)["version"] + 1
    slack.click(Ids.AGREE, second_button, user_id="UAMIR")
    slack.click(Ids.AGREE, second_button, user_id="UAMIR")
    slack.drain()
    results = [r["text"] for r in fake_slack.responses()[-2:]]
    assert sorted(r.split(" ")[0] for r in results) == ["<@UALICE>'s", "You"]
    assert any(r.startswith("You agreed <@UALICE>'s objectives") for r in results)
    assert any("were already agreed" in r for r in results)
    agreed = [m for m in fake_slack.messages_to("UALICE") if "agreed your objectives" in m["text"]]
    assert len(agreed) == 1
    assert agreed[0]["text"].startswith("<@UAMIR> agreed your objectives for 2026-27.")

    # Agreed objectives are read only to Alice.
    view = open_form(slack, fake_slack)
    assert view["callback_id"] == Ids.VIEW_MODAL and "submit" not in view

    # January check point (optional): the appraiser reviews from `/objectives @alice`.
    clock.now = JANUARY
    slack.command("/objectives", "<@UALICE|alice>", user_id="UAMIR")
    slack.drain()
    shown = fake_slack.responses()[-1]
    assert message_problems(shown) == []
    set_id = buttons(shown)[Ids.REVIEW]
    modal, response = review(
        slack,
        fake_slack,
        set_id,
        {1: "on_track", 2: "needs_support", 3: "on_track"},
        {2: "Baseline?"},
    )
    assert response.status_code == 200 and response.text == ""
    assert modal["title"]["text"] == "January review"
    options = [o["value"] for o in modal["blocks"][2]["element"]["options"]]
    assert options == ["on_track", "needs_support", "met"]
    reviewed = fake_slack.messages_to("UALICE")[-1]
    assert message_problems(reviewed) == []
    assert reviewed["text"] == "<@UAMIR> reviewed your objectives at the January checkpoint."
    assert "*January: Needs support* · Baseline?" in shown_text(reviewed)

    # Mid-year review.
    clock.now = FEBRUARY
    review(slack, fake_slack, set_id, {1: "met", 2: "on_track", 3: "on_track"}, {1: "Done early."})
    assert "*Mid-year: Met* · Done early." in shown_text(fake_slack.messages_to("UALICE")[-1])

    # The final review offers only met / partly met / not met.
    clock.now = JULY
    modal, _ = review(slack, fake_slack, set_id, {1: "met", 2: "partly_met", 3: "not_met"}, {})
    options = [o["value"] for o in modal["blocks"][2]["element"]["options"]]
    assert options == ["met", "partly_met", "not_met"]

    record = export("alice@school.example")
    jsonschema.validate(record, json.loads(SCHEMA.read_text()))  # the published contract
    objectives = record["objectives"]
    assert [o["number"] for o in objectives] == [1, 2, 3]
    first = objectives[0]
    assert first["academic_year"] == "2026-27"
    assert first["text"] == "Live marking in Year 9 and Year 10."
    assert first["standards"] == ["QE2", "UR3"]
    assert first["agreed_at"].startswith("2026-09-21")
    assert first["agreed_by"] == "amir@school.example"
    assert [(r["checkpoint"], r["status"]) for r in first["reviews"]] == [
        ("jan", "on_track"),
        ("mid", "met"),
        ("jul", "met"),
    ]
    assert first["reviews"][1]["comment"] == "Done early."
    assert first["reviews"][1]["reviewed_by"] == "amir@school.example"
    assert objectives[2]["target_level"] == 4 and objectives[0]["target_level"] is None


def test_bad_input_is_shown_beside_its_field_and_nothing_is_stored(slack, fake_slack, clock):
    clock.now = SEPTEMBER
    response = write(
        slack, fake_slack, main="x" * 1501, star="", standards=("QE2", "NOPE"), target=None
    )
    errors = response.json()["errors"]
    assert errors[f"{Ids.TEXT_BLOCK_PREFIX}1"] == (
        "This is 1501 characters; please keep each objective to 1500."
    )
    assert errors[f"{Ids.TEXT_BLOCK_PREFIX}2"] == "Write your STAR project objective."
    assert errors[Ids.STANDARDS_BLOCK] == "'NOPE' is not one of your standards."
    assert errors[Ids.TARGET_BLOCK].startswith("Choose the ladder level you aim to reach")
    assert fake_slack.messages_to("UALICE") == fake_slack.messages_to("UAMIR") == []

    response = write(slack, fake_slack, standards=("QE2", "UR3", "ES1", "ES2", "ES3"))
    assert (
        response.json()["errors"][Ids.STANDARDS_BLOCK] == "You chose 5 standards; choose up to 4."
    )


def test_who_may_see_someones_objectives(slack, fake_slack, clock):
    clock.now = SEPTEMBER
    write(slack, fake_slack)
    slack.command("/objectives", "<@UALICE>", user_id="UBOB")  # a colleague: refused
    slack.command("/objectives", "<@UALICE>", user_id="UHEAD")  # her school's leader: shown
    slack.command("/objectives", "<@UVISITOR>", user_id="UAMIR")  # not on the roster
    slack.drain()
    replies = {r["text"] for r in fake_slack.responses()}
    assert (
        "A person's objectives are seen only by them, their appraiser and their school's leaders."
        in replies
    )
    assert "<@UVISITOR> is not on the staff roster." in replies
    head_view = next(r for r in fake_slack.responses() if r["text"].startswith("<@UALICE>'s"))
    assert MAIN_ROLE in shown_text(head_view)
    assert Ids.AGREE not in buttons(head_view)  # only the appraiser agrees


def test_only_the_appraiser_agrees_and_a_stale_button_is_refused(slack, fake_slack, clock):
    clock.now = SEPTEMBER
    write(slack, fake_slack)
    agree = buttons(fake_slack.messages_to("UAMIR")[-1])[Ids.AGREE]
    slack.click(Ids.AGREE, agree, user_id="UHEAD")
    slack.click(Ids.AGREE, "not json", user_id="UAMIR")
    slack.drain()
    texts = [r["text"] for r in fake_slack.responses()]
    assert ":warning: Only the person's appraiser can agree or review their objectives." in [
        r["blocks"][0]["text"]["text"] for r in fake_slack.responses()
    ]
    assert "That button or form is out of date. Please start again from the command." in texts


def test_lets_talk_first_then_the_person_changes_them(slack, fake_slack, clock):
    clock.now = SEPTEMBER
    write(slack, fake_slack)
    set_id = json.loads(buttons(fake_slack.messages_to("UAMIR")[-1])[Ids.AGREE])["set"]
    slack.click(Ids.TALK, str(set_id), user_id="UAMIR")
    slack.drain()
    modal = fake_slack.calls_to("views.open")[-1].params["view"]
    assert modal["callback_id"] == Ids.TALK_MODAL and view_problems(modal) == []
    slack.view_submission(
        modal, {Ids.COMMENT_BLOCK: _text("Can objective 3 name the teams?")}, user_id="UAMIR"
    )
    slack.drain()
    told = fake_slack.messages_to("UALICE")[-1]
    assert told["text"] == (
        "<@UAMIR> would like to talk about your objectives for 2026-27 before agreeing them."
    )
    assert "Can objective 3 name the teams?" in shown_text(told)
    form = open_form(slack, fake_slack)
    assert "Can objective 3 name the teams?" in shown_text(form)  # shown in her form


def test_reviews_wait_for_agreement_and_the_first_review_checkpoint(slack, fake_slack, clock):
    clock.now = SEPTEMBER
    write(slack, fake_slack)
    set_id = str(json.loads(buttons(fake_slack.messages_to("UAMIR")[-1])[Ids.AGREE])["set"])
    slack.click(Ids.REVIEW, set_id, user_id="UAMIR")
    slack.drain()
    assert fake_slack.responses()[-1]["text"] == (
        "These objectives are not agreed yet: agree them before reviewing them."
    )


def test_the_review_form_shown_to_the_appraiser_is_in_the_audit_log(slack, fake_slack, clock, deps):
    from bot.admin.audit import log

    clock.now = SEPTEMBER
    write(slack, fake_slack)
    slack.click(Ids.AGREE, buttons(fake_slack.messages_to("UAMIR")[-1])[Ids.AGREE], user_id="UAMIR")
    clock.now = JANUARY
    slack.command("/objectives", "<@UALICE|alice>", user_id="UAMIR")
    slack.drain()
    set_id = buttons(fake_slack.responses()[-1])[Ids.REVIEW]
    slack.click(Ids.REVIEW, set_id, user_id="UAMIR")
    slack.drain()
    assert fake_slack.calls_to("views.open")[-1].params["view"]["callback_id"] == Ids.REVIEW_MODAL
    entries = [(e.who, e.action, e.whose) for e in log(db=deps.db)]
    assert entries == [("amir@school.example", "view.objectives", "alice@school.example")] * 2


def test_the_form_names_the_agreement_date_only_until_it_has_passed(slack, fake_slack, clock):
    def intro(user="UALICE") -> tuple[str, str]:
        view = open_form(slack, fake_slack, user)
        return view["blocks"][0]["text"]["text"], view["submit"]["text"]

    clock.now = datetime(2026, 10, 15, 16, 0, tzinfo=LONDON)  # the last day
    assert intro() == (
        "Your three objectives for 2026-27. Your appraiser agrees them at your first appraisal "
        "meeting, by 15 October 2026; until then you can change them here.",
        "Send to appraiser",
    )
    clock.now = datetime(2026, 11, 16, 10, 0, tzinfo=LONDON)  # found in the year's trial
    assert intro() == (
        "Your three objectives for 2026-27. Your appraiser agrees them; until then you can "
        "change them here.",
        "Send to appraiser",
    )
    # Hannah, the head, has no appraiser on the roster: hers are for her own record.
    assert intro("UHEAD") == (
        "Your three objectives for 2026-27. You have no appraiser on the staff roster to agree "
        "them: they are for your own record, and you can change them here.",
        "Save",
    )
