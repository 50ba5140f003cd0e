"""The inbox: webhook updates stored before the answer, applied in each user's order.

Revision ID: 0021_inbox
Revises: 0020
Create Date: 2026-12-07 09:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_inbox"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("user_key", sa.String(length=64), nullable=False),
        sa.Column("update_key", sa.String(length=128), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox")),
        sa.UniqueConstraint("channel", "update_key", name=op.f("uq_inbox_channel_update_key")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_inbox_channel_user", "inbox", ["channel", "user_key", "position"])
    op.create_table(
        "inbox_turns",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("user_key", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=96), nullable=False),
        sa.Column("held_until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "user_key", name=op.f("pk_inbox_turns")),
    )


def downgrade() -> None:
    op.drop_table("inbox_turns")
    op.drop_index("ix_inbox_channel_user", table_name="inbox")
    op.drop_table("inbox")
