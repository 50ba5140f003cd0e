"""Privacy: consent decisions and what the retention schedule erased."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables._base import Base, utcnow


class ConsentDecision(Base):
    """A member's answer to the privacy notice: given, refused or withdrawn, with the notice's
    version and the time, kept as the proof the law asks for (erased with the member)."""

    __tablename__ = "consent_decisions"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(16))  # given | refused | withdrawn
    notice_version: Mapped[int] = mapped_column(Integer)
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class RetentionRun(Base):
    """What one run of the retention schedule erased in one category (counts only), so that
    ``antq privacy report`` can show what was deleted and when."""

    __tablename__ = "retention_runs"
    __table_args__ = (
        Index("ix_retention_runs_category_ran_at", "category", "ran_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ran_at: Mapped[datetime] = mapped_column()
    category: Mapped[str] = mapped_column(String(32))  # bot.privacy.retention's category names
    erased: Mapped[int] = mapped_column(Integer)
    # Past their period but left in place (members, until their erasure exists).
    left_due: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
