"""Places: the area tree every role, report and event hangs from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables._base import Base, utcnow


class Area(Base):
    """A place in the tree: province > commune > residential area (thôn, tổ dân phố ...) > ...

    ``path`` is the materialised path of codes from the root ("/40/17662/17662-001/"), so
    "is X inside Y" is ``X.path.startswith(Y.path)`` without walking the tree.
    """

    __tablename__ = "areas"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    # Lower-case, without diacritics: "do luong" finds "Xã Đô Lương".
    name_folded: Mapped[str] = mapped_column(String(128), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # province | commune | thon | to_dan_pho ...
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("areas.id", ondelete="RESTRICT"), index=True
    )
    path: Mapped[str] = mapped_column(String(255), index=True)
    households: Mapped[int | None] = mapped_column(Integer)
    # A name people still use after a merger or a renaming.
    former_name: Mapped[str | None] = mapped_column(String(128))
    former_name_folded: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
