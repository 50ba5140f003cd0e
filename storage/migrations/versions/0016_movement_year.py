"""The movement's year: registrations for the "An toàn về ANTT" standard, recognitions and the
units' grades.

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-02 18:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _keys(table: str) -> list[sa.SchemaItem]:
    """The id, the place and the year every table of the year has, one row per place and year."""
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f(f"fk_{table}_area_id_areas"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("area_id", "year", name=op.f(f"uq_{table}_area_id_year")),
    ]


def _by_member(table: str, column: str) -> list[sa.SchemaItem]:
    return [
        sa.Column(column, sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            [column], ["members.id"], name=op.f(f"fk_{table}_{column}_members"), ondelete="SET NULL"
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "standard_registrations",
        *_keys("standard_registrations"),
        sa.Column("households_registered", sa.Integer(), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("late", sa.Boolean(), server_default=sa.false(), nullable=False),
        *_by_member("standard_registrations", "registered_by"),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "standard_recognitions",
        *_keys("standard_recognitions"),
        sa.Column("recognised", sa.Boolean(), nullable=False),
        *_by_member("standard_recognitions", "decided_by"),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "unit_grades",
        *_keys("unit_grades"),
        sa.Column("grade", sa.String(length=16), nullable=False),
        *_by_member("unit_grades", "graded_by"),
        sa.Column("graded_at", sa.DateTime(timezone=True), nullable=False),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("unit_grades")
    op.drop_table("standard_recognitions")
    op.drop_table("standard_registrations")
