"""The audit log: who granted, revoked, invited, joined, or looked at a tip, and when.

Entries carry ids and role names only: never a tip's text, never who sent a tip.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import audit_log
from storage.tables import utcnow

__all__ = [
    "AREA_ADDED",
    "AREA_RENAMED",
    "INVITATION_CREATED",
    "INVITATION_USED",
    "ROLE_GRANTED",
    "ROLE_LEFT",
    "ROLE_REVOKED",
    "TIP_VIEWED",
    "AuditRecord",
    "list_audit",
    "record_audit",
]

ROLE_GRANTED = "role.granted"
ROLE_REVOKED = "role.revoked"
ROLE_LEFT = "role.left"
INVITATION_CREATED = "invitation.created"
INVITATION_USED = "invitation.used"
TIP_VIEWED = "tip.viewed"
AREA_ADDED = "area.added"
AREA_RENAMED = "area.renamed"


@dataclass(frozen=True, slots=True)
class AuditRecord:
    id: int
    at: datetime
    actor_member_id: int | None
    action: str
    subject_kind: str | None
    subject_id: int | None
    role: str | None
    area_id: int | None


async def record_audit(
    session: AsyncSession,
    action: str,
    *,
    actor_member_id: int | None,
    subject_kind: str | None = None,
    subject_id: int | None = None,
    role: str | None = None,
    area_id: int | None = None,
    at: datetime | None = None,
) -> None:
    """Append one entry (in the caller's transaction, so it exists exactly when its cause does)."""
    await session.execute(
        insert(audit_log).values(
            at=at or utcnow(),
            actor_member_id=actor_member_id,
            action=action,
            subject_kind=subject_kind,
            subject_id=subject_id,
            role=role,
            area_id=area_id,
        )
    )


async def list_audit(session: AsyncSession, *, limit: int = 100) -> list[AuditRecord]:
    """The newest entries first."""
    rows = await session.execute(
        select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit)
    )
    return [AuditRecord(**row._asdict()) for row in rows]
