"""feedback and lesson visits

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("observer_id", sa.Integer(), nullable=False),
        sa.Column("observee_id", sa.Integer(), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column(
            "context",
            sa.Enum(
                "lesson",
                "meeting",
                "duty",
                "other",
                name="feedbackcontext",
                native_enum=False,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("context_detail", sa.String(length=200), nullable=False),
        sa.Column("standard_set", sa.String(length=40), nullable=False),
        sa.Column("strengths", sa.Text(), nullable=False),
        sa.Column("development", sa.Text(), nullable=False),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["observee_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["observer_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_observed_on"), ["observed_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_observee_id"), ["observee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_observer_id"), ["observer_id"], unique=False)

    op.create_table(
        "feedback_standard",
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("rating", sa.String(length=3), nullable=True),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["feedback.id"],
        ),
        sa.PrimaryKeyConstraint("feedback_id", "position"),
    )
    with op.batch_alter_table("feedback_standard", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_standard_code"), ["code"], unique=False)

    op.create_table(
        "visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("observer_id", sa.Integer(), nullable=False),
        sa.Column("observee_id", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("verbal_due", sa.Date(), nullable=False),
        sa.Column("written_due", sa.Date(), nullable=False),
        sa.Column("verbal_given_at", UTCDateTime(), nullable=True),
        sa.Column("written_feedback_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["observee_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["observer_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["written_feedback_id"],
            ["feedback.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("written_feedback_id"),
    )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_observee_id"), ["observee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_observer_id"), ["observer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_written_due"), ["written_due"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_written_due"))
        batch_op.drop_index(batch_op.f("ix_visit_observer_id"))
        batch_op.drop_index(batch_op.f("ix_visit_observee_id"))

    op.drop_table("visit")
    with op.batch_alter_table("feedback_standard", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_standard_code"))

    op.drop_table("feedback_standard")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_observer_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_observee_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_observed_on"))
        batch_op.drop_index(batch_op.f("ix_feedback_created_at"))

    op.drop_table("feedback")
