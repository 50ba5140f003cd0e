"""Attachment file ids as text: a Zalo photo is identified by its URL, which may be long.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tip_attachments") as batch:
        batch.alter_column(
            "file_id", existing_type=sa.String(length=256), type_=sa.Text(), nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("tip_attachments") as batch:
        batch.alter_column(
            "file_id", existing_type=sa.Text(), type_=sa.String(length=256), nullable=False
        )
