"""Agencies, businesses and schools: a unit's figures and the propaganda reach it reports.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 12:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "unit_profiles",
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=True),
        sa.Column("staff", sa.Integer(), nullable=True),
        sa.Column("students", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["areas.id"],
            name=op.f("fk_unit_profiles_area_id_areas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("area_id", name=op.f("pk_unit_profiles")),
    )
    op.create_table(
        "unit_reach",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("span", sa.String(length=8), nullable=False),
        sa.Column("reached", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(length=200), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("reported_by", sa.Integer(), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_unit_reach_area_id_areas"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["reported_by"],
            ["members.id"],
            name=op.f("fk_unit_reach_reported_by_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_reach")),
        sa.UniqueConstraint(
            "area_id", "year", "span", name=op.f("uq_unit_reach_area_id_year_span")
        ),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("unit_reach")
    op.drop_table("unit_profiles")
