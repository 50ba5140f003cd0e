"""Agencies, businesses and schools of the movement: what a unit is beside its place in the
tree (a unit is a place of kind agency, business or school, below a commune or a province),
and the propaganda reach it reports for the 6-month and the yearly report."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables._base import Base, utcnow


class UnitProfile(Base):
    """A unit's figures: its school level (a school), its staff and its students. Its
    registration, recognition and grade are the year's tables' rows of its place."""

    __tablename__ = "unit_profiles"

    area_id: Mapped[int] = mapped_column(
        ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[str | None] = mapped_column(String(16))  # conversations.units.SCHOOL_LEVELS
    staff: Mapped[int | None] = mapped_column(Integer)
    students: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class UnitReach(Base):
    """The propaganda reach a unit reports for a half-year ("H1") or a year ("year"): the
    staff and students reached of its total, and the document the figures rest on."""

    __tablename__ = "unit_reach"
    __table_args__ = (UniqueConstraint("area_id", "year", "span"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    span: Mapped[str] = mapped_column(String(8))  # H1 | year
    reached: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(String(200))
    late: Mapped[bool] = mapped_column(default=False)
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)
