"""STAR projects, measurements and notes

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "star_project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("academic_year", sa.String(length=7), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("beneficiaries", sa.String(length=500), nullable=False),
        sa.Column("kpi_name", sa.String(length=150), nullable=False),
        sa.Column("kpi_unit", sa.String(length=30), nullable=False),
        sa.Column("higher_is_better", sa.Boolean(), nullable=False),
        sa.Column("kpi_method", sa.Text(), nullable=False),
        sa.Column("planned_start", sa.Date(), nullable=False),
        sa.Column("planned_end", sa.Date(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("learned", sa.Text(), nullable=False),
        sa.Column("would_share", sa.Boolean(), nullable=True),
        sa.Column("evaluation_submitted_at", UTCDateTime(), nullable=True),
        sa.Column("evaluated_at", UTCDateTime(), nullable=True),
        sa.Column("evaluated_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluated_by"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("star_project", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_star_project_academic_year"), ["academic_year"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_star_project_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "star_measurement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "baseline", "interim", "final", name="measurementkind", native_enum=False, length=10
            ),
            nullable=False,
        ),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["star_project.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("star_measurement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_star_measurement_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(
            "uq_star_measurement_once",
            ["project_id", "kind"],
            unique=True,
            sqlite_where=sa.text("kind IN ('baseline', 'final')"),
            postgresql_where=sa.text("kind IN ('baseline', 'final')"),
        )

    op.create_table(
        "star_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["star_project.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("star_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_star_note_project_id"), ["project_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("star_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_star_note_project_id"))

    op.drop_table("star_note")
    with op.batch_alter_table("star_measurement", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_star_measurement_once",
            sqlite_where=sa.text("kind IN ('baseline', 'final')"),
            postgresql_where=sa.text("kind IN ('baseline', 'final')"),
        )
        batch_op.drop_index(batch_op.f("ix_star_measurement_project_id"))

    op.drop_table("star_measurement")
    with op.batch_alter_table("star_project", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_star_project_owner_id"))
        batch_op.drop_index(batch_op.f("ix_star_project_academic_year"))

    op.drop_table("star_project")
