"""A tip's file keeps the words its sender wrote with it (a photo's caption).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 12:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | Sequence[str] | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tip_attachments") as batch:
        batch.add_column(sa.Column("caption", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tip_attachments") as batch:
        batch.drop_column("caption")
