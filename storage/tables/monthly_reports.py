"""Monthly reports: a residential area's monthly update."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables._base import Base, utcnow


class MonthlyReport(Base):
    """A residential area's monthly update (báo cáo tháng): one per area and period.

    The figure columns are named as the monthly update's fields in
    ``conversations.monthly_reports.REPORT_FIELDS`` (a test keeps the two lists equal).
    """

    __tablename__ = "monthly_reports"
    __table_args__ = (
        UniqueConstraint("area_id", "period"),
        Index("ix_monthly_reports_period", "period"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    period: Mapped[str] = mapped_column(String(7))  # "2026-10"
    deadline: Mapped[date] = mapped_column(Date)  # last day it could be filed on time
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    filed_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    propaganda_sessions: Mapped[int] = mapped_column(Integer)
    propaganda_attendees: Mapped[int] = mapped_column(Integer)
    residents_meetings: Mapped[int] = mapped_column(Integer)
    households: Mapped[int] = mapped_column(Integer)
    households_pledged: Mapped[int] = mapped_column(Integer)
    tips_received: Mapped[int] = mapped_column(Integer)
    tips_to_police: Mapped[int] = mapped_column(Integer)
    incidents_crime: Mapped[int] = mapped_column(Integer)
    incidents_social_evils: Mapped[int] = mapped_column(Integer)
    incidents_domestic_violence: Mapped[int] = mapped_column(Integer)
    incidents_traffic: Mapped[int] = mapped_column(Integer)
    incidents_fire: Mapped[int] = mapped_column(Integer)
    disputes_mediated: Mapped[int] = mapped_column(Integer)
    disputes_resolved: Mapped[int] = mapped_column(Integer)
    patrol_shifts: Mapped[int] = mapped_column(Integer)
    managed_youth: Mapped[int] = mapped_column(Integer)
    managed_drug_users: Mapped[int] = mapped_column(Integer)
    managed_post_rehab: Mapped[int] = mapped_column(Integer)
    managed_reintegrating: Mapped[int] = mapped_column(Integer)
    managed_removed: Mapped[int] = mapped_column(Integer)
    cameras_total: Mapped[int] = mapped_column(Integer)
    cameras_new: Mapped[int] = mapped_column(Integer)
    security_lights: Mapped[int] = mapped_column(Integer)
    fire_safe_groups: Mapped[int] = mapped_column(Integer)
    fire_points: Mapped[int] = mapped_column(Integer)
    models_active: Mapped[int] = mapped_column(Integer)
    money_mobilised: Mapped[int] = mapped_column(BigInteger)  # VND
    notable_events: Mapped[str | None] = mapped_column(Text)
    proposals: Mapped[str | None] = mapped_column(Text)
