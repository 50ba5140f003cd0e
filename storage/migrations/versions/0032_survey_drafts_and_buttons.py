"""Surveys: a person's answers so far kept while they do something else (``survey_drafts``),
and the buttons a broadcast's copies carry (a survey's invitation: "answer now").

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 15:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | Sequence[str] | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "survey_drafts",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_drafts_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("survey_id", "digest", name=op.f("pk_survey_drafts")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("broadcasts") as batch:
        batch.add_column(sa.Column("buttons", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("broadcasts") as batch:
        batch.drop_column("buttons")
    op.drop_table("survey_drafts")
