"""Channels: what a transport keeps across restarts (the Zalo OA's OAuth tokens)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables._base import Base


class ZaloOaToken(Base):
    """The OAuth token pair of one Zalo Official Account, sealed with the server key.

    The refresh token is single use: each refresh spends it and hands out a new pair, which is
    stored before the new access token is used. ``generation`` counts the refreshes, so that a
    process that waited for another's refresh sees it happened.
    """

    __tablename__ = "zalo_oa_tokens"

    oa_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    sealed_pair: Mapped[bytes] = mapped_column(LargeBinary)
    access_expires_at: Mapped[datetime] = mapped_column()
    generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    refreshed_at: Mapped[datetime] = mapped_column()


class ZaloOaOfficerPause(Base):
    """A user an officer is answering from the OA's own manager: the bot leaves them alone
    until ``until``. In the database so that every process behind the proxy keeps quiet."""

    __tablename__ = "zalo_oa_officer_pauses"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    until: Mapped[datetime] = mapped_column(index=True)
