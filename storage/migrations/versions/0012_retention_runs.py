"""What each run of the retention schedule erased, by category (counts only).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 08:15:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "retention_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ran_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("erased", sa.Integer(), nullable=False),
        sa.Column("left_due", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_runs")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_retention_runs_category_ran_at", "retention_runs", ["category", "ran_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_retention_runs_category_ran_at", table_name="retention_runs")
    op.drop_table("retention_runs")
