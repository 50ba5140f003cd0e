"""Incidents: urgent incidents reported by leaders and officers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables._base import Base, utcnow


class Incident(Base):
    """An urgent incident reported by a leader or an officer (what, where, how serious)."""

    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_area_id_reported_at", "area_id", "reported_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    what: Mapped[str] = mapped_column(Text)
    place_text: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(16))  # low | serious | critical
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)
