"""A unit's registration keeps the staff and students who signed in a column of its own.

Until now an agency's, business's or school's registration for the "An toàn về ANTT" standard
kept its signers in ``households_registered``, the residential areas' column. The signers move
to ``people_signed`` (units only: their place's kind says which rows), and
``households_registered`` becomes empty for them; the downgrade moves them back.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07 15:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | Sequence[str] | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The places a unit is (conversations.places.UNITS, as stored when this was written).
UNIT_KINDS = "('agency', 'business', 'school')"
OF_UNITS = f"area_id IN (SELECT id FROM areas WHERE kind IN {UNIT_KINDS})"


def upgrade() -> None:
    with op.batch_alter_table("standard_registrations") as batch:
        batch.add_column(sa.Column("people_signed", sa.Integer(), nullable=True))
        batch.alter_column("households_registered", existing_type=sa.Integer(), nullable=True)
    op.execute(
        "UPDATE standard_registrations SET people_signed = households_registered, "
        f"households_registered = NULL WHERE {OF_UNITS}"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE standard_registrations SET households_registered = people_signed "
        "WHERE people_signed IS NOT NULL AND households_registered IS NULL"
    )
    # A row with neither (none is written so) would break the NOT NULL: counted as none.
    op.execute(
        "UPDATE standard_registrations SET households_registered = 0 "
        "WHERE households_registered IS NULL"
    )
    with op.batch_alter_table("standard_registrations") as batch:
        batch.drop_column("people_signed")
        batch.alter_column("households_registered", existing_type=sa.Integer(), nullable=False)
