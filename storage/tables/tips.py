"""Tips: a resident's report, its files, its thread with the officers and its handling."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables._base import Base, utcnow


class Tip(Base):
    """A tip (tin báo) from a resident; anonymous ones keep no readable link to the sender."""

    __tablename__ = "tips"
    __table_args__ = (
        Index("ix_tips_status_received_at", "status", "received_at"),
        Index("ix_tips_received_at", "received_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    category: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    place_text: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    place_unknown: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    occurred_date: Mapped[date | None] = mapped_column(Date)
    occurred_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM"
    occurred_unknown: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    anonymous: Mapped[bool] = mapped_column(Boolean)
    # NULL for anonymous tips (checked by storage.tips.insert_tip).
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    contact_phone: Mapped[str | None] = mapped_column(String(16))
    # Route back to the sender, sealed by the caller; erased after closing + retention.
    sender_route: Mapped[bytes | None] = mapped_column(LargeBinary)
    locale: Mapped[str] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(16), default="received", server_default="received")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column()
    forwarded_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    # The officer who took the tip (one officer handles a tip; the others see who).
    handler_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    status_note: Mapped[str | None] = mapped_column(Text)
    escalated_at: Mapped[datetime | None] = mapped_column()
    # When an officer first wrote to the tipster in the tip's thread (the "first answer").
    first_answer_at: Mapped[datetime | None] = mapped_column()
    # When the tipster ended the dialogue: no officer's message is relayed after it.
    thread_ended_at: Mapped[datetime | None] = mapped_column()


class TipAttachment(Base):
    """A photo, video, voice note or document sent with a tip (stored as a platform file id)."""

    __tablename__ = "tip_attachments"
    __table_args__ = (UniqueConstraint("tip_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # photo | video | voice | document
    channel: Mapped[str] = mapped_column(String(16))
    # Telegram file ids are short; a Zalo photo is identified by its URL, which may be long.
    file_id: Mapped[str] = mapped_column(Text)
    file_unique_id: Mapped[str | None] = mapped_column(String(128))
    mime_type: Mapped[str | None] = mapped_column(String(128))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    file_name: Mapped[str | None] = mapped_column(String(256))
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    # The words the sender wrote with the file (a photo's caption), kept with it.
    caption: Mapped[str | None] = mapped_column(Text)


class TipMessage(Base):
    """A message of a tip's thread, between its tipster and the officers handling it.

    Nothing says who wrote it: ``direction`` tells the tipster's side from the officers'.
    ``created_at`` is kept to the minute, so the times shown cannot be matched to a platform's
    own records of the sender's messages. Erased with the tip's sealed route (retention).
    """

    __tablename__ = "tip_messages"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(16))  # tipster | officer
    text: Mapped[str | None] = mapped_column(Text)
    # [{"kind", "channel", "file_id"}], as the tip's own attachments identify a file.
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column()
    delivered_at: Mapped[datetime | None] = mapped_column()
    read_at: Mapped[datetime | None] = mapped_column()
    # An officer marked it as important (shown with a mark in the thread).
    important: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A tipster's message nobody answered in time was escalated (once) to the admins.
    escalated_at: Mapped[datetime | None] = mapped_column()
    # A location the tipster shared with an addition.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)


class TipStatusChange(Base):
    """A step in a tip's handling: taken, acknowledged, forwarded, closed ... with its note.

    The officer is kept for the record; the tipster is only ever told the new status.
    """

    __tablename__ = "tip_status_changes"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class TipCommendationInvite(Base):
    """An officer's invitation to a tip's sender to be proposed for a commendation, held on the
    thread's side only. The proposal made when the sender accepts holds the name they gave and
    nothing of the tip; this row keeps, until the sender is told the decision, the proposal's
    id sealed with the server key (``sealed_ref``), then forgets it. No time of the answer is
    kept (``bot.commendations.tipster``)."""

    __tablename__ = "tip_commendation_invites"

    tip_id: Mapped[int] = mapped_column(
        ForeignKey("tips.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    form: Mapped[str | None] = mapped_column(String(48))  # cleared once answered
    achievement: Mapped[str | None] = mapped_column(Text)  # cleared once answered
    # invited | accepted | declined | told
    status: Mapped[str] = mapped_column(String(16))
    sealed_ref: Mapped[bytes | None] = mapped_column(LargeBinary)
