"""The inbox: platform updates received by webhook and not yet applied (``bot.inbox``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables._base import Base


class InboxUpdate(Base):
    """One update as the platform delivered it, stored before the webhook is answered and
    deleted once applied.

    ``position`` is the platform's order of the user's updates (Telegram's update id, Zalo's
    timestamp); ``payload`` the delivery's JSON, read only by the process that applies it.
    Where the platform numbers updates one by one (Telegram), an applied update keeps its row,
    ``applied`` and emptied of its payload, for a while: a number missing below a waiting
    update is then one still on its way (``bot.inbox``).
    """

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "update_key"),
        Index("ix_inbox_channel_user", "channel", "user_key", "position"),
        Index("ix_inbox_channel_position", "channel", "position"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_key: Mapped[str] = mapped_column(String(64))
    update_key: Mapped[str] = mapped_column(String(128))
    position: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[str] = mapped_column(Text)
    applied: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class InboxTurn(Base):
    """Which process applies a user's waiting updates now (PostgreSQL: several processes);
    a turn not renewed by ``held_until`` is free again."""

    __tablename__ = "inbox_turns"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(96))
    held_until: Mapped[datetime] = mapped_column()
