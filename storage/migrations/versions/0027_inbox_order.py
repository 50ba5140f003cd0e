"""The inbox keeps applied updates' places (not their content) for a while: a gap below a
waiting update is one still on its way.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 12:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | Sequence[str] | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbox") as batch:
        batch.add_column(
            sa.Column("applied", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_index("ix_inbox_channel_position", "inbox", ["channel", "position"])


def downgrade() -> None:
    op.drop_index("ix_inbox_channel_position", table_name="inbox")
    with op.batch_alter_table("inbox") as batch:
        batch.drop_column("applied")
