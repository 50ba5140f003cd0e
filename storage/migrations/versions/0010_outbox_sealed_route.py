"""An anonymous tipster's news is addressed by the sealed route, never a readable chat id.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 02:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed_route", sa.LargeBinary(), nullable=True))
    # News already queued for anonymous senders keeps its readable chat id until it is sent;
    # what was sent loses it now.
    op.execute(
        sa.text(
            "UPDATE outbox SET chat_id = NULL WHERE kind = 'tip_notice'"
            " AND status IN ('sent', 'failed', 'blocked', 'cancelled')"
            " AND identity_id IS NULL"
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("sealed_route")
