"""A lesson visit's written and verbal feedback are recorded once: an older message's
[Write feedback] or [Verbal feedback given] answers with a note instead of a second record,
and two written-feedback forms sent for one visit store one (compare-and-set on the visit).
Through signed requests and the fake Slack Web API, on real dates."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from bot.feedback import form as fb
from messages.ids import FeedbackIds as Ids
from messages.limits import view_problems
from storage.feedback import feedback_received, visit_by_id, visits_involving
from storage.models import Visit
from tests.conftest import LONDON
from tests.test_feedback import step1, step2, step3

pytestmark = pytest.mark.usefixtures("school")
BOB_ID = 4  # the school fixture's order: head 1, appraiser 2, alice 3, bob 4, carol 5
WRITTEN = "You wrote the feedback for this visit on 23 November 2026"


def _log_visit(slack, fake_slack, day="2026-11-20"):
    slack.command("/feedback", f"visit <@UBOB> {day}", user_id="UAMIR")
    slack.drain()
    return fake_slack.messages_to("UAMIR")[-1]


def _button(dm, action_id):
    (actions,) = [b for b in dm["blocks"] if b["type"] == "actions"]
    return next(e["value"] for e in actions["elements"] if e["action_id"] == action_id)


def _open_from_button(slack, fake_slack, visit_id):
    before = len(fake_slack.calls_to("views.open"))
    slack.click(Ids.VISIT_WRITE, visit_id, user_id="UAMIR")
    slack.drain()
    opened = fake_slack.calls_to("views.open")[before:]
    return opened[0].params["view"] if opened else None


def _to_last_step(slack, view, day="2026-11-20"):
    answer = slack.view_submission(view, step1("UBOB", day), user_id="UAMIR").json()
    assert answer["response_action"] == "update", answer
    answer = slack.view_submission(answer["view"], step2("UR3"), user_id="UAMIR").json()
    assert answer["response_action"] == "update", answer
    return answer["view"]


def _send(slack, view, strengths="Clear routines"):
    response = slack.view_submission(
        view, step3({"UR3": "A"}, strengths=strengths), user_id="UAMIR"
    )
    assert response.status_code == 200
    slack.drain()
    return response.json() if response.text else {}


def _stored(deps):
    with deps.db.session() as session:
        return (
            feedback_received(session=session, staff_id=BOB_ID),
            visits_involving(session=session, staff_id=BOB_ID),
        )


def test_the_form_from_a_visit_says_it_is_the_visits_written_feedback(slack, fake_slack):
    dm = _log_visit(slack, fake_slack)
    view = _open_from_button(slack, fake_slack, _button(dm, Ids.VISIT_WRITE))
    intro = view["blocks"][0]["elements"][0]["text"]
    assert intro == "Step 1 of 3. Written feedback on your lesson visit to Bob on 20 November 2026."
    assert "Informal" not in json.dumps(view)
    assert view_problems(view) == []
    last = _to_last_step(slack, view)
    assert "Step 3 of 3. Written feedback on your lesson visit to Bob" in json.dumps(last)

    plain = slack.command("/feedback", "<@UBOB>", user_id="UAMIR")  # not from a visit
    assert plain.status_code == 200
    slack.drain()
    informal = fake_slack.calls_to("views.open")[-1].params["view"]
    assert informal["blocks"][0]["elements"][0]["text"].startswith("Step 1 of 3. Informal")


def test_an_old_write_button_after_the_written_feedback_only_says_when(slack, fake_slack, deps):
    dm = _log_visit(slack, fake_slack)
    visit_id = _button(dm, Ids.VISIT_WRITE)
    _send(slack, _to_last_step(slack, _open_from_button(slack, fake_slack, visit_id)))
    assert "This completes the written feedback" in json.dumps(fake_slack.messages_to("UAMIR"))

    assert _open_from_button(slack, fake_slack, visit_id) is None  # the visit DM's button again
    note = fake_slack.responses()[-1]
    assert note["response_type"] == "ephemeral"
    assert WRITTEN in note["text"]
    (feedback,), (visit,) = _stored(deps)
    assert visit.written_feedback_id == feedback.id


def test_two_forms_for_one_visit_store_once(slack, fake_slack, deps, monkeypatch):
    dm = _log_visit(slack, fake_slack)
    visit_id = _button(dm, Ids.VISIT_WRITE)
    first = _to_last_step(slack, _open_from_button(slack, fake_slack, visit_id))
    second = _to_last_step(slack, _open_from_button(slack, fake_slack, visit_id))
    third = _to_last_step(slack, _open_from_button(slack, fake_slack, visit_id))
    assert _send(slack, first) == {}
    received = len(fake_slack.messages_to("UBOB"))

    # Sent after the first was stored: refused beside the form's fields, nothing stored.
    answer = _send(slack, second, strengths="Second thoughts")
    assert answer["response_action"] == "errors"
    assert any(WRITTEN in error for error in answer["errors"].values())

    # Checked before the first was stored (as if read a moment earlier), stored after it:
    # the compare-and-set on the visit refuses it after the ack, and the words come back.
    def read_before_the_first(session, calendar, subject, observer, observee):
        visit = visit_by_id(session=session, visit_id=subject.visit_id)
        return Visit.model_validate({**visit.model_dump(), "written_feedback_id": None})

    monkeypatch.setattr(fb, "_visit_written_up", read_before_the_first)
    assert _send(slack, third, strengths="Routines were crisp") == {}
    refused = fake_slack.messages_to("UAMIR")[-1]
    assert refused["text"].startswith(":warning: Your feedback was not saved: " + WRITTEN)
    assert "Routines were crisp" in json.dumps(refused["blocks"])

    (feedback,), (visit,) = _stored(deps)
    assert visit.written_feedback_id == feedback.id
    assert feedback.strengths == "Clear routines"
    assert len(fake_slack.messages_to("UBOB")) == received


def test_informal_feedback_the_same_day_is_still_its_own(slack, fake_slack, deps):
    dm = _log_visit(slack, fake_slack)
    _send(
        slack,
        _to_last_step(slack, _open_from_button(slack, fake_slack, _button(dm, Ids.VISIT_WRITE))),
    )
    slack.command("/feedback", "<@UBOB>", user_id="UAMIR")
    slack.drain()
    informal = fake_slack.calls_to("views.open")[-1].params["view"]
    _send(slack, _to_last_step(slack, informal))
    written, (visit,) = _stored(deps)
    assert len(written) == 2 and visit.written_feedback_id == written[0].id
    assert "completes" not in fake_slack.messages_to("UAMIR")[-1]["text"]


def test_verbal_feedback_given_twice_is_marked_once(slack, fake_slack, deps, clock):
    dm = _log_visit(slack, fake_slack)
    visit_id = _button(dm, Ids.VISIT_VERBAL)
    slack.click(Ids.VISIT_VERBAL, visit_id, user_id="UAMIR")
    slack.drain()
    assert fake_slack.responses()[-1]["replace_original"] is True

    clock.now = datetime(2026, 11, 25, 9, 0, tzinfo=LONDON)
    slack.click(Ids.VISIT_VERBAL, visit_id, user_id="UAMIR")  # the older message's button
    slack.drain()
    note = fake_slack.responses()[-1]
    assert note["response_type"] == "ephemeral"
    assert "replace_original" not in note or not note["replace_original"]
    assert "You marked verbal feedback for this visit as given on 23 November 2026" in note["text"]
    _, (visit,) = _stored(deps)
    assert visit.verbal_given_at is not None
    assert visit.verbal_given_at.date().isoformat() == "2026-11-23"
