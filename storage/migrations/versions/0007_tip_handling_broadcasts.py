"""Tip handling (who took a tip, its steps), broadcasts, members' home areas.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 12:51:01.648535
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("text_vi", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=True),
        sa.Column("photo", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("send_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_broadcasts_area_id_areas"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["members.id"],
            name=op.f("fk_broadcasts_created_by_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcasts")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.create_index("ix_broadcasts_status_send_at", ["status", "send_at"], unique=False)

    op.create_table(
        "tip_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tip_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by"],
            ["members.id"],
            name=op.f("fk_tip_status_changes_changed_by_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tip_id"],
            ["tips.id"],
            name=op.f("fk_tip_status_changes_tip_id_tips"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tip_status_changes")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("tip_status_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tip_status_changes_tip_id"), ["tip_id"], unique=False)

    with op.batch_alter_table("member_preferences", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("campaigns", sa.Boolean(), server_default=sa.true(), nullable=False)
        )

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("home_area_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_members_home_area_id_areas"),
            "areas",
            ["home_area_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("broadcast_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_broadcast_id"), ["broadcast_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_broadcast_id_broadcasts"),
            "broadcasts",
            ["broadcast_id"],
            ["id"],
            ondelete="CASCADE",
        )

    with op.batch_alter_table("tips", schema=None) as batch_op:
        batch_op.add_column(sa.Column("handler_member_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("status_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_tips_handler_member_id_members"),
            "members",
            ["handler_member_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:

    with op.batch_alter_table("tips", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_tips_handler_member_id_members"), type_="foreignkey"
        )
        batch_op.drop_column("escalated_at")
        batch_op.drop_column("status_note")
        batch_op.drop_column("handler_member_id")

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_broadcast_id_broadcasts"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_outbox_broadcast_id"))
        batch_op.drop_column("broadcast_id")

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_members_home_area_id_areas"), type_="foreignkey")
        batch_op.drop_column("home_area_id")

    with op.batch_alter_table("member_preferences", schema=None) as batch_op:
        batch_op.drop_column("campaigns")

    with op.batch_alter_table("tip_status_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tip_status_changes_tip_id"))

    op.drop_table("tip_status_changes")
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_index("ix_broadcasts_status_send_at")

    op.drop_table("broadcasts")
