"""Notices: messages to members waiting to be copied to the outbox (the outbox is to replace
them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables._base import Base, utcnow


class Notice(Base):
    """A message to a member that is not a direct reply, waiting to be delivered.

    A stand-in until the outbox exists: the outbox sender will drain undelivered notices.
    """

    __tablename__ = "notices"
    __table_args__ = (
        Index("ix_notices_delivered_at_created_at", "delivered_at", "created_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))  # catalogue key of the message
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column()
