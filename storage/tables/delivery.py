"""Delivery: the outbox and the sending budgets shared by every process."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables._base import Base, utcnow


class OutboxMessage(Base):
    """A message that is not a direct reply, written with its cause and sent by the sender.

    Addressed to an identity (a member on one channel; its current chat id is read when the
    message is sent) or to a bare ``chat_id`` (a group). The text is either ``text`` (already
    written, e.g. a broadcast) or ``message_key`` + ``params`` rendered in the member's language
    when sent. Both are erased once the message is delivered.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_channel_status_not_before", "channel", "status", "not_before"),
        Index("ix_outbox_finished_at", "finished_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    identity_id: Mapped[int | None] = mapped_column(
        ForeignKey("identities.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[str | None] = mapped_column(String(64))
    # An anonymous tipster's chat, sealed with the server key: opened only to send, erased then.
    sealed_route: Mapped[bytes | None] = mapped_column(LargeBinary)
    kind: Mapped[str] = mapped_column(String(16))  # tip_notice | reminder | digest | broadcast ...
    # Same key, same message: a rule that fires twice or a recipient listed twice is stored once.
    dedup_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    text: Mapped[str | None] = mapped_column(Text)
    message_key: Mapped[str | None] = mapped_column(String(64))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # queued | sending | sent | failed | blocked | cancelled | outside_window
    status: Mapped[str] = mapped_column(String(16), default="queued", server_default="queued")
    not_before: Mapped[datetime] = mapped_column()
    lease_until: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(String(64))  # an error class name, never text
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
    # The broadcast this copy belongs to, for its progress counts.
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"), index=True
    )
    # Who holds the lease of a row being sent: the sender's stable worker id (ANTQ_WORKER_ID)
    # and the id of its run. A restarted worker takes back its own earlier run's rows at once;
    # another worker only once the lease has run out.
    lease_worker: Mapped[str | None] = mapped_column(String(64))
    lease_boot: Mapped[str | None] = mapped_column(String(32))


class SendBudget(Base):
    """One platform's sending budget, shared by every process on PostgreSQL: the time of the
    next free send slot (``bot.delivery.shared_limits``). One row per channel."""

    __tablename__ = "send_budgets"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    next_at: Mapped[datetime] = mapped_column()
    # The number of the last send claimed (each send's row in ``send_log`` has its number).
    seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class SendLogEntry(Base):
    """One recent send of a channel, from every process: when it started and when the
    platform answered it. A send may start only a second after the one ``per_second`` places
    before it was answered; old entries are pruned."""

    __tablename__ = "send_log"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    started_at: Mapped[datetime] = mapped_column()
    done_at: Mapped[datetime | None] = mapped_column()


class ChatSendSlot(Base):
    """When one chat may get its next message (the platform's per-chat gap), for every
    process. The row names a person with a send's exact time: it is deleted once that send's
    gap has passed (``storage.delivery.send_budget.forget_chats_passed``)."""

    __tablename__ = "chat_send_slots"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_at: Mapped[datetime] = mapped_column(index=True)
