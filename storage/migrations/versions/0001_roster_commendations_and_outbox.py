"""roster, commendations and outbox

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=80), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sending",
                "sent",
                "failed",
                name="outboxstatus",
                native_enum=False,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("slack_ts", sa.String(length=40), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", name="uq_outbox_key"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_due", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("school", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "teacher",
                "ta",
                "support",
                "leader",
                "governor",
                name="role",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("grade", sa.String(length=40), nullable=False),
        sa.Column("appraiser_id", sa.Integer(), nullable=True),
        sa.Column(
            "leader",
            sa.Enum("school", "trust", name="leaderscope", native_enum=False, length=10),
            nullable=True,
        ),
        sa.Column("slack_user_id", sa.String(length=40), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["appraiser_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_appraiser_id"), ["appraiser_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_email"), ["email"], unique=True)
        batch_op.create_index(batch_op.f("ix_staff_school"), ["school"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_slack_user_id"), ["slack_user_id"], unique=True)

    op.create_table(
        "commendation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("value", sa.String(length=20), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("commendation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commendation_author_id"), ["author_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_commendation_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "commendation_recipient",
        sa.Column("commendation_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commendation_id"],
            ["commendation.id"],
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("commendation_id", "staff_id"),
    )
    with op.batch_alter_table("commendation_recipient", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commendation_recipient_staff_id"), ["staff_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("commendation_recipient", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commendation_recipient_staff_id"))

    op.drop_table("commendation_recipient")
    with op.batch_alter_table("commendation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commendation_created_at"))
        batch_op.drop_index(batch_op.f("ix_commendation_author_id"))

    op.drop_table("commendation")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_slack_user_id"))
        batch_op.drop_index(batch_op.f("ix_staff_school"))
        batch_op.drop_index(batch_op.f("ix_staff_email"))
        batch_op.drop_index(batch_op.f("ix_staff_appraiser_id"))

    op.drop_table("staff")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_due")

    op.drop_table("outbox")
