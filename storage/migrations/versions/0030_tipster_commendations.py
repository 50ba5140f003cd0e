"""A tipster commended by their own choice (an invitation held on the thread's side), a phone
they may give, and the review conference a commendation is awarded at.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 15:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | Sequence[str] | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tip_commendation_invites",
        sa.Column("tip_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("form", sa.String(length=48), nullable=True),
        sa.Column("achievement", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sealed_ref", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tip_id"],
            ["tips.id"],
            name=op.f("fk_tip_commendation_invites_tip_id_tips"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tip_id", name=op.f("pk_tip_commendation_invites")),
    )
    with op.batch_alter_table("commendations") as batch:
        batch.add_column(sa.Column("person_phone", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_commendations_event_id"), ["event_id"], unique=False)
        batch.create_foreign_key(
            batch.f("fk_commendations_event_id_events"),
            "events",
            ["event_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("commendations") as batch:
        batch.drop_constraint(batch.f("fk_commendations_event_id_events"), type_="foreignkey")
        batch.drop_index(batch.f("ix_commendations_event_id"))
        batch.drop_column("event_id")
        batch.drop_column("person_phone")
    op.drop_table("tip_commendation_invites")
