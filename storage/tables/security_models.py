"""Security models: self-managed models and their logged activities."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables._base import Base, utcnow


class SecurityModel(Base):
    """A self-managed security model (mô hình tự quản) of a place."""

    __tablename__ = "security_models"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))  # conversations.security_models.MODEL_KINDS
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"), index=True)
    lead_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    lead_name: Mapped[str | None] = mapped_column(String(128))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()  # removed ("paper" models)


class ModelActivity(Base):
    """One logged activity of a model: a meeting, a patrol, a propaganda session ..."""

    __tablename__ = "model_activities"
    __table_args__ = (
        Index("ix_model_activities_model_id_activity_date", "model_id", "activity_date"),
        Index("ix_model_activities_activity_date", "activity_date"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("security_models.id", ondelete="CASCADE"))
    activity_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))  # meeting | patrol | propaganda | ...
    participants: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(Text)
    # Up to 5 photos as platform file ids: [{"channel": ..., "file_id": ...}].
    photos: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    logged_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    logged_at: Mapped[datetime] = mapped_column(default=utcnow)
