"""The movement's year: the standard's registrations and recognitions, the units' grades."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables._base import Base, utcnow


class StandardRegistration(Base):
    """A residential area's (or a unit's) registration for the "An toàn về an ninh, trật tự"
    standard of one year (quarter I), as its leader filed it; a later filing corrects it. An
    area counts its households registered, an agency, business or school the staff and
    students who signed (``people_signed``)."""

    __tablename__ = "standard_registrations"
    __table_args__ = (UniqueConstraint("area_id", "year"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    households_registered: Mapped[int | None] = mapped_column(Integer)
    people_signed: Mapped[int | None] = mapped_column(Integer)
    registered_on: Mapped[date] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    registered_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)


class StandardRecognition(Base):
    """Whether a registered area was recognised as meeting the standard for a year, as the
    commune's admin recorded it at the year's end."""

    __tablename__ = "standard_recognitions"
    __table_args__ = (UniqueConstraint("area_id", "year"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    recognised: Mapped[bool] = mapped_column(Boolean)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class UnitGrade(Base):
    """The movement's grade of a unit for a year (xuất sắc, khá, trung bình, yếu): a
    residential area's by its commune's admin, a commune's by its province's admin."""

    __tablename__ = "unit_grades"
    __table_args__ = (UniqueConstraint("area_id", "year"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(16))  # excellent | good | average | weak
    graded_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    graded_at: Mapped[datetime] = mapped_column(default=utcnow)
