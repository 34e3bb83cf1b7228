"""ladder sheets keep each answer; a person's standard set may be chosen on the roster

A sheet used to be stored as the place of its first gap (the old rule coloured
everything after it amber). It is now stored as what the person answered for
each statement (`held`: true, false, or null when not asked). Sheets in the old
form are carried over: true up to the gap, false at it, and null after it, since
those answers were never kept.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# The statements per level of the SMART sheets the old form was filled with, in
# case the trust's framework file cannot be read while migrating.
_SMART_COUNTS = [5, 4, 6, 6, 11, 13, 15, 15]
_BUILTIN = Path(__file__).resolve().parents[3] / "bot" / "frameworks"


def _statement_counts() -> list[int]:
    """How many statements each sheet level (1-8) has in the framework in use."""
    setting = os.environ.get("STAFFROOM_FRAMEWORK", "").strip() or "smart"
    path = _BUILTIN / f"{setting.lower()}.yml" if setting.lower() in ("smart", "share") else None
    try:
        raw: Any = yaml.safe_load((path or Path(setting)).read_text(encoding="utf-8"))
        counts = [len(level.get("statements") or []) for level in raw.get("ladder") or []][:8]
    except (OSError, yaml.YAMLError, AttributeError, TypeError):
        counts = []
    return counts if len(counts) == 8 and all(counts) else _SMART_COUNTS


def _held_from_gap(gap_level: int | None, gap_index: int | None, counts: list[int]) -> list[Any]:
    held: list[list[bool | None]] = []
    for level, count in enumerate(counts, 1):
        if gap_level is None or gap_index is None or level < gap_level:
            held.append([True] * count)
        elif level == gap_level:
            held.append(
                [index < gap_index if index <= gap_index else None for index in range(1, count + 1)]
            )
        else:
            held.append([None] * count)
    return held


def upgrade() -> None:
    with op.batch_alter_table("ladder_sheet", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held", sa.JSON(), nullable=True))
    connection = op.get_bind()
    sheets = sa.table(
        "ladder_sheet",
        sa.column("id", sa.Integer()),
        sa.column("gap_level", sa.Integer()),
        sa.column("gap_index", sa.Integer()),
        sa.column("held", sa.JSON()),
    )
    counts = _statement_counts()
    rows = connection.execute(sa.select(sheets.c.id, sheets.c.gap_level, sheets.c.gap_index))
    for sheet_id, gap_level, gap_index in rows.fetchall():
        connection.execute(
            sheets.update()
            .where(sheets.c.id == sheet_id)
            .values(held=_held_from_gap(gap_level, gap_index, counts))
        )
    with op.batch_alter_table("ladder_sheet", schema=None) as batch_op:
        batch_op.alter_column("held", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("gap_index")
        batch_op.drop_column("gap_level")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("standards", sa.String(length=40), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops a column in place (3.35+); copying the staff table, as a batch
        # would, is refused while other tables' rows point at it.
        op.execute("ALTER TABLE staff DROP COLUMN standards")
    else:
        with op.batch_alter_table("staff", schema=None) as batch_op:
            batch_op.drop_column("standards")
    with op.batch_alter_table("ladder_sheet", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gap_level", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("gap_index", sa.Integer(), nullable=True))
    connection = op.get_bind()
    sheets = sa.table(
        "ladder_sheet",
        sa.column("id", sa.Integer()),
        sa.column("gap_level", sa.Integer()),
        sa.column("gap_index", sa.Integer()),
        sa.column("held", sa.JSON()),
    )
    for sheet_id, held in connection.execute(sa.select(sheets.c.id, sheets.c.held)).fetchall():
        levels = json.loads(held) if isinstance(held, str) else held
        gap = next(
            (
                (level, index)
                for level, answers in enumerate(levels, 1)
                for index, answer in enumerate(answers, 1)
                if answer is not True
            ),
            (None, None),
        )
        connection.execute(
            sheets.update()
            .where(sheets.c.id == sheet_id)
            .values(gap_level=gap[0], gap_index=gap[1])
        )
    with op.batch_alter_table("ladder_sheet", schema=None) as batch_op:
        batch_op.drop_column("held")
