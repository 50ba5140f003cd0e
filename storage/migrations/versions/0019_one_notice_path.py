"""One path for what the bot tells a member unprompted: the outbox; the notices table goes.

Notices (an invitation used, a role revoked) were written to ``notices`` and copied to the
outbox by a scheduler tick. They are now queued to the outbox in their cause's transaction.
The notices not yet copied (those of the last minute, or of a bot stopped since) are moved to
the outbox here, as the tick would have queued them: to the member's account used last, with
the tick's dedup key, so that nobody loses a notice in the upgrade. A member with no account
left that accepts messages would have been skipped by the tick as well: theirs are dropped.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 07:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _move_pending_notices(connection: sa.Connection) -> None:
    # The tables as the database has them at this revision (the models change later).
    found = sa.MetaData()
    notices, identities, outbox = (
        sa.Table(name, found, autoload_with=connection)
        for name in ("notices", "identities", "outbox")
    )
    now = datetime.now(UTC)
    pending = connection.execute(
        sa.select(notices.c.id, notices.c.member_id, notices.c.key, notices.c.params)
        .where(notices.c.delivered_at.is_(None))
        .order_by(notices.c.created_at, notices.c.id)
    ).all()
    for notice in pending:
        dedup_key = f"notice:{notice.id}"
        if connection.scalar(sa.select(outbox.c.dedup_key).where(outbox.c.dedup_key == dedup_key)):
            continue
        target = connection.execute(
            sa.select(identities.c.id, identities.c.channel)
            .where(identities.c.member_id == notice.member_id, identities.c.active.is_(True))
            .order_by(identities.c.last_seen_at.desc(), identities.c.id.desc())
            .limit(1)
        ).first()
        if target is None:
            continue
        connection.execute(
            sa.insert(outbox).values(
                channel=target.channel,
                member_id=notice.member_id,
                identity_id=target.id,
                kind="notice",
                dedup_key=dedup_key,
                message_key=notice.key,
                params=notice.params,
                priority=0,
                status="queued",
                not_before=now,
                attempts=0,
                created_at=now,
            )
        )


def upgrade() -> None:
    _move_pending_notices(op.get_bind())
    op.drop_index("ix_notices_delivered_at_created_at", table_name="notices")
    op.drop_table("notices")


def downgrade() -> None:
    # The notices moved to the outbox stay there: the older bot sends them from there too.
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_notices_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_notices_delivered_at_created_at", "notices", ["delivered_at", "created_at"])
