"""Opinions: the resident's side of a thread, and the opinions a forum will answer.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 15:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | Sequence[str] | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("opinion_answers") as batch:
        batch.add_column(
            sa.Column("side", sa.String(length=16), nullable=False, server_default="officer")
        )
    op.create_table(
        "event_opinions",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("opinion_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_opinions_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["opinion_id"],
            ["opinions.id"],
            name=op.f("fk_event_opinions_opinion_id_opinions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "opinion_id", name=op.f("pk_event_opinions")),
    )
    op.create_index(
        op.f("ix_event_opinions_opinion_id"), "event_opinions", ["opinion_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_event_opinions_opinion_id"), table_name="event_opinions")
    op.drop_table("event_opinions")
    with op.batch_alter_table("opinion_answers") as batch:
        batch.drop_column("side")
