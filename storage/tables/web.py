"""The officers' web console: one-time login links and signed-in sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables._base import Base


class WebLoginLink(Base):
    """A one-time link to the officers' web console, sent to one member in chat.

    Only a digest of its token is stored, so a copy of the database opens no console; the link
    works once (``used_at``) and until ``expires_at``.
    """

    __tablename__ = "web_login_links"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()


class WebSession(Base):
    """A signed-in browser of the web console: the digest of its cookie's token, its member and
    the roles they held when it began (the session ends once one of them is revoked)."""

    __tablename__ = "web_sessions"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    role_ids: Mapped[list[int]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()


class WebSigninFailure(Base):
    """A sign-in link that opened nothing, counted against the client it came from, so that
    every process behind the proxy counts the same failures (``bot.web.limits``).

    The client is kept as a digest of its address; rows older than the window are deleted
    whenever a failure is counted."""

    __tablename__ = "web_signin_failures"
    __table_args__ = (Index("ix_web_signin_failures_client_failed_at", "client", "failed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(index=True)
