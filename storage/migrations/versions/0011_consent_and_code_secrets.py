"""Consent to the privacy notice; a tip's code is its only secret, with a lockout per kind.

- ``members.consent_version`` and ``consent_decisions``: the answer to the privacy notice.
- ``code_attempts`` replaces ``join_attempts``: wrong codes in a row per member and per kind of
  code (invitations, and now tips' follow-up codes too).
- ``tips.sender_proof`` is dropped: with the key it gave a tip's member by trying member ids,
  and it outlived the erased route. Following a tip up now takes its code alone.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 08:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _member_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["member_id"],
        ["members.id"],
        name=op.f(f"fk_{table}_member_id_members"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consent_version", sa.Integer(), nullable=True))
    op.create_table(
        "consent_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("notice_version", sa.Integer(), nullable=False),
        sa.Column("decided_at", _utc(), nullable=False),
        _member_fk("consent_decisions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_decisions")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_consent_decisions_member_id"), "consent_decisions", ["member_id"])

    op.create_table(
        "code_attempts",
        sa.Column("member_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", _utc(), nullable=True),
        sa.Column("updated_at", _utc(), nullable=False),
        _member_fk("code_attempts"),
        sa.PrimaryKeyConstraint("member_id", "kind", name=op.f("pk_code_attempts")),
    )
    op.execute(
        sa.text(
            "INSERT INTO code_attempts (member_id, kind, failures, locked_until, updated_at)"
            " SELECT member_id, 'invitation', failures, locked_until, updated_at"
            " FROM join_attempts"
        )
    )
    op.drop_table("join_attempts")

    with op.batch_alter_table("tips", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tips_sender_proof"))
        batch_op.drop_column("sender_proof")


def downgrade() -> None:
    # The proofs cannot be made again without the members they named: old tips get an empty
    # one, which proves nothing (their senders follow them up by code, as before the upgrade).
    with op.batch_alter_table("tips", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sender_proof", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.create_index(batch_op.f("ix_tips_sender_proof"), ["sender_proof"])

    op.create_table(
        "join_attempts",
        sa.Column("member_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", _utc(), nullable=True),
        sa.Column("updated_at", _utc(), nullable=False),
        _member_fk("join_attempts"),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_join_attempts")),
    )
    op.execute(
        sa.text(
            "INSERT INTO join_attempts (member_id, failures, locked_until, updated_at)"
            " SELECT member_id, failures, locked_until, updated_at FROM code_attempts"
            " WHERE kind = 'invitation'"
        )
    )
    op.drop_table("code_attempts")

    op.drop_index(op.f("ix_consent_decisions_member_id"), table_name="consent_decisions")
    op.drop_table("consent_decisions")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("consent_version")
