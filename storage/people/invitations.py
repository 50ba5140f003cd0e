"""One-time invitations: created, found, claimed by whoever redeems them first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import insert_row, invitations
from storage.errors import DuplicateInvitationCode, InvitationTaken
from storage.tables import day_stamp, utcnow

__all__ = [
    "DuplicateInvitationCode",
    "InvitationRecord",
    "InvitationTaken",
    "claim_invitation",
    "create_invitation",
    "find_invitation",
]


@dataclass(frozen=True, slots=True)
class InvitationRecord:
    id: int
    code: str
    role: str
    area_id: int
    created_by: int | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    used_by: int | None


async def create_invitation(
    session: AsyncSession,
    *,
    code: str,
    role: str,
    area_id: int,
    created_by: int | None,
    expires_at: datetime,
    now: datetime | None = None,
) -> int:
    """Store a new invitation; raises DuplicateInvitationCode (inside a SAVEPOINT)."""
    try:
        async with session.begin_nested():
            invitation_id = await insert_row(
                session,
                invitations,
                {
                    "code": code,
                    "role": role,
                    "area_id": area_id,
                    "created_by": created_by,
                    "created_at": now or utcnow(),
                    "expires_at": expires_at,
                },
            )
    except IntegrityError as error:
        raise DuplicateInvitationCode(code) from error
    return invitation_id


async def find_invitation(session: AsyncSession, code: str) -> InvitationRecord | None:
    row = (
        await session.execute(select(invitations).where(invitations.c.code == code))
    ).one_or_none()
    return None if row is None else InvitationRecord(**row._asdict())


async def claim_invitation(
    session: AsyncSession, code: str, *, member_id: int, now: datetime
) -> InvitationRecord:
    """Mark the invitation used by ``member_id``; raises InvitationTaken when it was used or
    expired meanwhile (the conditional UPDATE makes two redemptions of one code impossible)."""
    result = await session.execute(
        update(invitations)
        .where(
            invitations.c.code == code,
            invitations.c.used_at.is_(None),
            invitations.c.expires_at > now,
        )
        .values(used_at=day_stamp(now), used_by=member_id)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise InvitationTaken(code)
    record = await find_invitation(session, code)
    assert record is not None
    return record
