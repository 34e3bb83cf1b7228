"""Whatever people type (issue #13), property-based through the real request path.

Hypothesis writes the text of every slash command (as Slack sends it: what was typed
escaped, the people and channels named resolved) and every text field of every form.
For each: Slack gets a 200, never a failure; nothing the app sends breaks Block Kit's
limits (the stand-in refuses it); nothing it shows pings anyone or links anywhere the
person did not name through Slack; and a refusal stores nothing.

`STAFFROOM_EXAMPLES` sets how many examples each test tries (default 10, to keep the
suite fast; `STAFFROOM_EXAMPLES=300` for a thorough run).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.localslack.workspace import dm_channel
from messages.ids import CommendIds, FeedbackIds, StarIds
from messages.limits import view_problems
from messages.render import slack_escape
from tests.acting import (
    fill_in,
    form_values,
    mrkdwn_texts,
    pings_and_links,
    record_counts,
    shown,
)
from tests.conftest import LONDON
from tests.factories import start_star_project

pytestmark = pytest.mark.usefixtures("school")

settings.register_profile(
    "request-path",
    max_examples=int(os.environ.get("STAFFROOM_EXAMPLES", "10")),
    deadline=None,
    derandomize=False,
    # Each example is a request to the same app and database; what one leaves behind
    # (a stored record) does not change what the next must satisfy.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
REQUEST_PATH = settings.get_profile("request-path")

ROSTER = {"UHEAD", "UAMIR", "UALICE", "UBOB", "UCAROL"}
HOSTILE = [
    "<@UDAVE>",
    "<@UDAVE|dave>",
    "<!channel>",
    "<!here|here>",
    "<!subteam^S0STAFF|@staff>",
    "<#C0STAFF|staff>",
    "<https://evil.example|click here>",
    "<mailto:head@school.example>",
    "&lt;@UDAVE&gt;",
    "&amp;",
    "@here",
    "*bold*",
    "`code`",
    "```\nblock\n```",
    "> quote",
    "\u202e",
    "\u2066",
    "\u200b",
    "\ufeff",
    "\n",
    "1,5",
    "7_1",
    "1e3",
    "inf",
    "NaN",
    "-3",
    "62%",
    "12.5",
    "2026-10-01",
    "1/10/2026",
    "20261001",
    "visit",
    "measure",
    "final",
    "baseline",
    "interim",
    "new",
    "weekly",
    "off",
    "payload",
    "x" * 3001,
    "é" * 3001,
    "0" * 2100 + "71",
]


def _typed(characters: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(
        st.one_of(st.sampled_from(HOSTILE), st.text(characters, max_size=30)), max_size=6
    ).map(" ".join)


# A slash command's text arrives form-encoded as UTF-8; a form's, inside JSON, may hold
# anything JSON can, down to NUL and halves of surrogate pairs.
typed = _typed(st.characters(codec="utf-8"))
typed_in_forms = _typed(st.characters())
# What Slack itself writes into a command's text when a person names someone or something.
resolved = st.lists(
    st.sampled_from(
        [
            "<@UBOB|bob>",
            "<@UCAROL|carol>",
            "<@UALICE|alice>",
            "<@UROBOT|quizbot>",
            "<@UVISITOR|visitor>",
            "<@UHEAD>",
            "<#C0STAFF|staff>",
            "<!here>",
        ]
    ),
    max_size=3,
)


class Watch:
    """What one request caused: the calls the app made and the rows it stored."""

    def __init__(self, slack, fake_slack, deps) -> None:
        self.slack, self.fake_slack, self.deps = slack, fake_slack, deps
        self.since = len(fake_slack.calls)
        self.rows = record_counts(deps.db)

    def check(self, allowed: set[str], *, refused_before_ack: bool = False) -> None:
        self.slack.drain()
        calls = self.fake_slack.calls[self.since :]
        assert [c.problems for c in calls if c.problems] == [], "Slack would refuse this"
        texts = list(shown(self.fake_slack, self.since))
        for method, text in texts:
            assert "something went wrong on our side" not in text, (method, text)
            for token in pings_and_links(text):
                person = token[1:].split("|")[0]
                assert token.startswith("@") and person in allowed, (method, token, text)
        refused = refused_before_ack or any(t.startswith(":warning:") for _m, t in texts)
        if refused:
            assert record_counts(self.deps.db) == self.rows, "a refusal stored something"


def _mentioned(text: str) -> set[str]:
    return {token[1:].split("|")[0] for token in pings_and_links(text) if token.startswith("@")}


@pytest.fixture
def bobs_project(school, deps, fake_slack):
    fake_slack.add_user("UDAVE", "dave@elsewhere.example", name="dave")
    fake_slack.workspace.add_channel("C0STAFF", "staff", members=["UHEAD", "UAMIR"])
    at = datetime(2026, 11, 23, 9, tzinfo=LONDON)
    return start_star_project(deps, "UBOB", at.date(), at.date().replace(month=12), at)


COMMANDS = [
    ("/commend", "UALICE", ""),
    ("/feedback", "UCAROL", ""),
    ("/feedback", "UAMIR", "visit "),
    ("/star", "UBOB", ""),
    ("/star", "UBOB", "measure "),
    ("/star", "UBOB", "new "),
    ("/ladder", "UAMIR", ""),
    ("/summary", "UHEAD", ""),
    ("/summary", "UHEAD", "weekly "),
    ("/staffroom", "UBOB", ""),
]


@pytest.mark.usefixtures("bobs_project")
@pytest.mark.parametrize(("command", "actor", "keyword"), COMMANDS)
def test_any_command_text(slack, fake_slack, deps, command, actor, keyword):
    @REQUEST_PATH
    @given(names=resolved, words=typed)
    def anything(names: list[str], words: str) -> None:
        text = keyword + " ".join([*names, slack_escape(words)])
        watch = Watch(slack, fake_slack, deps)
        answer = slack.command(command, text, user_id=actor, channel_id="C0STAFF")
        assert answer.status_code == 200, (text, answer.status_code)
        if answer.text:
            assert view_problems(answer.json()) == [] if "blocks" in answer.json() else True
        watch.check(ROSTER | _mentioned(text) | {actor})

    anything()


def _opened(slack, fake_slack, people, actor: str, line: str) -> dict:
    people.command(actor, dm_channel(actor), line)
    slack.drain()
    view = fake_slack.workspace.top_modal(actor)
    assert view is not None, line
    return {k: v for k, v in view.items() if not k.startswith("_")}


def _press(slack, fake_slack, people, actor: str, action: str, value: str) -> dict:
    trigger = fake_slack.workspace.new_trigger(actor)
    slack.click(action, value, user_id=actor, trigger_id=trigger)
    slack.drain()
    view = fake_slack.workspace.top_modal(actor)
    assert view is not None, action
    return {k: v for k, v in view.items() if not k.startswith("_")}


def _feedback_write(slack, fake_slack, people) -> dict:
    _opened(slack, fake_slack, people, "UCAROL", "/feedback @bob")
    for _step in range(2):  # who, when and where; then the standards
        fill_in(people, "UCAROL", "Y8 science")
        people.submit("UCAROL")
    view = fake_slack.workspace.top_modal("UCAROL")
    assert view["callback_id"] == FeedbackIds.WRITE_MODAL
    return {k: v for k, v in view.items() if not k.startswith("_")}


def _at_stage_five(deps, project_id: int) -> None:
    from sqlalchemy import text

    with deps.db.session() as session:
        session.execute(
            text("UPDATE star_project SET stage = 5 WHERE id = :id"), {"id": project_id}
        )


FORMS: dict[str, tuple[str, Callable[..., dict]]] = {
    CommendIds.MODAL: (
        "UALICE",
        lambda slack, fake, people, deps, pid: _opened(slack, fake, people, "UALICE", "/commend"),
    ),
    FeedbackIds.SUBJECT_MODAL: (
        "UCAROL",
        lambda slack, fake, people, deps, pid: _opened(
            slack, fake, people, "UCAROL", "/feedback @bob"
        ),
    ),
    FeedbackIds.WRITE_MODAL: (
        "UCAROL",
        lambda slack, fake, people, deps, pid: _feedback_write(slack, fake, people),
    ),
    StarIds.NEW_MODAL: (
        "UALICE",
        lambda slack, fake, people, deps, pid: _opened(slack, fake, people, "UALICE", "/star new"),
    ),
    StarIds.NOTE_MODAL: (
        "UBOB",
        lambda slack, fake, people, deps, pid: _press(
            slack, fake, people, "UBOB", StarIds.ADD_NOTE, str(pid)
        ),
    ),
    StarIds.MEASURE_MODAL: (
        "UBOB",
        lambda slack, fake, people, deps, pid: _press(
            slack, fake, people, "UBOB", StarIds.RECORD, str(pid)
        ),
    ),
    StarIds.EVALUATE_MODAL: (
        "UBOB",
        lambda slack, fake, people, deps, pid: (
            _at_stage_five(deps, pid),
            _press(slack, fake, people, "UBOB", StarIds.EVALUATE, str(pid)),
        )[1],
    ),
}


@pytest.mark.parametrize("form", list(FORMS))
def test_any_form_text(slack, fake_slack, people, deps, bobs_project, form):
    actor, open_form = FORMS[form]
    view = open_form(slack, fake_slack, people, deps, bobs_project.status.project_id)
    assert view["callback_id"] == form
    chosen = {StarIds.END_BLOCK: {"selected_date": "2027-01-29"}}

    @REQUEST_PATH
    @given(words=typed_in_forms)
    def anything(words: str) -> None:
        watch = Watch(slack, fake_slack, deps)
        answer = slack.view_submission(view, form_values(view, words, chosen), user_id=actor)
        assert answer.status_code == 200, (words, answer.status_code)
        body = answer.json() if answer.text else {}
        if "view" in body:
            assert view_problems(body["view"]) == []
            for text in mrkdwn_texts(body["view"]):
                for token in pings_and_links(text):
                    assert token.startswith("@") and token[1:].split("|")[0] in ROSTER, text
        refused = body.get("response_action") == "errors"
        watch.check(ROSTER | {actor}, refused_before_ack=refused)

    anything()


def test_a_refusal_quoting_what_was_typed_shows_it_as_typed(slack, fake_slack):
    slack.command("/feedback", "visit <@UBOB|bob> &lt;!channel&gt;", user_id="UAMIR")
    slack.drain()
    (reply,) = fake_slack.responses()
    assert "'&lt;!channel&gt;' is not a date" in reply["blocks"][0]["text"]["text"]
    assert "<!channel>" not in json.dumps(reply)


def test_a_field_error_quoting_what_was_typed_is_plain_text(
    slack, fake_slack, people, bobs_project
):
    project = str(bobs_project.status.project_id)
    view = _press(slack, fake_slack, people, "UBOB", StarIds.RECORD, project)
    answer = slack.view_submission(view, form_values(view, "<5"), user_id="UBOB").json()
    assert answer["errors"][StarIds.VALUE_BLOCK].startswith("'<5' is not a number")


def test_control_characters_typed_into_a_form_are_dropped_and_it_is_saved(slack, deps):
    from storage.commendations import commendations_given
    from tests.test_commend import _modal_values, _modal_view

    answer = slack.view_submission(
        _modal_view(deps),
        _modal_values(["UBOB"], "Thanks\x00 for \ud800the\x07 trip to the Roman fort"),
        user_id="UALICE",
    )
    slack.drain()
    assert answer.status_code == 200 and answer.text == ""
    with deps.db.read_session() as session:
        (stored,) = commendations_given(session=session, staff_id=3)
    assert stored.message == "Thanks for the trip to the Roman fort"
