"""The Slack stand-in answers as Slack does: views with hashes and a stack of three,
response_url replies that replace or delete, and a paged directory."""

from __future__ import annotations

import pytest

from bot.localslack import methods
from bot.localslack.workspace import ResponseTarget, Workspace, ts_order


def _workspace() -> Workspace:
    ws = Workspace(clock=lambda: 1_800_000_000.0)
    for n in range(5):
        ws.add_user(f"U{n}", f"p{n}@school.example", name=f"p{n}")
    return ws


def _modal(title: str) -> dict:
    return {"type": "modal", "title": {"type": "plain_text", "text": title}, "blocks": []}


def test_a_view_updated_with_an_old_hash_is_refused():
    ws = _workspace()
    opened = methods.answer(
        ws, "views.open", {"trigger_id": ws.new_trigger("U1"), "view": _modal("A")}, ""
    )
    view = opened["view"]
    updated = methods.answer(
        ws, "views.update", {"view_id": view["id"], "hash": view["hash"], "view": _modal("B")}, ""
    )
    assert updated["ok"] and ws.top_modal("U1")["title"]["text"] == "B"
    stale = methods.answer(
        ws, "views.update", {"view_id": view["id"], "hash": view["hash"], "view": _modal("C")}, ""
    )
    assert stale == {"ok": False, "error": "hash_conflict"}
    assert ws.top_modal("U1")["title"]["text"] == "B"


def test_a_modal_stack_holds_three_views():
    ws = _workspace()
    methods.answer(ws, "views.open", {"trigger_id": ws.new_trigger("U1"), "view": _modal("1")}, "")
    for title in ("2", "3"):
        pushed = methods.answer(
            ws, "views.push", {"trigger_id": ws.new_trigger("U1"), "view": _modal(title)}, ""
        )
        assert pushed["ok"]
    fourth = methods.answer(
        ws, "views.push", {"trigger_id": ws.new_trigger("U1"), "view": _modal("4")}, ""
    )
    assert fourth == {"ok": False, "error": "push_limit_reached"}
    assert ws.modal_depth("U1") == 3 and ws.top_modal("U1")["title"]["text"] == "3"


def test_response_url_replaces_deletes_and_wears_out():
    ws = _workspace()
    posted = methods.answer(ws, "chat.postMessage", {"channel": "U1", "text": "first"}, "")
    token = ws.new_response_url_token(ResponseTarget("U1", posted["channel"], posted["ts"]))
    methods.respond(ws, token, {"replace_original": True, "text": "second"})
    assert [m["text"] for m in ws.messages_in("DU1")] == ["second"]
    methods.respond(ws, token, {"text": "just for you"})
    assert ws.messages_in("DU1", viewer="U1")[-1]["ephemeral_to"] == "U1"
    assert [m["text"] for m in ws.messages_in("DU1", viewer="U2")] == ["second"]
    methods.respond(ws, token, {"delete_original": True})
    assert [m["text"] for m in ws.messages_in("DU1")] == []
    methods.respond(ws, token, {"text": "4"})
    methods.respond(ws, token, {"text": "5"})
    assert methods.respond(ws, token, {"text": "6"}) == {"ok": False, "error": "used_url"}


def test_the_directory_pages():
    ws = _workspace()
    seen, cursor = [], ""
    while True:
        page = methods.answer(ws, "users.list", {"limit": 2, "cursor": cursor}, "")
        seen += [m["id"] for m in page["members"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert seen == [f"U{n}" for n in range(5)]


def test_history_carries_metadata_only_when_asked():
    ws = _workspace()
    metadata = {"event_type": "staffroom_outbox", "event_payload": {"key": "k"}}
    methods.answer(
        ws, "chat.postMessage", {"channel": "U1", "text": "hi", "metadata": metadata}, ""
    )
    plain = methods.answer(ws, "conversations.history", {"channel": "DU1"}, "")
    full = methods.answer(
        ws, "conversations.history", {"channel": "DU1", "include_all_metadata": "true"}, ""
    )
    assert "metadata" not in plain["messages"][0]
    assert full["messages"][0]["metadata"] == metadata


def test_the_stand_in_refuses_what_slack_would_refuse_and_says_why():
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    from bot.localslack.webapi import FakeSlack

    fake = FakeSlack().start()
    try:
        client = WebClient(token="xoxb-t", base_url=fake.api_url)
        too_many = [{"type": "divider"}] * 51
        with pytest.raises(SlackApiError) as refused:
            client.chat_postMessage(channel="U1", text="t", blocks=too_many)
        assert refused.value.response["error"] == "invalid_blocks"
        bad_view = {
            "type": "modal",
            "title": {"type": "plain_text", "text": "t" * 25},
            "blocks": [{"type": "divider"}],
        }
        with pytest.raises(SlackApiError) as refused:
            client.views_open(trigger_id="1", view=bad_view)
        assert refused.value.response["error"] == "invalid_arguments"
        assert [c.method for c in fake.refused_for_block_kit()] == [
            "chat.postMessage",
            "views.open",
        ]
        client.chat_postMessage(channel="U1", text="fine", blocks=[{"type": "divider"}])
    finally:
        fake.stop()


@pytest.mark.parametrize(
    "times",
    [
        [1_826_000_000.0] * 50,  # the demo's clock standing still (a morning in 2027)
        [1_826_000_000.0 + n * 0.0000001 for n in range(50)],  # less than a microsecond apart
        [1_826_000_100.0, 1_826_000_000.0, 1_826_000_000.0, 1_825_999_999.5],  # going back
    ],
)
def test_message_ts_are_unique_and_increasing_whatever_the_clock_does(times):
    clock = iter(times)
    ws = Workspace(clock=lambda: next(clock))
    ws.add_user("U1", "p1@school.example", name="p1")
    made = []
    for n in range(len(times)):
        if n % 2:
            made.append(ws.post_ephemeral("C1", "U1", {"text": f"reply {n}"}))
        else:
            made.append(ws.post("DU1", {"text": f"message {n}"})["ts"])
    assert len(set(made)) == len(made)
    assert [ts_order(ts) for ts in made] == sorted(ts_order(ts) for ts in made)
    assert all(len(ts.partition(".")[2]) == 6 for ts in made)
    assert made[0] == f"{times[0]:.6f}"  # still the time it was stored, when the clock allows
    # each ephemeral is found as itself: the 11th reply is not the 10th again
    replies = [e["text"] for e in ws.ephemerals]
    assert replies == [f"reply {n}" for n in range(1, len(times), 2)]
