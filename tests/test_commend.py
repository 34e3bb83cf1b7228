"""/commend end to end: signed requests in, Web API calls out to the fake Slack."""

from __future__ import annotations

import json

import pytest

from messages import render
from messages.ids import CommendIds
from messages.limits import message_problems, view_problems
from storage.commendations import commendations_given
from storage.outbox import count_by_status

pytestmark = pytest.mark.usefixtures("school")


def _modal_view(deps):
    return render(
        "commend_modal",
        values=deps.framework.values,
        channel="#celebrations",
        max_recipients=10,
        max_message=3000,
    )


def _assert_nothing_sent_or_stored(slack, fake_slack, deps):
    slack.drain()
    assert fake_slack.calls_to("chat.postMessage") == []
    with deps.db.session() as session:
        assert commendations_given(session=session, staff_id=3) == []
        assert count_by_status(session=session) == {}


def _outbox(deps) -> dict[str, int]:
    with deps.db.session() as session:
        return count_by_status(session=session)


def test_quick_commend_sends_dm_copy_and_confirmation(slack, fake_slack, deps):
    response = slack.command(
        "/commend", "<@UBOB|bob> thanks for covering my duty", user_id="UALICE"
    )

    assert response.status_code == 200
    assert response.text == ""  # nothing shown in the channel
    slack.drain()
    (to_bob,) = fake_slack.messages_to("UBOB")
    assert to_bob["text"] == "<@UALICE> commended you: thanks for covering my duty"
    assert "<@UALICE> commended you" in to_bob["blocks"][0]["text"]["text"]
    (copy,) = fake_slack.messages_to("UAMIR")  # Bob's appraiser
    assert copy["text"].startswith("<@UALICE> commended <@UBOB> (your appraisee)")
    (confirmation,) = fake_slack.messages_to("UALICE")
    assert confirmation["text"].startswith("You commended <@UBOB>")
    assert fake_slack.messages_to("#celebrations") == []  # private by default
    assert fake_slack.responses() == []
    for message in (to_bob, copy, confirmation):
        assert message_problems(message) == []
        assert message["metadata"]["event_type"] == "staffroom_outbox"
    assert _outbox(deps) == {"sent": 3}


def test_quick_commend_several_people_one_copy_per_appraiser(slack, fake_slack):
    slack.command("/commend", "<@UBOB|bob> <@UCAROL> <@UBOB|bob> brilliant trip", user_id="UALICE")

    slack.drain()
    assert fake_slack.messages_to("UBOB")[0]["text"].startswith(
        "<@UALICE> commended you and <@UCAROL>"
    )
    assert fake_slack.messages_to("UCAROL")[0]["text"].startswith(
        "<@UALICE> commended you and <@UBOB>"
    )
    assert len(fake_slack.messages_to("UAMIR")) == 1  # Bob's appraiser
    assert len(fake_slack.messages_to("UHEAD")) == 1  # Carol's appraiser
    assert fake_slack.messages_to("UALICE")[0]["text"].startswith(
        "You commended <@UBOB> and <@UCAROL>"
    )


def test_appraiser_commending_own_appraisee_gets_no_copy_of_own_words(slack, fake_slack):
    slack.command("/commend", "<@UBOB> great parents' evening", user_id="UAMIR")

    slack.drain()
    (confirmation,) = fake_slack.messages_to("UAMIR")
    assert confirmation["text"].startswith("You commended")
    assert "They get it by direct message." in json.dumps(confirmation)
    assert "appraiser" not in json.dumps(confirmation)  # Amir is Bob's appraiser


def test_the_author_is_told_only_of_copies_to_other_appraisers(slack, fake_slack):
    slack.command("/commend", "<@UBOB> <@UCAROL> great parents' evening", user_id="UAMIR")
    slack.drain()
    (confirmation,) = fake_slack.messages_to("UAMIR")  # Amir appraises Bob, not Carol
    assert len(fake_slack.messages_to("UHEAD")) == 1  # Carol's appraiser
    said = json.dumps(confirmation)
    assert "They get it by direct message, and the appraiser of <@UCAROL> a copy." in said

    slack.command("/commend", "<@UBOB> <@UCAROL> and thanks again", user_id="UALICE")
    slack.drain()
    said = json.dumps(fake_slack.messages_to("UALICE")[-1])
    assert "They get it by direct message, and their appraisers a copy." in said


def test_the_form_says_an_appraiser_who_commends_gets_no_copy(deps):
    said = json.dumps(_modal_view(deps))
    assert "their appraiser a copy (unless that is you)" in said


def test_typed_markup_is_escaped_when_reposted(slack, fake_slack, deps):
    # Slack escapes & < > in command text; the app stores plain text and escapes again.
    # A colleague named in the words is written as @name: only the people commended
    # (the leading mentions) are people the app acts on, and nothing typed pings anyone.
    slack.command(
        "/commend",
        "<@UBOB> fish &amp; chips &lt;!channel&gt; for <@UCAROL|carol> too",
        user_id="UALICE",
    )

    slack.drain()
    with deps.db.session() as session:
        stored = commendations_given(session=session, staff_id=3)[0].message
    assert stored == "fish & chips <!channel> for @carol too"
    body = fake_slack.messages_to("UBOB")[0]["blocks"][1]["text"]["text"]
    assert body == "fish &amp; chips &lt;!channel&gt; for @carol too"


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("<@UALICE|alice> well done me", "You can't commend yourself"),
        ("<@UVISITOR|visitor> thanks", "<@UVISITOR> is not on the staff roster"),
        ("<@UROBOT|quizbot> thanks", "<@UROBOT> is a bot"),
        (
            "<#C0STAFF|staffroom> thanks everyone",
            "Commend people, not channels or groups (#staffroom)",
        ),
        ("<!subteam^S0MATHS|@maths> thanks", "Commend people, not channels or groups (@maths)"),
        ("thanks everyone", "Choose at least one colleague"),
        ("<@UBOB|bob>", "Write a message"),
        ("<@UBOB|bob>    ", "Write a message"),
        ("<@UBOB|bob> " + "x" * 3001, "Your message is 3001 characters; please keep it to 3000"),
        (
            " ".join(f"<@U{i:04d}>" for i in range(11)) + " thanks",
            "up to 10 people at once; you chose 11",
        ),
    ],
)
def test_quick_commend_bad_input_is_refused_and_nothing_stored(
    slack, fake_slack, deps, text, reply
):
    response = slack.command("/commend", text, user_id="UALICE")

    assert response.status_code == 200
    assert response.text == ""  # answered at once; the refusal follows by response_url
    slack.drain()
    (answer,) = fake_slack.responses()
    assert answer["response_type"] == "ephemeral"
    assert reply in answer["text"]
    _assert_nothing_sent_or_stored(slack, fake_slack, deps)


def test_message_of_exactly_3000_characters_is_accepted(slack, fake_slack):
    slack.command("/commend", "<@UBOB> " + "&amp;" * 3000, user_id="UALICE")  # 3000 typed '&'

    slack.drain()
    message = fake_slack.messages_to("UBOB")[0]
    assert message_problems(message) == []  # escaped to 15,000 chars, split over sections
    sections = [b["text"]["text"] for b in message["blocks"][1:-1]]
    assert "".join(sections) == "&amp;" * 3000


def test_author_not_on_roster_is_told_and_nothing_stored(slack, fake_slack, deps):
    slack.command("/commend", "<@UBOB> thanks", user_id="UVISITOR")

    slack.drain()
    (answer,) = fake_slack.responses()
    assert answer["response_type"] == "ephemeral"
    assert "not on the staff roster" in answer["text"]
    _assert_nothing_sent_or_stored(slack, fake_slack, deps)


def test_bad_or_stale_signature_is_refused(slack, fake_slack):
    from urllib.parse import urlencode

    from tests.slack_requests import command_payload, signed_headers

    body = urlencode(
        command_payload(
            "/commend",
            "<@UBOB> hi",
            user_id="UALICE",
            channel_id="C1",
            response_url=slack.response_url,
        )
    )
    wrong = slack.http.post(
        "/slack/events", content=body, headers=signed_headers(body, secret="not-the-secret")
    )
    stale = slack.http.post(
        "/slack/events", content=body, headers=signed_headers(body, timestamp=1_600_000_000)
    )
    unsigned = slack.http.post(
        "/slack/events", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )

    assert [wrong.status_code, stale.status_code, unsigned.status_code] == [401, 401, 401]
    slack.drain()
    assert fake_slack.calls_to("chat.postMessage") == []


# --- the modal -------------------------------------------------------------


def _modal_values(users, message, value=None, share=False):
    return {
        CommendIds.RECIPIENTS_BLOCK: {
            CommendIds.RECIPIENTS_ACTION: {"type": "multi_users_select", "selected_users": users}
        },
        CommendIds.MESSAGE_BLOCK: {
            CommendIds.MESSAGE_ACTION: {"type": "plain_text_input", "value": message}
        },
        CommendIds.VALUE_BLOCK: {
            CommendIds.VALUE_ACTION: {
                "type": "static_select",
                "selected_option": (
                    {"text": {"type": "plain_text", "text": "x"}, "value": value} if value else None
                ),
            }
        },
        CommendIds.SHARE_BLOCK: {
            CommendIds.SHARE_ACTION: {
                "type": "checkboxes",
                "selected_options": (
                    [{"text": {"type": "plain_text", "text": "Share"}, "value": "share"}]
                    if share
                    else []
                ),
            }
        },
    }


def test_commend_without_text_opens_the_modal(slack, fake_slack):
    response = slack.command("/commend", "", user_id="UALICE", trigger_id="1337.42.abcdef")

    assert response.status_code == 200
    slack.drain()
    (call,) = fake_slack.calls_to("views.open")
    assert call.params["trigger_id"] == "1337.42.abcdef"
    view = call.params["view"]
    assert view["callback_id"] == CommendIds.MODAL
    assert view_problems(view) == []
    options = view["blocks"][3]["element"]["options"]
    assert [o["text"]["text"] for o in options] == [
        "Expect the best",
        "Question deeply",
        "Understand goals",
        "Inspire learning",
        "Praise positive",
    ]
    assert "#celebrations" in json.dumps(view["blocks"][4])


def test_modal_submission_shares_in_celebrations_with_value(slack, fake_slack, deps):
    view = _modal_view(deps)
    response = slack.view_submission(
        view,
        _modal_values(
            ["UBOB", "UCAROL"], "A <great> assembly & more: Year 6 ran it", value="P", share=True
        ),
        user_id="UALICE",
    )

    assert response.status_code == 200
    assert response.text == ""  # closes the modal
    slack.drain()
    (public,) = fake_slack.messages_to("#celebrations")
    assert (
        public["text"] == "<@UALICE> commended <@UBOB> and <@UCAROL>: "
        "A &lt;great&gt; assembly &amp; more: Year 6 ran it"
    )
    assert "EQUIP value: *Praise positive*" in json.dumps(public["blocks"])
    assert "Shared in #celebrations" in json.dumps(fake_slack.messages_to("UBOB")[0]["blocks"])
    for message in fake_slack.calls_to("chat.postMessage"):
        assert message_problems(message.params) == []


@pytest.mark.parametrize(
    ("users", "message", "value", "block", "error"),
    [
        (["UALICE"], "me!", None, CommendIds.RECIPIENTS_BLOCK, "You can't commend yourself"),
        (["UROBOT"], "beep", None, CommendIds.RECIPIENTS_BLOCK, "is a bot"),
        (["UVISITOR"], "thanks", None, CommendIds.RECIPIENTS_BLOCK, "not on the staff roster"),
        ([], "thanks", None, CommendIds.RECIPIENTS_BLOCK, "at least one colleague"),
        ([f"U{i:04d}" for i in range(11)], "thanks", None, CommendIds.RECIPIENTS_BLOCK, "up to 10"),
        (["UBOB"], "   ", None, CommendIds.MESSAGE_BLOCK, "Write a message"),
        (["UBOB"], "y" * 3001, None, CommendIds.MESSAGE_BLOCK, "3001 characters"),
        (["UBOB"], "thanks", "Z", CommendIds.VALUE_BLOCK, "not one of the trust's values"),
    ],
)
def test_modal_bad_input_gets_field_errors_and_nothing_stored(
    slack, fake_slack, deps, users, message, value, block, error
):
    view = _modal_view(deps)
    response = slack.view_submission(view, _modal_values(users, message, value), user_id="UALICE")

    assert response.status_code == 200
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert error in answer["errors"][block]
    _assert_nothing_sent_or_stored(slack, fake_slack, deps)


def test_modal_reports_every_bad_field_at_once(slack, deps):
    view = _modal_view(deps)
    response = slack.view_submission(view, _modal_values([], ""), user_id="UALICE")

    assert set(response.json()["errors"]) == {CommendIds.RECIPIENTS_BLOCK, CommendIds.MESSAGE_BLOCK}


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("/commend", ""),
        ("/feedback", ""),
        ("/feedback", "<@UBOB>"),
        ("/star", "new"),
        ("/star", ""),
        ("/ladder", ""),
    ],
)
def test_someone_not_on_the_roster_is_told_before_any_form_opens(slack, fake_slack, command, text):
    response = slack.command(command, text, user_id="UVISITOR")
    slack.drain()
    assert response.status_code == 200
    assert fake_slack.calls_to("views.open") == []
    (reply,) = fake_slack.responses()
    assert reply["response_type"] == "ephemeral"
    assert "You are not on the staff roster" in reply["text"]
