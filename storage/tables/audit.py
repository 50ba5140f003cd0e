"""The audit log: who did what to whom, where and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables._base import Base, utcnow


class AuditEntry(Base):
    """Who did what to whom, where and when: grants, revocations, invitations, looks at tips.

    Holds ids only, never a tip's text or a sender's identity.
    """

    __tablename__ = "audit_log"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # NULL for the command line (an operator on the server).
    actor_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(32))  # role.granted, tip.viewed ...
    subject_kind: Mapped[str | None] = mapped_column(String(16))  # member | tip | invitation
    subject_id: Mapped[int | None] = mapped_column(Integer)
    role: Mapped[str | None] = mapped_column(String(16))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
