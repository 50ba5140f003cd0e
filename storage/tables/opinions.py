"""Opinions and proposals (góp ý, kiến nghị) from residents to their commune, and the thread
of the officers' answers.

An anonymous opinion keeps no link to its sender, by the tips' standard: no member id, the
route back sealed under the server key, and every time kept to the day only (a finer one could
be matched against the times of the people who wrote to the channel that day).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables._base import Base


class Opinion(Base):
    """A resident's opinion or proposal to a commune (``area_id``)."""

    __tablename__ = "opinions"
    __table_args__ = (Index("ix_opinions_status_received_on", "status", "received_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    category: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    place_text: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # One photo: {"kind", "channel", "file_id"} as a tip's files are identified.
    photo: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    anonymous: Mapped[bool] = mapped_column(Boolean)
    # NULL for anonymous opinions (checked by storage.opinions.insert_opinion).
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    # The route back to an anonymous sender, sealed by the caller; NULL for a named one.
    sender_route: Mapped[bytes | None] = mapped_column(LargeBinary)
    locale: Mapped[str] = mapped_column(String(5))
    area_id: Mapped[int | None] = mapped_column(
        ForeignKey("areas.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="received", server_default="received")
    # Days only (midnight UTC): see the module's docstring.
    received_on: Mapped[datetime] = mapped_column()
    answered_on: Mapped[datetime | None] = mapped_column()
    done_on: Mapped[datetime | None] = mapped_column()


class OpinionAnswer(Base):
    """A message in an opinion's thread: an officer's answer or the resident's word back
    (``side``). Neither who wrote it is kept (the opinion is the commune's, and the resident's
    side of an anonymous one must stay unlinkable), and the day only."""

    __tablename__ = "opinion_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opinion_id: Mapped[int] = mapped_column(
        ForeignKey("opinions.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    created_on: Mapped[datetime] = mapped_column()
    side: Mapped[str] = mapped_column(String(16), default="officer", server_default="officer")


class EventOpinion(Base):
    """An opinion a forum ("Công an lắng nghe ý kiến Nhân dân") will answer."""

    __tablename__ = "event_opinions"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    opinion_id: Mapped[int] = mapped_column(
        ForeignKey("opinions.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
        index=True,
    )
