"""One person, several accounts: the one-time codes that link a second account to a member,
and which of the member's accounts their notices go to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables._base import Base


class LinkCode(Base):
    """A code the member asked for on one account, to be typed on another before it expires.

    One code per member at a time (asking again replaces it); taken when typed."""

    __tablename__ = "link_codes"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), unique=True
    )
    expires_at: Mapped[datetime] = mapped_column()


class NoticeAccount(Base):
    """The account a linked member's notices go to: the one they used last (``chosen`` false,
    moved whenever they write from another) or the one they chose (``chosen`` true).

    No row: the member has one account, or the most recently active one is taken."""

    __tablename__ = "notice_accounts"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    identity_id: Mapped[int] = mapped_column(ForeignKey("identities.id", ondelete="CASCADE"))
    chosen: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
