"""leadership ladder sheets

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ladder_sheet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("academic_year", sa.String(length=7), nullable=False),
        sa.Column("checkpoint", sa.String(length=20), nullable=False),
        sa.Column("gap_level", sa.Integer(), nullable=True),
        sa.Column("gap_index", sa.Integer(), nullable=True),
        sa.Column("level_reached", sa.Integer(), nullable=False),
        sa.Column("target_level", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("staff_id", "academic_year", "checkpoint", name="uq_ladder_sheet"),
    )
    with op.batch_alter_table("ladder_sheet", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ladder_sheet_academic_year"), ["academic_year"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ladder_sheet_staff_id"), ["staff_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ladder_sheet", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ladder_sheet_staff_id"))
        batch_op.drop_index(batch_op.f("ix_ladder_sheet_academic_year"))

    op.drop_table("ladder_sheet")
