"""The reply path: platform deliveries already handled and the replies waiting to be sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables._base import Base, utcnow


class ProcessedUpdate(Base):
    """A platform delivery already handled (Telegram update id, Zalo message id).

    Claimed in the same transaction as the state it changed, so a delivery that arrives twice
    (a webhook retry, a polling restart) changes nothing the second time.
    """

    __tablename__ = "processed_updates"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    update_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class PendingReply(Base):
    """The replies to one inbound message, stored with the state that caused them and deleted
    once the channel has sent them all (see DESIGN.md, "The reply path").

    ``payload`` is the replies as the channel renders them (``bot.reply_path.codec``);
    ``parts_sent`` counts the platform messages of the batch already sent, so that a batch cut
    off half way resumes with the next one. ``update_key`` finds the batch when the platform
    delivers the same update again.
    """

    __tablename__ = "pending_replies"
    __table_args__ = (
        Index("ix_pending_replies_channel_update", "channel", "update_key"),
        Index("ix_pending_replies_channel_id", "channel", "id"),
        # Ids never come back after a deletion: the dispatcher knows sent batches by id.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    identity_id: Mapped[int] = mapped_column(
        ForeignKey("identities.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    update_key: Mapped[str | None] = mapped_column(String(128))
    locale: Mapped[str | None] = mapped_column(String(8))
    payload: Mapped[list[Any]] = mapped_column(JSON)
    parts_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The chat showed a reply keyboard before this batch: its first plain message removes it.
    removal_owed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
