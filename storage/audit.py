"""The audit log: who granted, revoked, invited, joined, or looked at a tip, and when.

Entries carry ids and role names only: never a tip's text, never who sent a tip.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import audit_log
from storage.tables import day_stamp, utcnow

__all__ = [
    "AREA_ADDED",
    "AREA_RENAMED",
    "INVITATION_CREATED",
    "INVITATION_USED",
    "ROLE_GRANTED",
    "ROLE_LEFT",
    "ROLE_REVOKED",
    "TIP_VIEWED",
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


# Built once: an entry is written with many a message's effect (a tip taken, a role granted).
_insert_entry = insert(audit_log)


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
    """Append one entry (in the caller's transaction, so it exists exactly when its cause does).

    Kept to the day (``day_stamp``): an entry names its actor, and a finer time could be
    matched to an anonymous tip's."""
    await session.execute(
        _insert_entry,
        {
            "at": day_stamp(at or utcnow()),
            "actor_member_id": actor_member_id,
            "action": action,
            "subject_kind": subject_kind,
            "subject_id": subject_id,
            "role": role,
            "area_id": area_id,
        },
    )
