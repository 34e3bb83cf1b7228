"""weekly summary subscriptions

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "summary_subscription",
        sa.Column("channel_id", sa.String(length=40), nullable=False),
        sa.Column("school", sa.String(length=200), nullable=True),
        sa.Column("subscribed_by", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscribed_by"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("channel_id"),
    )


def downgrade() -> None:
    op.drop_table("summary_subscription")
