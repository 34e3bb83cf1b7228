"""An optional checkpoint end to end (SHARE MAT's QA policy §7.4: "optional PDP check point
meetings in January and May"): a trust adds `jan` to its framework and it opens and closes
like September, mid-year and July: the ladder sheet, the grid's columns, the export, the
reminders and `/staffroom`."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
import yaml

from bot.core.framework import Framework, builtin_framework_path, load_framework
from bot.nudges.due import due_at
from messages.ids import LadderIds as Ids
from messages.limits import message_problems
from tests.conftest import LONDON
from tests.test_ladder import BOB, _fill, _start

pytestmark = pytest.mark.usefixtures("school")
JANUARY = datetime(2027, 1, 11, 10, 0, tzinfo=LONDON)


@pytest.fixture(scope="module")
def framework(tmp_path_factory) -> Framework:
    """SMART's framework with an optional January check point."""
    data = yaml.safe_load(builtin_framework_path().read_text(encoding="utf-8"))
    data["checkpoints"].insert(
        1,
        {
            "key": "jan",
            "name": "January",
            "column": "Jan",
            "opens": "01-04",
            "closes": "01-29",
            "optional": True,
        },
    )
    path = tmp_path_factory.mktemp("trust") / "with-january.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_framework(path)


def test_the_january_sheet_is_filled_shown_and_exported(slack, fake_slack, clock, export):
    clock.now = JANUARY
    view = _start(slack, fake_slack, "UBOB")
    assert "January checkpoint 2026-27 · level 1 of 5" in json.dumps(view, ensure_ascii=False)
    finish = _fill(slack, view, BOB, "UBOB")["view"]
    assert not any(b.get("block_id") == Ids.TARGET_BLOCK for b in finish["blocks"])
    slack.view_submission(finish, {}, user_id="UBOB")
    slack.drain()

    (mine,) = fake_slack.messages_to("UBOB")
    assert message_problems(mine) == []
    assert mine["text"].startswith(
        "Your January ladder sheet for 2026-27 is saved. Level reached: January: level 2."
    )
    row = next(b for b in mine["blocks"] if b["text"]["text"].startswith("*3 · Develops ideas*"))
    assert row["text"]["text"].split("\n")[1] == (
        "*Sep* \N{EN DASH}   *Jan* "
        + ":large_green_square:" * 3
        + ":white_large_square::large_orange_square::white_large_square:"
        + "   *Mid* \N{EN DASH}   *Jul* \N{EN DASH}"
    )
    (sheet,) = export("bob@school.example")["ladder"]
    assert (sheet["checkpoint"], sheet["level_reached"], sheet["target_level"]) == ("jan", 2, None)


def test_it_is_reminded_like_the_others(deps):
    def keys(day: date) -> set[str]:
        moment = datetime(day.year, day.month, day.day, 9, 0, tzinfo=LONDON)
        due = due_at(db=deps.db, framework=deps.framework, calendar=deps.calendar, now=moment)
        return {n.delivery.key for n in due.nudges if ":jan:" in n.delivery.key}

    assert keys(date(2027, 1, 1)) == set()  # before it opens (and a bank holiday)
    opening = keys(date(2027, 1, 4))
    assert {k for k in opening if k.startswith("nudge:cp-open")} == {
        f"nudge:cp-open:2026-27:jan:{n}" for n in range(1, 6)
    }
    closing = keys(date(2027, 1, 22))
    assert any(k.startswith("nudge:cp-closing:2026-27:jan:") for k in closing)
    after = keys(date(2027, 2, 1))
    assert any(k.endswith(":closed") for k in after)  # appraisers told once it closed


def test_staffroom_lists_the_january_sheet_then_says_when_the_next_opens(slack, fake_slack, clock):
    clock.now = JANUARY
    slack.command("/staffroom", "", user_id="UBOB")
    slack.drain()
    assert "Fill in your January ladder sheet with `/ladder`" in json.dumps(
        fake_slack.responses()[-1]
    )
    clock.now = datetime(2027, 1, 30, 10, 0, tzinfo=LONDON)  # a Saturday after it closed
    slack.command("/ladder", "", user_id="UBOB")
    slack.drain()
    assert fake_slack.responses()[-1]["text"] == (
        "No ladder checkpoint is open now. The Mid-year checkpoint opens on 1 February 2027 and "
        "closes on 15 March 2027."
    )
