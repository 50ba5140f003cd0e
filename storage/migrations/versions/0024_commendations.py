"""Commendations (thi đua, khen thưởng) and the year's exemplary units (điển hình).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 12:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | Sequence[str] | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _by_member(table: str, column: str) -> list[sa.SchemaItem]:
    return [
        sa.Column(column, sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            [column], ["members.id"], name=op.f(f"fk_{table}_{column}_members"), ondelete="SET NULL"
        ),
    ]


def _in_area(table: str, column: str) -> list[sa.SchemaItem]:
    return [
        sa.Column(column, sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            [column], ["areas.id"], name=op.f(f"fk_{table}_{column}_areas"), ondelete="RESTRICT"
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "commendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        *_in_area("commendations", "area_id"),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("subject_ref_id", sa.Integer(), nullable=True),
        sa.Column("subject_name", sa.String(length=200), nullable=False),
        *_by_member("commendations", "recipient_member_id"),
        sa.Column("person_name", sa.String(length=120), nullable=True),
        sa.Column("person_role", sa.String(length=120), nullable=True),
        sa.Column("form", sa.String(length=48), nullable=False),
        sa.Column("achievement", sa.Text(), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        *_in_area("commendations", "proposer_area_id"),
        *_by_member("commendations", "proposed_by_member_id"),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        *_by_member("commendations", "reviewed_by_member_id"),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commendations")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_commendations_year_status", "commendations", ["year", "status"])
    op.create_index(op.f("ix_commendations_area_id"), "commendations", ["area_id"])
    op.create_index(
        op.f("ix_commendations_recipient_member_id"), "commendations", ["recipient_member_id"]
    )
    op.create_table(
        "exemplary_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        *_in_area("exemplary_units", "commune_id"),
        sa.Column("status", sa.String(length=16), nullable=False),
        *_by_member("exemplary_units", "proposed_by_member_id"),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        *_by_member("exemplary_units", "recognised_by_member_id"),
        sa.Column("recognised_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exemplary_units")),
        sa.UniqueConstraint(
            "kind", "ref_id", "year", name=op.f("uq_exemplary_units_kind_ref_id_year")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_exemplary_units_commune_id"), "exemplary_units", ["commune_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_exemplary_units_commune_id"), table_name="exemplary_units")
    op.drop_table("exemplary_units")
    op.drop_index(op.f("ix_commendations_recipient_member_id"), table_name="commendations")
    op.drop_index(op.f("ix_commendations_area_id"), table_name="commendations")
    op.drop_index("ix_commendations_year_status", table_name="commendations")
    op.drop_table("commendations")
