"""Several processes, one bot: outbox lease owners, a shared send budget, per-user order.

Revision ID: 0017
Revises: 0013
Create Date: 2026-12-02 18:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("lease_worker", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("lease_boot", sa.String(length=32), nullable=True))
    op.create_table(
        "send_budgets",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seq", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("channel", name=op.f("pk_send_budgets")),
    )
    op.create_table(
        "send_log",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("channel", "seq", name=op.f("pk_send_log")),
    )
    op.create_table(
        "chat_send_slots",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "chat_id", name=op.f("pk_chat_send_slots")),
    )
    op.create_index(op.f("ix_chat_send_slots_next_at"), "chat_send_slots", ["next_at"])
    with op.batch_alter_table("identities") as batch:
        batch.add_column(sa.Column("last_update_order", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("identities") as batch:
        batch.drop_column("last_update_order")
    op.drop_index(op.f("ix_chat_send_slots_next_at"), table_name="chat_send_slots")
    op.drop_table("chat_send_slots")
    op.drop_table("send_log")
    op.drop_table("send_budgets")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("lease_boot")
        batch.drop_column("lease_worker")
