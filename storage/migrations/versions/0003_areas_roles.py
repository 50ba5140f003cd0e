"""Areas (the place tree), member roles, invitations, join attempts, audit log, notices.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _member_fk(column: str, table: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["members.id"], name=op.f(f"fk_{table}_{column}_members"), ondelete=ondelete
    )


def _area_fk(column: str, table: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["areas.id"], name=op.f(f"fk_{table}_{column}_areas"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("name_folded", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("households", sa.Integer(), nullable=True),
        sa.Column("former_name", sa.String(length=128), nullable=True),
        sa.Column("former_name_folded", sa.String(length=128), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        _area_fk("parent_id", "areas", "RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_areas")),
        sa.UniqueConstraint("code", name=op.f("uq_areas_code")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_areas_name_folded"), "areas", ["name_folded"])
    op.create_index(op.f("ix_areas_parent_id"), "areas", ["parent_id"])
    op.create_index(op.f("ix_areas_path"), "areas", ["path"])

    op.create_table(
        "member_roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("granted_by", sa.Integer(), nullable=True),
        sa.Column("granted_at", _utc(), nullable=False),
        sa.Column("revoked_at", _utc(), nullable=True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        _area_fk("area_id", "member_roles", "RESTRICT"),
        _member_fk("granted_by", "member_roles", "SET NULL"),
        _member_fk("member_id", "member_roles", "CASCADE"),
        _member_fk("revoked_by", "member_roles", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_roles")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_member_roles_area_id"), "member_roles", ["area_id"])
    op.create_index(
        "ix_member_roles_member_id_revoked_at", "member_roles", ["member_id", "revoked_at"]
    )

    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("expires_at", _utc(), nullable=False),
        sa.Column("used_at", _utc(), nullable=True),
        sa.Column("used_by", sa.Integer(), nullable=True),
        _area_fk("area_id", "invitations", "CASCADE"),
        _member_fk("created_by", "invitations", "SET NULL"),
        _member_fk("used_by", "invitations", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("code", name=op.f("uq_invitations_code")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_invitations_area_id"), "invitations", ["area_id"])

    op.create_table(
        "join_attempts",
        sa.Column("member_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", _utc(), nullable=True),
        sa.Column("updated_at", _utc(), nullable=False),
        _member_fk("member_id", "join_attempts", "CASCADE"),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_join_attempts")),
    )

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", _utc(), nullable=False),
        sa.Column("actor_member_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=True),
        sa.Column("area_id", sa.Integer(), nullable=True),
        _member_fk("actor_member_id", "audit_log", "SET NULL"),
        _area_fk("area_id", "audit_log", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_audit_log_actor_member_id"), "audit_log", ["actor_member_id"])
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])

    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("delivered_at", _utc(), nullable=True),
        _member_fk("member_id", "notices", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_notices_delivered_at_created_at", "notices", ["delivered_at", "created_at"])


def downgrade() -> None:
    op.drop_table("notices")
    op.drop_table("audit_log")
    op.drop_table("join_attempts")
    op.drop_table("invitations")
    op.drop_table("member_roles")
    op.drop_table("areas")
