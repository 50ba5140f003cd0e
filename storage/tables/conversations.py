"""Conversations: where each member is in a flow."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables._base import Base, utcnow


class Conversation(Base):
    """Where a member is in a flow, and their answers so far (saved after every step)."""

    __tablename__ = "conversations"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    flow: Mapped[str | None] = mapped_column(String(32))
    step: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer)  # optimistic lock
    # Kept to the day (``day_end``: the midnight after the save), never finer: a draft's
    # lifetime counts from it, and a finer time could be matched to an anonymous tip's.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
