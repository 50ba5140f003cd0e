"""Replies stored with the state that caused them, and the reply keyboard a chat shows.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 01:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identity_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("update_key", sa.String(length=128), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("parts_sent", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["identity_id"],
            ["identities.id"],
            name=op.f("fk_pending_replies_identity_id_identities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_replies")),
        # Ids never come back after a deletion (SQLite would reuse them without it): the
        # dispatcher recognises a batch it already sent by its id.
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("pending_replies", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pending_replies_channel_update", ["channel", "update_key"], unique=False
        )
        batch_op.create_index("ix_pending_replies_channel_id", ["channel", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_pending_replies_identity_id"), ["identity_id"], unique=False
        )
    with op.batch_alter_table("identities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reply_keyboard", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("identities", schema=None) as batch_op:
        batch_op.drop_column("reply_keyboard")
    op.drop_table("pending_replies")
