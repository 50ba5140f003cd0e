"""Broadcasts: campaign messages from an admin to an audience."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables._base import Base, utcnow


class Broadcast(Base):
    """A campaign message from an admin to an audience inside their place.

    ``audience`` holds the chosen area ids, roles and channels; one outbox row per recipient
    (dedup key per broadcast and member) carries the copies.
    """

    __tablename__ = "broadcasts"
    __table_args__ = (
        Index("ix_broadcasts_status_send_at", "status", "send_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    audience: Mapped[dict[str, Any]] = mapped_column(JSON)
    text_vi: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str | None] = mapped_column(Text)
    photo: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # {"channel", "file_id"}
    # Buttons under each copy, by language: {"vi": [[label, command]], "en": [...]} (a
    # survey's invitation: "answer now"); where a platform shows none the text names the command.
    buttons: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # draft | scheduled | queueing | sending | done | cancelled
    status: Mapped[str] = mapped_column(String(16))
    send_at: Mapped[datetime] = mapped_column()
    recipients: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    cancelled_at: Mapped[datetime | None] = mapped_column()
