"""Who sees what (issue #13; the rule: bot.core.visibility): every way to read a record
about Bob, tried by each kind of person, through the real request path.

A record about a person is seen only by that person, its author, their appraiser and
the leaders of their school or trust. Each read path's viewers below are checked to be
within that, and each path is tried by Bob himself, a peer, Bob's appraiser (Amir, who
also made the lesson visit), his school's leader, another school's leader, a trust
leader and someone not on the roster: those listed see the record, everyone else is
refused, shown nothing of it and changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime

import pytest
from sqlalchemy import text
from sqlmodel import select

from bot.admin.audit import log
from messages.ids import FeedbackIds, StarIds
from storage.models import LeaderScope, MeasurementKind, StarMeasurement, StarProject, Visit
from tests.acting import record_counts
from tests.conftest import LONDON
from tests.factories import add_staff, ladder_sheet, start_star_project

VIEWERS = {
    "subject": "UBOB",
    "peer": "UALICE",
    "appraiser": "UAMIR",
    "school leader": "UHEAD",
    "another school's leader": "UTARIQ",
    "trust leader": "UDAVE",
    "not on the roster": "UVISITOR",
}
WHO_MAY_SEE = {"subject", "appraiser", "school leader", "trust leader"}  # + the author
TITLE = "Quokka reading club"
FEEDBACK_WORDS = "Calm, purposeful start"


class World:
    """Bob's records, and a way to see what a person was shown."""

    def __init__(self, slack, fake_slack, deps) -> None:
        self.slack, self.fake_slack, self.deps = slack, fake_slack, deps
        at = datetime(2026, 11, 23, 9, tzinfo=LONDON)
        started = start_star_project(deps, "UBOB", at.date(), date(2027, 1, 29), at)
        self.project = started.status.project_id
        last_year = start_star_project(deps, "UBOB", date(2025, 10, 1), date(2026, 2, 1), at)
        self.evaluated = last_year.status.project_id
        with deps.db.session() as session:
            session.execute(text("UPDATE star_project SET title = :t"), {"t": TITLE})
            session.execute(
                text(
                    "UPDATE star_project SET stage = 5, academic_year = '2025-26', "
                    "evaluation_submitted_at = created_at, learned = 'It worked' WHERE id = :id"
                ),
                {"id": self.evaluated},
            )
            session.add(
                StarMeasurement(
                    project_id=self.project,
                    kind=MeasurementKind.BASELINE,
                    value=60,
                    measured_on=at.date(),
                    created_at=at,
                )
            )
            session.add(ladder_sheet(staff_id=4, academic_year="2026-27", level_reached=2, at=at))
        slack.command("/feedback", "visit <@UBOB|bob> 2026-11-20", user_id="UAMIR")
        slack.drain()
        self.visit = self._one(Visit).id
        from tests.test_feedback import _complete

        _complete(slack, fake_slack, user_id="UCAROL", strengths=FEEDBACK_WORDS)

    def _one(self, table):
        with self.deps.db.read_session() as session:
            (row,) = session.exec(select(table)).all()
        return row

    def shown_to(self, viewer: str, act: Callable[[], object]) -> str:
        """Everything the app showed `viewer` while doing `act`, as one text."""
        since = len(self.fake_slack.calls)
        act()
        self.slack.drain()
        shown = []
        for call in self.fake_slack.calls[since:]:
            to_viewer = (
                call.method == "response_url"
                or call.params.get("channel") == viewer
                or call.params.get("user_id") == viewer
                or call.method in ("views.open", "views.push")
            )
            if to_viewer:
                shown.append(json.dumps(call.params))
        return "\n".join(shown)

    def press(self, viewer: str, action: str, value: str) -> Callable[[], object]:
        trigger = self.fake_slack.workspace.new_trigger(viewer)
        return lambda: self.slack.click(action, value, user_id=viewer, trigger_id=trigger)


@pytest.fixture
def world(school, database, fake_slack, slack, deps):
    add_staff(
        database,
        "Tariq",
        slack_user_id="UTARIQ",
        school="Tamar Academy",
        role="leader",
        grade="Head",
        leader=LeaderScope.SCHOOL,
    )
    add_staff(
        database,
        "Dave",
        slack_user_id="UDAVE",
        school="Trust Office",
        role="leader",
        grade="Head",
        leader=LeaderScope.TRUST,
    )
    fake_slack.add_user("UTARIQ", "tariq@school.example", name="tariq")
    fake_slack.add_user("UDAVE", "dave@school.example", name="dave")
    return World(slack, fake_slack, deps)


def _stage(world: World, project_id: int) -> int:
    with world.deps.db.read_session() as session:
        return session.get(StarProject, project_id).stage


# path -> (who sees it, how a viewer tries it, how we know they saw the record)
PATHS: dict[str, tuple[set[str], Callable, Callable[[str], bool]]] = {
    "/ladder @bob": (
        {"subject", "appraiser", "school leader", "trust leader"},
        lambda w, v: lambda: w.slack.command("/ladder", "<@UBOB|bob>", user_id=v),
        lambda shown: ":ladder: *" in shown,
    ),
    "App Home": (
        {"subject"},
        lambda w, v: (
            lambda: w.slack.event(
                {"type": "app_home_opened", "user": v, "channel": "D" + v, "tab": "home"}
            )
        ),
        lambda shown: FEEDBACK_WORDS in shown,
    ),
    "STAR project: show": (
        {"subject"},
        lambda w, v: w.press(v, StarIds.SHOW, str(w.project)),
        lambda shown: TITLE in shown,
    ),
    "STAR project: add a note": (
        {"subject"},
        lambda w, v: w.press(v, StarIds.ADD_NOTE, str(w.project)),
        lambda shown: StarIds.NOTE_MODAL in shown,
    ),
    "STAR project: record a measurement": (
        {"subject"},
        lambda w, v: w.press(v, StarIds.RECORD, str(w.project)),
        lambda shown: StarIds.MEASURE_MODAL in shown,
    ),
    "STAR project: evaluate": (
        {"subject"},
        lambda w, v: w.press(v, StarIds.EVALUATE, str(w.evaluated)),
        lambda shown: StarIds.EVALUATE_MODAL in shown,
    ),
    "STAR project: move on": (
        {"subject"},
        lambda w, v: w.press(v, StarIds.NEXT_STAGE, str(w.project)),
        lambda shown: TITLE in shown,
    ),
    "STAR project: the final, measured the same way": (
        {"subject"},
        lambda w, v: w.press(
            v, StarIds.FINAL_SAME_WAY, json.dumps({"project": w.project, "value": "71"})
        ),
        lambda shown: TITLE in shown,
    ),
    "STAR project: confirm the evaluation": (
        {"appraiser"},
        lambda w, v: w.press(v, StarIds.CONFIRM_EVALUATION, str(w.evaluated)),
        lambda shown: TITLE in shown,
    ),
    "lesson visit: verbal feedback given": (
        {"appraiser"},  # Amir made the visit: its author
        lambda w, v: w.press(v, FeedbackIds.VISIT_VERBAL, str(w.visit)),
        lambda shown: "Lesson visit" in shown and ":warning:" not in shown,
    ),
    "lesson visit: write the feedback": (
        {"appraiser"},
        lambda w, v: w.press(v, FeedbackIds.VISIT_WRITE, str(w.visit)),
        lambda shown: FeedbackIds.SUBJECT_MODAL in shown,
    ),
}


def test_each_path_shows_records_only_to_whom_the_rule_allows():
    for path, (sees, _act, _saw) in PATHS.items():
        assert sees <= WHO_MAY_SEE, path


@pytest.mark.parametrize("path", list(PATHS))
def test_who_sees_what(world, path):
    sees, act, saw = PATHS[path]
    before = record_counts(world.deps.db)
    stages = (_stage(world, world.project), _stage(world, world.evaluated))
    outcome = {}
    for kind, viewer in VIEWERS.items():
        shown = world.shown_to(viewer, act(world, viewer))
        outcome[kind] = saw(shown)
        if not outcome[kind]:
            assert TITLE not in shown and FEEDBACK_WORDS not in shown, (kind, shown)
        if kind == "not on the roster":
            assert "not on the" in shown.lower(), shown
    assert {kind for kind, seen in outcome.items() if seen} == sees
    if sees == {"subject"} or sees == {"appraiser"}:  # one person's own controls
        changed = record_counts(world.deps.db)
        audit = changed.pop("audit_event"), before.pop("audit_event")
        assert audit[0] == audit[1]
        if "move on" in path:
            assert _stage(world, world.project) == stages[0] + 1  # once: Bob's press
        elif "measured the same way" in path:
            assert changed["star_measurement"] == before["star_measurement"] + 1
        elif "confirm" not in path and "verbal" not in path:
            assert changed == before, path


def test_every_view_by_someone_else_is_in_the_audit_log(world):
    for viewer in VIEWERS.values():
        world.slack.command("/ladder", "<@UBOB|bob>", user_id=viewer)
    world.slack.drain()
    entries = [(e.who, e.action, e.whose) for e in log(db=world.deps.db)]
    assert entries == [
        ("amir@school.example", "view.ladder", "bob@school.example"),
        ("hannah@school.example", "view.ladder", "bob@school.example"),
        ("dave@school.example", "view.ladder", "bob@school.example"),
    ]
