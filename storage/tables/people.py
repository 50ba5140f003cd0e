"""People: members, their accounts on each channel, their roles and the invitations that grant
them, their failed code attempts and their message preferences."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables._base import Base, utcnow


class MemberRow(Base):
    """One person, whatever channels they use."""

    __tablename__ = "members"
    # Never reuse an erased member's id on SQLite: the audit log names members by id.
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    locale: Mapped[str | None] = mapped_column(String(5))  # None = not chosen yet
    display_name: Mapped[str | None] = mapped_column(String(128))
    # Where the member lives, when they told us (events of their place are shown to them).
    home_area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    # The version of the privacy notice the member agreed to; NULL: never agreed, refused or
    # withdrew (the history is in consent_decisions). Read on every message, so kept here.
    consent_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Identity(Base):
    """One account on one channel, pointing at its member."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("channel", "platform_user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # console | telegram | zalo
    platform_user_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    # False once the user blocked the bot; true again when they write.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # A keyboard that stays on the user's screen until a message takes it away (Telegram's
    # "share my location" button) shows once the stored replies went: decided with them in the
    # processor's transaction, so that the next batch knows it owes the removal.
    reply_keyboard: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Both kept to the day (``day_stamp``), as every time on a row that names a person.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The platform's order number (Telegram's update id) of the last update applied to this
    # account's conversation: an older one arrived late and does not move it back.
    last_update_order: Mapped[int | None] = mapped_column(BigInteger)


class MemberRole(Base):
    """A role a member holds in one place; revoked roles stay for the record."""

    __tablename__ = "member_roles"
    __table_args__ = (
        Index("ix_member_roles_member_id_revoked_at", "member_id", "revoked_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))  # leader | model_lead | officer | admin
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"), index=True)
    # NULL when granted from the command line (the first admin).
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))


class Invitation(Base):
    """A one-time code that gives whoever redeems it first a role in a place."""

    __tablename__ = "invitations"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
    used_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))


class CodeAttemptsRow(Base):
    """Wrong secret codes in a row from one member, per kind of code (an invitation, a tip's
    follow-up code), and until when they must wait before trying again."""

    __tablename__ = "code_attempts"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # invitation | tip
    failures: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class MemberPreferences(Base):
    """What a member chose about messages the bot sends on its own (no row: the defaults)."""

    __tablename__ = "member_preferences"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    reminders: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Campaign messages (broadcasts); reminders for a role and tip notices are not campaigns.
    campaigns: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
