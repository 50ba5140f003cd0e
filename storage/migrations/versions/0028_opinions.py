"""Residents' opinions and proposals to their commune, and the officers' answers.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 13:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | Sequence[str] | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "opinions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("place_text", sa.Text(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("photo", sa.JSON(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("sender_route", sa.LargeBinary(), nullable=True),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="received", nullable=False),
        sa.Column("received_on", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_on", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_on", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_opinions_area_id_areas"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_opinions_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opinions")),
        sa.UniqueConstraint("code", name=op.f("uq_opinions_code")),
    )
    op.create_index("ix_opinions_status_received_on", "opinions", ["status", "received_on"])
    op.create_index(op.f("ix_opinions_member_id"), "opinions", ["member_id"])
    op.create_index(op.f("ix_opinions_area_id"), "opinions", ["area_id"])
    op.create_table(
        "opinion_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opinion_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_on", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["opinion_id"],
            ["opinions.id"],
            name=op.f("fk_opinion_answers_opinion_id_opinions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opinion_answers")),
    )
    op.create_index(op.f("ix_opinion_answers_opinion_id"), "opinion_answers", ["opinion_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_opinion_answers_opinion_id"), table_name="opinion_answers")
    op.drop_table("opinion_answers")
    op.drop_index(op.f("ix_opinions_area_id"), table_name="opinions")
    op.drop_index(op.f("ix_opinions_member_id"), table_name="opinions")
    op.drop_index("ix_opinions_status_received_on", table_name="opinions")
    op.drop_table("opinions")
