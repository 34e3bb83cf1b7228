"""`staffroom erase` covers the appraisal year: objectives' words, review comments and
training write-ups are blanked (statuses and dates stay as anonymous counts), and every
message the app kept about those objectives is deleted."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from bot.cli import main
from storage.models import LeadershipTraining, Objective, ObjectiveReview, OutboxMessage
from tests.year_data import MAIN_ROLE, full_year


@pytest.mark.usefixtures("school")
def test_erase_blanks_objectives_reviews_and_training(deps, monkeypatch, capsys):
    full_year(deps)
    with deps.db.session() as session:
        kept = [m.key for m in session.exec(select(OutboxMessage)).all()]
    assert any(key.startswith("objectives:1:") for key in kept)

    monkeypatch.setenv("DATABASE_URL", deps.db.url)
    assert main(["erase", "--email", "alice@school.example", "--yes"]) == 0
    capsys.readouterr()

    with deps.db.session() as session:
        objectives = session.exec(select(Objective)).all()
        reviews = session.exec(select(ObjectiveReview)).all()
        training = session.exec(select(LeadershipTraining)).all()
        messages = session.exec(select(OutboxMessage)).all()
    assert [(o.text, o.standards) for o in objectives] == [("", [])] * 3
    assert [r.comment for r in reviews] == [""] * 3
    assert [r.status.value for r in reviews] == ["on_track", "needs_support", "on_track"]
    assert [(t.title, t.learned) for t in training] == [("(erased)", "")]
    assert not any(m.key.startswith("objectives:") for m in messages)
    assert not any(MAIN_ROLE in json.dumps(m.payload) for m in messages)
