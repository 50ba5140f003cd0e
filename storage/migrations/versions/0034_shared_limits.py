"""Limits every process on one database shares: failed console sign-ins per client, and the
Zalo OA users an officer is answering from the OA manager.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07 16:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034"
down_revision: str | Sequence[str] | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_signin_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_signin_failures")),
    )
    op.create_index(
        "ix_web_signin_failures_client_failed_at",
        "web_signin_failures",
        ["client", "failed_at"],
    )
    op.create_index(op.f("ix_web_signin_failures_failed_at"), "web_signin_failures", ["failed_at"])
    op.create_table(
        "zalo_oa_officer_pauses",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_zalo_oa_officer_pauses")),
    )
    op.create_index(op.f("ix_zalo_oa_officer_pauses_until"), "zalo_oa_officer_pauses", ["until"])


def downgrade() -> None:
    op.drop_table("zalo_oa_officer_pauses")
    op.drop_table("web_signin_failures")
