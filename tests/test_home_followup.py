"""Whom a leader's follow-up list names (found by the year's trial): only the people the
leader leads (a school leader: their school's staff other than themself, their own
appraiser and the trust's leaders), and under "Objectives not agreed" only people with
an appraiser on the roster to agree them (not a trust leader or a governor)."""

from __future__ import annotations

import pytest

from messages.ids import HomeIds
from messages.limits import view_problems
from storage.models import LeaderScope, Role, Staff
from tests.factories import add_staff
from tests.test_home import open_home, shown
from tests.year_data import MARCH, full_year


@pytest.fixture
def trust(deps, school, fake_slack):
    """Dave leads the trust from Saltash Primary and appraises Hannah, its head; Gwen is a
    governor there. Neither has an appraiser on the roster."""
    dave = add_staff(
        deps.db,
        "Dave",
        slack_user_id="UDAVE",
        role=Role.LEADER,
        grade="Head",
        leader=LeaderScope.TRUST,
    )
    add_staff(deps.db, "Gwen", slack_user_id="UGWEN", role=Role.GOVERNOR)
    with deps.db.session() as session:
        head = session.get(Staff, school.head.id)
        head.appraiser_id = dave.id
        session.add(head)
    for user in ("UDAVE", "UGWEN"):
        fake_slack.add_user(user, f"{user.lower()}@school.example")
    return dave


def _school_lines(view: dict) -> list[str]:
    (school,) = [b for b in view["blocks"] if b.get("block_id", "").startswith("school_")]
    return school["text"]["text"].split("\n")


@pytest.mark.usefixtures("trust")
def test_a_school_leaders_list_leaves_out_her_appraiser_and_those_nobody_appraises(
    slack, fake_slack, deps, clock
):
    full_year(deps)
    clock.now = MARCH
    view = open_home(slack, fake_slack, "UHEAD")
    lines = _school_lines(view)
    assert "<@UDAVE>" not in shown(view)  # her appraiser, and the trust's leader
    assert lines[0] == "*Saltash Primary* (5 staff)"  # Amir, Alice, Bob, Carol and Gwen
    assert "• Objectives not agreed (3): <@UAMIR>, <@UBOB>, <@UCAROL>" in lines

    slack.click(HomeIds.FOLLOW_UP, "Saltash Primary", user_id="UHEAD")
    slack.drain()
    modal = fake_slack.calls_to("views.open")[-1].params["view"]
    assert view_problems(modal) == []
    assert "*Objectives not agreed* (3)\n<@UAMIR>, <@UBOB>, <@UCAROL>" in shown(modal)
    assert "<@UDAVE>" not in shown(modal)


@pytest.mark.usefixtures("trust")
def test_a_trust_leaders_list_names_the_head_he_appraises_but_not_the_governor(
    slack, fake_slack, deps, clock
):
    full_year(deps)
    clock.now = MARCH
    lines = _school_lines(open_home(slack, fake_slack, "UDAVE"))
    assert lines[0] == "*Saltash Primary* (6 staff)"  # Dave himself is not in it
    assert "• Objectives not agreed (4): <@UAMIR>, <@UBOB>, <@UCAROL>, <@UHEAD>" in lines


@pytest.mark.usefixtures("trust")
def test_nobody_without_an_appraiser_is_told_to_write_objectives(slack, fake_slack, clock):
    for user in ("UDAVE", "UGWEN"):
        assert "Write your three objectives" not in shown(open_home(slack, fake_slack, user))
    assert "Write your three objectives" in shown(open_home(slack, fake_slack, "UHEAD"))
