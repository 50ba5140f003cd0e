"""Monthly reports, urgent incidents, security models and their activities, events.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 12:48:21.942180
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("place_text", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("template", sa.String(length=32), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("turnout", sa.Integer(), nullable=True),
        sa.Column("turnout_note", sa.Text(), nullable=True),
        sa.Column("turnout_by", sa.Integer(), nullable=True),
        sa.Column("turnout_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_events_area_id_areas"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["members.id"],
            name=op.f("fk_events_created_by_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["turnout_by"],
            ["members.id"],
            name=op.f("fk_events_turnout_by_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_area_id"), ["area_id"], unique=False)
        batch_op.create_index("ix_events_starts_at", ["starts_at"], unique=False)

    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("reported_by", sa.Integer(), nullable=True),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("place_text", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_incidents_area_id_areas"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["reported_by"],
            ["members.id"],
            name=op.f("fk_incidents_reported_by_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_incidents_area_id_reported_at", ["area_id", "reported_at"], unique=False
        )

    op.create_table(
        "monthly_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("late", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("filed_by", sa.Integer(), nullable=True),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("propaganda_sessions", sa.Integer(), nullable=False),
        sa.Column("propaganda_attendees", sa.Integer(), nullable=False),
        sa.Column("residents_meetings", sa.Integer(), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("households_pledged", sa.Integer(), nullable=False),
        sa.Column("tips_received", sa.Integer(), nullable=False),
        sa.Column("tips_to_police", sa.Integer(), nullable=False),
        sa.Column("incidents_crime", sa.Integer(), nullable=False),
        sa.Column("incidents_social_evils", sa.Integer(), nullable=False),
        sa.Column("incidents_domestic_violence", sa.Integer(), nullable=False),
        sa.Column("incidents_traffic", sa.Integer(), nullable=False),
        sa.Column("incidents_fire", sa.Integer(), nullable=False),
        sa.Column("disputes_mediated", sa.Integer(), nullable=False),
        sa.Column("disputes_resolved", sa.Integer(), nullable=False),
        sa.Column("patrol_shifts", sa.Integer(), nullable=False),
        sa.Column("managed_youth", sa.Integer(), nullable=False),
        sa.Column("managed_drug_users", sa.Integer(), nullable=False),
        sa.Column("managed_post_rehab", sa.Integer(), nullable=False),
        sa.Column("managed_reintegrating", sa.Integer(), nullable=False),
        sa.Column("managed_removed", sa.Integer(), nullable=False),
        sa.Column("cameras_total", sa.Integer(), nullable=False),
        sa.Column("cameras_new", sa.Integer(), nullable=False),
        sa.Column("security_lights", sa.Integer(), nullable=False),
        sa.Column("fire_safe_groups", sa.Integer(), nullable=False),
        sa.Column("fire_points", sa.Integer(), nullable=False),
        sa.Column("models_active", sa.Integer(), nullable=False),
        sa.Column("money_mobilised", sa.BigInteger(), nullable=False),
        sa.Column("notable_events", sa.Text(), nullable=True),
        sa.Column("proposals", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["areas.id"],
            name=op.f("fk_monthly_reports_area_id_areas"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["filed_by"],
            ["members.id"],
            name=op.f("fk_monthly_reports_filed_by_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["members.id"],
            name=op.f("fk_monthly_reports_updated_by_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monthly_reports")),
        sa.UniqueConstraint("area_id", "period", name=op.f("uq_monthly_reports_area_id_period")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("monthly_reports", schema=None) as batch_op:
        batch_op.create_index("ix_monthly_reports_period", ["period"], unique=False)

    op.create_table(
        "security_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("lead_member_id", sa.Integer(), nullable=True),
        sa.Column("lead_name", sa.String(length=128), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["areas.id"],
            name=op.f("fk_security_models_area_id_areas"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["members.id"],
            name=op.f("fk_security_models_created_by_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lead_member_id"],
            ["members.id"],
            name=op.f("fk_security_models_lead_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_models")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("security_models", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_security_models_area_id"), ["area_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_security_models_lead_member_id"), ["lead_member_id"], unique=False
        )

    op.create_table(
        "event_participants",
        sa.Column("event_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("member_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_participants_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_event_participants_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "member_id", name=op.f("pk_event_participants")),
    )
    op.create_table(
        "model_activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("activity_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("photos", sa.JSON(), nullable=False),
        sa.Column("logged_by", sa.Integer(), nullable=True),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["logged_by"],
            ["members.id"],
            name=op.f("fk_model_activities_logged_by_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["security_models.id"],
            name=op.f("fk_model_activities_model_id_security_models"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_activities")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("model_activities", schema=None) as batch_op:
        batch_op.create_index("ix_model_activities_activity_date", ["activity_date"], unique=False)
        batch_op.create_index(
            "ix_model_activities_model_id_activity_date",
            ["model_id", "activity_date"],
            unique=False,
        )


def downgrade() -> None:

    with op.batch_alter_table("model_activities", schema=None) as batch_op:
        batch_op.drop_index("ix_model_activities_model_id_activity_date")
        batch_op.drop_index("ix_model_activities_activity_date")

    op.drop_table("model_activities")
    op.drop_table("event_participants")
    with op.batch_alter_table("security_models", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_security_models_lead_member_id"))
        batch_op.drop_index(batch_op.f("ix_security_models_area_id"))

    op.drop_table("security_models")
    with op.batch_alter_table("monthly_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_monthly_reports_period")

    op.drop_table("monthly_reports")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_area_id_reported_at")

    op.drop_table("incidents")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_starts_at")
        batch_op.drop_index(batch_op.f("ix_events_area_id"))

    op.drop_table("events")
