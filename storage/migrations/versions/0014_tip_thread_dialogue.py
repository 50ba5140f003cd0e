"""A tip's thread as a dialogue: the tipster may end it, the first answer to the tipster is
timed, officers mark messages as important, an unanswered tipster message is escalated once,
and a tipster's addition may carry a location.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 18:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tips") as batch:
        batch.add_column(sa.Column("first_answer_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("thread_ended_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("tip_messages") as batch:
        batch.add_column(
            sa.Column("important", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("longitude", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tip_messages") as batch:
        batch.drop_column("longitude")
        batch.drop_column("latitude")
        batch.drop_column("escalated_at")
        batch.drop_column("important")
    with op.batch_alter_table("tips") as batch:
        batch.drop_column("thread_ended_at")
        batch.drop_column("first_answer_at")
