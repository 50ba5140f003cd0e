"""A tip's place is an area: the foreign key tips.area_id → areas.id.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Without the key, deleting an area left its tips pointing at nothing; such a tip is
    # placed nowhere (what SET NULL makes of it from now on), or the key could not be added.
    op.execute(
        sa.text(
            "UPDATE tips SET area_id = NULL WHERE area_id IS NOT NULL"
            " AND area_id NOT IN (SELECT id FROM areas)"
        )
    )
    with op.batch_alter_table("tips", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_tips_area_id_areas"),
            "areas",
            ["area_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("tips", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_tips_area_id_areas"), type_="foreignkey")
