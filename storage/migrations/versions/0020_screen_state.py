"""A stored reply batch says whether it owes the chat a reply keyboard's removal.

The processor decides what a chat shows after its replies in the transaction that stores them
(``identities.reply_keyboard`` is the state after the last stored batch); the sender follows
the batch's ``removal_owed`` and writes nothing after the send.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 06:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN, also on SQLite: a batch copy of the table would drop its
    # AUTOINCREMENT, and the dispatcher knows sent batches by ids that never come back.
    op.add_column(
        "pending_replies",
        sa.Column("removal_owed", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table(
        "pending_replies", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_column("removal_owed")
