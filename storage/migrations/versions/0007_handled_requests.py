"""requests from Slack handled once

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handled_request",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("handled_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_handled_request_handled_at", "handled_request", ["handled_at"])


def downgrade() -> None:
    op.drop_index("ix_handled_request_handled_at", table_name="handled_request")
    op.drop_table("handled_request")
