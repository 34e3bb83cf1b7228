"""anonymous counts of purged records

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "purged_count",
        sa.Column("academic_year", sa.String(length=7), nullable=False),
        sa.Column("school", sa.String(length=200), nullable=False),
        sa.Column("record", sa.String(length=30), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("academic_year", "school", "record"),
    )


def downgrade() -> None:
    op.drop_table("purged_count")
