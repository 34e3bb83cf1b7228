"""Objective 3's target and the September ladder sheet's target are one value: whichever
form set it last, the objectives, the App Home, `/ladder` and the report all show it
(found by the year's trial: the Home and the report's grid said "not set")."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import select

from bot.report.year import report_seen_by
from messages.ids import LadderIds, ObjectivesIds
from storage.models import LadderSheet, ObjectiveSet
from tests.conftest import LONDON
from tests.factories import person
from tests.test_home import open_home, shown
from tests.test_ladder import BOB, _fill, _start, target
from tests.test_objectives import open_form, write

pytestmark = pytest.mark.usefixtures("school")

SEPTEMBER = datetime(2026, 9, 15, 10, 0, tzinfo=LONDON)
NOVEMBER = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)


def _form_target(slack, fake_slack, user="UALICE") -> str | None:
    """The target the objectives form opens with."""
    view = open_form(slack, fake_slack, user)
    for block in view["blocks"]:
        if block.get("block_id") == ObjectivesIds.TARGET_BLOCK:
            option = block["element"].get("initial_option")
            return option["value"] if option else None
    raise AssertionError("no target in the objectives form")


def _ladder_reply(slack, fake_slack, text: str, user: str) -> str:
    slack.command("/ladder", text, user_id=user)
    slack.drain()
    return fake_slack.responses()[-1]["text"]


def _report_targets(deps, clock) -> tuple[int | None, int | None]:
    report = report_seen_by(
        db=deps.db,
        framework=deps.framework,
        calendar=deps.calendar,
        viewer=person(deps.db, "UALICE"),
        now=clock.now,
        subject_slack_id="UALICE",
    )
    return report.objectives.target_level, report.grid.target


def _stored(deps) -> tuple[int | None, int | None]:
    """(objective 3's stored target, the September sheet's stored target) for Alice."""
    with deps.db.read_session() as session:
        alice = person(deps.db, "UALICE")
        found = session.exec(select(ObjectiveSet).where(ObjectiveSet.staff_id == alice.id)).one()
        sheet = session.exec(
            select(LadderSheet).where(
                LadderSheet.staff_id == alice.id, LadderSheet.checkpoint == "sep"
            )
        ).one()
        return found.target_level, sheet.target_level


def test_a_target_set_with_the_objectives_is_shown_everywhere(slack, fake_slack, deps, clock):
    clock.now = NOVEMBER  # no ladder window open, and no sheet filled this year
    assert write(slack, fake_slack, target="4").status_code == 200

    assert "Target by July: 4" in shown(open_home(slack, fake_slack, "UALICE"))
    assert _report_targets(deps, clock) == (4, 4)
    # Her appraiser's /ladder @alice and her own /ladder show this year's target.
    assert "Target by July: level 4" in _ladder_reply(slack, fake_slack, "<@UALICE>", "UAMIR")
    own = _ladder_reply(slack, fake_slack, "", "UALICE")
    assert "2026-27" in own and "Target by July: level 4" in own


def test_whichever_form_set_the_target_last_is_shown_by_both(slack, fake_slack, deps, clock):
    clock.now = SEPTEMBER
    write(slack, fake_slack, target="4")
    # The September sheet, filled after, sets 5: the objectives follow it.
    finish = _fill(slack, _start(slack, fake_slack, "UALICE"), BOB, user_id="UALICE")
    slack.view_submission(finish["view"], target(5), user_id="UALICE")
    slack.drain()
    assert _form_target(slack, fake_slack) == "5"
    assert _report_targets(deps, clock) == (5, 5)
    assert _stored(deps) == (5, 5)  # both places hold it, not just one read over the other

    # The objectives, changed after (not yet agreed), set 3: the sheet follows them.
    write(slack, fake_slack, target="3")
    assert _report_targets(deps, clock) == (3, 3)
    assert _stored(deps) == (3, 3)
    assert "Target by July: 3" in shown(open_home(slack, fake_slack, "UALICE"))
    assert "Target by July: level 3" in _ladder_reply(slack, fake_slack, "<@UALICE>", "UAMIR")


def test_a_sheet_filled_before_any_objectives_gives_them_its_target(slack, fake_slack, deps, clock):
    clock.now = SEPTEMBER
    finish = _fill(slack, _start(slack, fake_slack, "UALICE"), BOB, user_id="UALICE")
    slack.view_submission(finish["view"], target(4), user_id="UALICE")
    slack.drain()
    assert _form_target(slack, fake_slack) == "4"
    assert _report_targets(deps, clock) == (4, 4)


def test_the_september_sheet_offers_the_target_set_with_the_objectives(slack, fake_slack, clock):
    clock.now = SEPTEMBER
    write(slack, fake_slack, target="4")
    finish = _fill(slack, _start(slack, fake_slack, "UALICE"), BOB, user_id="UALICE")["view"]
    (chosen,) = [
        block["element"]["initial_option"]["value"]
        for block in finish["blocks"]
        if block.get("block_id") == LadderIds.TARGET_BLOCK
    ]
    assert chosen == "4"  # not the level reached (2), which would change objective 3's
