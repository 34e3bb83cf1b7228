"""appraisal objectives, their reviews, and leadership training write-ups

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "objective_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("academic_year", sa.String(length=7), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("target_level", sa.Integer(), nullable=True),
        sa.Column("agreed_at", UTCDateTime(), nullable=True),
        sa.Column("agreed_by", sa.Integer(), nullable=True),
        sa.Column("talk_comment", sa.Text(), nullable=False),
        sa.Column("talk_requested_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agreed_by"], ["staff.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("staff_id", "academic_year", name="uq_objective_set"),
    )
    with op.batch_alter_table("objective_set", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_objective_set_academic_year"), ["academic_year"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_objective_set_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "objective",
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("standards", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["set_id"], ["objective_set.id"]),
        sa.PrimaryKeyConstraint("set_id", "number"),
    )

    op.create_table(
        "objective_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("checkpoint", sa.String(length=20), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "on_track",
                "needs_support",
                "met",
                "partly_met",
                "not_met",
                name="objectivestatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["reviewed_by"], ["staff.id"]),
        sa.ForeignKeyConstraint(["set_id"], ["objective_set.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("set_id", "number", "checkpoint", name="uq_objective_review"),
    )
    with op.batch_alter_table("objective_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_objective_review_set_id"), ["set_id"], unique=False)

    op.create_table(
        "leadership_training",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("learned", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("leadership_training", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_leadership_training_staff_id"), ["staff_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("leadership_training")
    op.drop_table("objective_review")
    op.drop_table("objective")
    op.drop_table("objective_set")
