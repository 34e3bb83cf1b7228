"""The appraisal year of a trust without a leadership ladder (SHARE MAT), through Slack's
request path: Alice writes her three objectives (objective 3 worded by SHARE's framework,
no ladder level asked), Amir asks to talk, agrees, reviews at each check point with
long comments; what each surface shows whole and what it shortens; the report and the
export. Also, for every built-in framework: how a review is titled."""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime

import jsonschema
import pytest
from pypdf import PdfReader

from bot.core.errors import InvalidInput
from bot.core.framework import BUILTIN_FRAMEWORKS, Framework, load_framework
from bot.objectives import rules
from messages import render
from messages.ids import HomeIds
from messages.ids import ObjectivesIds as Ids
from messages.limits import message_problems, view_problems
from tests.conftest import LONDON
from tests.test_export_schema import SCHEMA
from tests.test_objectives import _text, buttons, open_form, review_values, shown_text
from tests.test_report import PdfText, needs_pdf, uploaded
from tests.test_template_words import OBJECTIVE_STATES, _objectives, _record_of

SEPTEMBER = datetime(2026, 9, 21, 10, 0, tzinfo=LONDON)
JANUARY = datetime(2027, 1, 12, 10, 0, tzinfo=LONDON)
FEBRUARY = datetime(2027, 2, 10, 10, 0, tzinfo=LONDON)
MAY = datetime(2027, 5, 12, 10, 0, tzinfo=LONDON)
JULY = datetime(2027, 7, 6, 10, 0, tzinfo=LONDON)
MAIN_ROLE = "Use retrieval quizzes at the start of every Year 5 maths lesson."
STAR_HOPE = "That quizzes raise the share of pupils recalling last week's work."
LEADERSHIP = "Run the phase team's fortnightly behaviour huddle and share what works."
WORDS = (
    "Books show the quizzes are used in every lesson and pupils answer more confidently, "
    "though the weakest readers still need the questions read aloud to them, so plan "
    "for that with the teaching assistant and check again after half term. "
)
WHOLE = "`/objectives`"

in_school = pytest.mark.usefixtures("school")


@pytest.fixture(scope="module")
def framework() -> Framework:
    """This module's trust: SHARE MAT, whose framework has no leadership ladder."""
    return load_framework("share")


def comment(tag: str, length: int = rules.MAX_COMMENT) -> str:
    """A long comment in whole words that ends with `tag`, so that the end shows or not."""
    text = f"{tag} begins. "
    while len(text) < length - len(tag) - 2:
        text += WORDS
    return text[: length - len(tag) - 2].rsplit(" ", 1)[0] + " " + tag + "."


def values_for(view: dict, answers: dict[str, dict]) -> dict:
    """What Slack sends on submit: a value for each input block the form has, no other."""
    blocks = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    assert set(answers) <= set(blocks), set(answers) - set(blocks)
    return {block: answers[block] for block in blocks if block in answers}


def objectives_answers(main: str = MAIN_ROLE) -> dict[str, dict]:
    return {
        f"{Ids.TEXT_BLOCK_PREFIX}1": _text(main),
        Ids.STANDARDS_BLOCK: {
            Ids.INPUT: {
                "type": "multi_static_select",
                "selected_options": [{"value": "1"}, {"value": "4"}],
            }
        },
        f"{Ids.TEXT_BLOCK_PREFIX}2": _text(STAR_HOPE),
        f"{Ids.TEXT_BLOCK_PREFIX}3": _text(LEADERSHIP),
    }


def write(slack, fake_slack, main: str = MAIN_ROLE):
    form = open_form(slack, fake_slack)
    response = slack.view_submission(
        form, values_for(form, objectives_answers(main)), user_id="UALICE"
    )
    slack.drain()
    return form, response


def review(slack, fake_slack, set_id: str, comments: dict[int, str], final: bool = False):
    slack.click(Ids.REVIEW, set_id, user_id="UAMIR")
    slack.drain()
    modal = fake_slack.calls_to("views.open")[-1].params["view"]
    assert modal["callback_id"] == Ids.REVIEW_MODAL and view_problems(modal) == []
    status = "met" if final else "on_track"
    values = review_values(dict.fromkeys(rules.NUMBERS, status), comments)
    response = slack.view_submission(modal, values, user_id="UAMIR")
    slack.drain()
    assert response.status_code == 200 and response.text == ""
    return modal


def home_of(slack, fake_slack, user: str = "UALICE") -> dict:
    slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
    slack.drain()
    view = fake_slack.calls_to("views.publish")[-1].params["view"]
    assert view_problems(view) == []
    return view


def read(surface: dict) -> str:
    """The words of a message or view as a person reads them down the page: its texts in
    order, quote marks dropped, however they were split into sections."""
    texts = [re.sub(r"(?m)^>", "", text) for text in _texts(surface.get("blocks"))]
    return " ".join(" ".join(texts).split())


def _texts(node) -> list[str]:
    """Every text object's text, in order."""
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    if not isinstance(node, dict):
        return []
    if node.get("type") in ("mrkdwn", "plain_text"):
        return [node["text"]]
    return [t for value in node.values() for t in _texts(value)]


def whole_in(surface: dict, text: str) -> bool:
    return " ".join(text.split()) in read(surface)


def shortened(text: str, whole: str) -> bool:
    """`whole` is shown shortened at a word in `text`, saying where it is whole."""
    pattern = re.escape(whole[:40]) + r"[^…]*?\w…" + re.escape(f" (whole comment in {WHOLE})")
    return re.search(pattern, text) is not None and whole not in text


def a_year(slack, fake_slack, clock) -> dict[str, str]:
    """Alice's objectives written, talked about, agreed and reviewed at every check point:
    the long comments, by name."""
    said = {
        "talk": comment("Talkend"),
        "mid": comment("Midend"),
        "may": comment("Mayend"),
        "jul": comment("Julend"),
    }
    clock.now = SEPTEMBER
    write(slack, fake_slack)
    set_id = json.loads(buttons(fake_slack.messages_to("UAMIR")[-1])[Ids.AGREE])["set"]
    slack.click(Ids.TALK, str(set_id), user_id="UAMIR")
    slack.drain()
    talk = fake_slack.calls_to("views.open")[-1].params["view"]
    slack.view_submission(talk, {Ids.COMMENT_BLOCK: _text(said["talk"])}, user_id="UAMIR")
    slack.drain()
    write(slack, fake_slack, main=MAIN_ROLE + " And in Year 6.")
    slack.click(Ids.AGREE, buttons(fake_slack.messages_to("UAMIR")[-1])[Ids.AGREE], user_id="UAMIR")
    slack.drain()
    for moment, key in ((JANUARY, "jan"), (FEBRUARY, "mid"), (MAY, "may"), (JULY, "jul")):
        clock.now = moment
        review(slack, fake_slack, str(set_id), {1: said.get(key, "")}, final=key == "jul")
    return said


@in_school
def test_objectives_are_written_without_a_ladder_level(slack, fake_slack, clock):
    clock.now = SEPTEMBER
    form, response = write(slack, fake_slack)
    assert response.status_code == 200 and response.text == ""  # saved: no level asked for

    # The form asks for no ladder level; objective 3 is worded by SHARE's framework.
    blocks = {b.get("block_id"): b for b in form["blocks"]}
    assert Ids.TARGET_BLOCK not in blocks
    assert "ladder" not in shown_text(form).lower()
    headers = [b["text"]["text"] for b in form["blocks"] if b["type"] == "header"]
    assert headers[-1] == "3 · Leadership at every level"
    leadership = blocks[f"{Ids.TEXT_BLOCK_PREFIX}3"]
    assert leadership["label"]["text"] == (
        "How will you use your leadership skills to benefit others?"
    )
    assert leadership["hint"]["text"].startswith("We all work in teams.")

    # Told so, with the standards as SHARE names them.
    (saved,) = fake_slack.messages_to("UALICE")
    assert message_problems(saved) == []
    assert saved["text"].startswith("Your objectives for 2026-27 are saved and sent")
    shown = shown_text(saved)
    assert (
        "_Standards:_ *1* Secure high standards of behaviour from all pupils; "
        "*4* Promote equal opportunities &amp; respect diversity" in shown
    )
    assert "*3 · Leadership at every level*" in shown and LEADERSHIP in shown
    assert "Target" not in shown and "ladder" not in shown.lower()
    (to_agree,) = fake_slack.messages_to("UAMIR")
    assert message_problems(to_agree) == [] and LEADERSHIP in shown_text(to_agree)
    assert "Target" not in shown_text(to_agree)


def test_comments_whole_where_they_are_the_point_and_short_where_space_is(
    slack, fake_slack, clock, school
):
    said = a_year(slack, fake_slack, clock)

    # The talk request reached Alice whole; her App Home, meanwhile, shortened it.
    talk_dm = next(m for m in fake_slack.messages_to("UALICE") if "would like to talk" in m["text"])
    assert message_problems(talk_dm) == [] and whole_in(talk_dm, said["talk"])
    talk_homes = [
        c.params["view"]
        for c in fake_slack.calls_to("views.publish")
        if "asked to talk first" in shown_text(c.params["view"])
    ]
    assert talk_homes and shortened(shown_text(talk_homes[-1]), said["talk"])

    # Each review DM shows that review's comments whole and earlier ones shortened.
    reviewed = [m for m in fake_slack.messages_to("UALICE") if "reviewed your" in m["text"]]
    assert [m["text"].split(" at the ")[1] for m in reviewed] == [
        "January PDP checkpoint.",
        "Mid-year Review checkpoint.",
        "May PDP checkpoint.",
        "Final PDP Review checkpoint.",
    ]
    for message in reviewed:
        assert message_problems(message) == []
    may = shown_text(reviewed[2])
    assert whole_in(reviewed[2], said["may"]) and shortened(may, said["mid"])

    # To the appraiser (`/objectives @alice`), to Alice (`/objectives`) and in her record:
    # everything whole, objective 1 in as many sections as it needs.
    slack.command("/objectives", "<@UALICE|alice>", user_id="UAMIR")
    slack.drain()
    to_amir = fake_slack.responses()[-1]
    assert message_problems(to_amir) == []
    sections = [b["text"]["text"] for b in to_amir["blocks"] if b["type"] == "section"]
    starts = [i for i, text in enumerate(sections) if re.match(r"\*[123] · ", text)]
    assert len(starts) == 3 and starts[1] - starts[0] >= 2  # objective 1 needs 2 sections
    assert all(whole_in(to_amir, said[key]) for key in ("mid", "may", "jul"))
    assert "(whole comment in" not in shown_text(to_amir)
    own = open_form(slack, fake_slack)
    assert own["callback_id"] == Ids.VIEW_MODAL
    assert all(whole_in(own, said[key]) for key in ("mid", "may", "jul"))
    slack.click(HomeIds.OPEN_RECORD, str(school.alice.id), user_id="UAMIR")
    slack.drain()
    record = fake_slack.calls_to("views.open")[-1].params["view"]
    assert view_problems(record) == []
    assert all(whole_in(record, said[key]) for key in ("mid", "may", "jul"))

    # Alice's App Home: each comment shortened at a word, saying where it is whole.
    home = shown_text(home_of(slack, fake_slack))
    assert all(shortened(home, said[key]) for key in ("mid", "may", "jul"))

    # Amir's App Home: his appraisee's row, with nothing about a ladder SHARE does not have.
    amirs = shown_text(home_of(slack, fake_slack, "UAMIR"))
    assert "Your appraisees (" in amirs and "Objectives: agreed" in amirs
    assert "ladder" not in amirs.lower()


@needs_pdf
@in_school
def test_the_report_has_no_ladder_and_every_comment_whole(slack, fake_slack, clock, export):
    said = a_year(slack, fake_slack, clock)
    slack.command("/staffroom", "report", user_id="UALICE")
    slack.drain()
    ((channel, pdf, _title),) = uploaded(fake_slack)
    assert channel == "DUALICE"
    text = PdfText(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "3 · Leadership at every level" in text and LEADERSHIP in text
    for key in ("mid", "may", "jul"):
        assert said[key] in text
    assert "Leadership ladder" not in text and "Target ladder level" not in text
    assert "1. Objectives and reviews" in text and "3. Feedback received" in text

    record = export("alice@school.example")
    jsonschema.validate(record, json.loads(SCHEMA.read_text()))
    assert [o["target_level"] for o in record["objectives"]] == [None, None, None]
    assert record["ladder"] == []
    assert [r["comment"] for r in record["objectives"][0]["reviews"]][1:] == [
        said["mid"],
        said["may"],
        said["jul"],
    ]


def test_objectives_ask_a_ladder_level_only_of_a_trust_with_a_ladder(framework):
    share, smart = framework, load_framework("smart")
    standards = share.standard_sets["share"]
    texts = {1: MAIN_ROLE, 2: STAR_HOPE, 3: LEADERSHIP}
    rules.check_objectives(texts, ["1"], standards, None, share)  # no level: fine
    with pytest.raises(InvalidInput) as refused:
        rules.check_objectives(texts, [], smart.standard_sets["teacher"], None, smart)
    assert list(refused.value.problems) == [rules.TARGET]
    with pytest.raises(InvalidInput) as refused:
        rules.check_objectives({1: MAIN_ROLE, 2: STAR_HOPE}, [], standards, None, share)
    named = refused.value.problems[rules.text_field(3)].data["name"]
    assert named == "Leadership at every level"


REVIEW_TITLES = {
    "smart": {"mid": "Mid-year review", "jul": "July review"},
    "share": {
        "jan": "January PDP review",
        "mid": "Mid-year Review",
        "may": "May PDP review",
        "jul": "Final PDP Review",
    },
}


@pytest.mark.parametrize("trust", BUILTIN_FRAMEWORKS)
def test_a_review_is_titled_naturally_in_every_built_in_framework(trust):
    built_in = load_framework(trust)
    agreed = _objectives(built_in, next(iter(built_in.standard_sets)), "agreed", JULY)
    titles = {}
    for checkpoint in rules.review_checkpoints(built_in):
        modal = render(
            "objectives_review_modal",
            view=agreed,
            metadata="{}",
            checkpoint=checkpoint.name,
            key=checkpoint.key,
            statuses=("met",),
        )
        titles[checkpoint.key] = modal["title"]["text"]
    assert titles == REVIEW_TITLES[trust]
    final = built_in.checkpoint("jul")
    assert final is not None  # JULY is in the final review's window
    at = {"smart": "July", "share": "the Final PDP Review"}[trust]
    for state, button in (("agreed", f"Review at {at}"), ("reviewed", f"Review again at {at}")):
        view = _objectives(built_in, next(iter(built_in.standard_sets)), state, JULY)
        shown = shown_text(render("objectives_view", view=view, appraiser=True))
        assert f'"text": "Review at {at}"' in shown
        record = _record_of(built_in, view, appraiser=True)
        assert f'"text": "{button}"' in shown_text(render("record_modal", record=record))
    for state in OBJECTIVE_STATES:
        view = _objectives(built_in, next(iter(built_in.standard_sets)), state, JULY)
        for shown in (
            render("objectives_view", view=view, appraiser=True),
            render("objectives_reviewed", view=view, checkpoint=final.name, key="jul"),
            render("record_modal", record=_record_of(built_in, view, appraiser=True)),
        ):
            assert not re.search(r"review\W+review", shown_text(shown), re.IGNORECASE)


@in_school
def test_the_objectives_reminders_word_objective_3_and_the_first_checkpoint_as_share_does(
    deps,
):
    from tests.test_objectives_nudges import nudges

    def said(day, kind: str, to: str) -> str:
        (owed,) = [d for d in nudges(deps, day, kind).values() if d.channel == to]
        rendered = render(owed.template, **owed.context)
        assert message_problems(rendered) == []
        return rendered["text"]

    assert said(date(2026, 10, 1), "obj-write", "UALICE") == (
        "Your three appraisal objectives for 2026-27 are not written yet: your main role, "
        "your STAR project and leadership at every level. Your appraiser agrees them by "
        "15 October 2026."
    )
    assert said(date(2026, 10, 16), "obj-unagreed", "UAMIR").startswith(
        "The PDP checkpoint closed on 15 October 2026 and these appraisees' objectives"
    )


@in_school
def test_a_leaders_follow_up_list_has_no_ladder_items_without_a_ladder(slack, fake_slack, clock):
    from tests.test_home import open_home, shown

    for when in (SEPTEMBER, FEBRUARY):  # at a checkpoint SMART's ladder sheets are filled in
        clock.now = when
        view = open_home(slack, fake_slack, "UHEAD")
        text = shown(view)
        assert "To follow up" in text and "Objectives not agreed (4)" in text
        assert "ladder" not in text.lower() and "levels below expected" not in text
        slack.click(HomeIds.FOLLOW_UP, "Saltash Primary", user_id="UHEAD")
        slack.drain()
        modal = fake_slack.calls_to("views.open")[-1].params["view"]
        assert view_problems(modal) == [] and "ladder" not in shown(modal).lower()
