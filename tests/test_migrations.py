"""Migration 0008: sheets stored in the old form (the place of their first gap) become
answers per statement: true up to the gap, false at it, unknown (null) after it, since
the old form never kept those answers. And back again."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import text

from storage.db import alembic_config
from storage.ladder import sheets_of
from tests.factories import add_staff

COUNTS = [5, 4, 6, 6, 11, 13, 15, 15]
AT = datetime(2026, 9, 20, 9, 0, tzinfo=UTC)


def _at(database, revision: str, step) -> None:
    with database.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        step(config, revision)


def test_old_sheets_become_answers_with_the_unknown_left_unknown(database):
    bob = add_staff(database, "Bob", slack_user_id="UBOB")
    _at(database, "0007", command.downgrade)
    with database.engine.begin() as connection:
        for checkpoint, gap_level, gap_index, reached in (
            ("sep", 3, 4, 2),  # the example, as the old form kept it
            ("mid", None, None, 8),  # every statement true
            ("jul", 1, 1, 0),
        ):
            connection.execute(
                text(
                    "INSERT INTO ladder_sheet (staff_id, academic_year, checkpoint, gap_level, "
                    "gap_index, level_reached, target_level, created_at, updated_at) VALUES "
                    "(:staff, '2026-27', :cp, :gl, :gi, :reached, NULL, :at, :at)"
                ),
                {
                    "staff": bob.id,
                    "cp": checkpoint,
                    "gl": gap_level,
                    "gi": gap_index,
                    "reached": reached,
                    "at": AT.isoformat(),
                },
            )
    database.migrate()

    with database.read_session() as session:
        sheets = {s.checkpoint: s for s in sheets_of(session=session, staff_id=bob.id)}
    sep = sheets["sep"].held
    assert [len(level) for level in sep] == COUNTS
    assert sep[0] == [True] * 5 and sep[1] == [True] * 4
    assert sep[2] == [True, True, True, False, None, None]
    assert all(answer is None for level in sep[3:] for answer in level)
    assert sheets["mid"].held == [[True] * n for n in COUNTS]
    assert sheets["jul"].held[0] == [False, None, None, None, None]

    _at(database, "0007", command.downgrade)
    with database.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT checkpoint, gap_level, gap_index FROM ladder_sheet ORDER BY checkpoint")
        ).all()
    assert sorted(tuple(row) for row in rows) == [
        ("jul", 1, 1),
        ("mid", None, None),
        ("sep", 3, 4),
    ]
    database.migrate()
