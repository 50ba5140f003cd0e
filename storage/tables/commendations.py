"""Commendations (thi đua, khen thưởng) and the year's exemplary units (điển hình).

A commendation names who is commended — a collective, as a kind and the id of what it is
(``subject_kind``, ``subject_ref_id``: an area, a unit, a model, a commune's police), or a
person (a member, or a name and a role in their unit written by the admin) — for which form,
for what and on which figures; the level above approves or declines it. Times that sit in a
row naming a person are day stamps (``storage.tables.day_stamp``), as every such row's are.
Nothing here refers to a tip: a tipster is commended only by their own choice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables._base import Base


class Commendation(Base):
    """One proposal of a commendation and the decision on it."""

    __tablename__ = "commendations"
    __table_args__ = (
        Index("ix_commendations_year_status", "year", "status"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    # The place the commended belong to (the area, the model's place, the commune, the
    # person's place): who may review it and which reports list it follow from it.
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"), index=True)
    # area | unit | model | commune_police | member | person
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject_ref_id: Mapped[int | None] = mapped_column(Integer)
    subject_name: Mapped[str] = mapped_column(String(200))  # as shown when proposed
    recipient_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    person_name: Mapped[str | None] = mapped_column(String(120))
    person_role: Mapped[str | None] = mapped_column(String(120))
    # A phone the person gave themselves (a tipster who chose to be commended), for the
    # hand-over; cleared with the name by the retention schedule.
    person_phone: Mapped[str | None] = mapped_column(String(20))
    form: Mapped[str] = mapped_column(String(48))  # a key of the forms' data file
    achievement: Mapped[str] = mapped_column(Text)
    grounds: Mapped[str] = mapped_column(Text)  # the figures the proposal rests on
    status: Mapped[str] = mapped_column(String(16))  # proposed | approved | declined
    decline_reason: Mapped[str | None] = mapped_column(Text)
    # The place of the admin role it was proposed under: the level above it reviews.
    proposer_area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    proposed_by_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    proposed_at: Mapped[datetime] = mapped_column()
    reviewed_by_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime | None] = mapped_column()
    # The review conference (hội nghị sơ kết, tổng kết) it is awarded at, once attached.
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )


class ExemplaryUnit(Base):
    """A commune, agency, business or school proposed, then recognised, as exemplary of the
    movement for a year. ``ref_id`` is the commune's area id, or the unit's id; ``commune_id``
    is the commune it counts for (itself, or the unit's commune)."""

    __tablename__ = "exemplary_units"
    __table_args__ = (
        UniqueConstraint("kind", "ref_id", "year"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # commune | agency | business | school
    ref_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    commune_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(String(16))  # proposed | recognised
    proposed_by_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    proposed_at: Mapped[datetime] = mapped_column()
    recognised_by_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    recognised_at: Mapped[datetime | None] = mapped_column()
