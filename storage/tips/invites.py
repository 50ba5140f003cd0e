"""A tip's sender invited to be proposed for a commendation: the invitation, held on the
thread's side only (``storage.tables.TipCommendationInvite``).

The proposal made when the sender accepts is stored in ``commendations`` like any other and
holds nothing of the tip; here the row keeps the proposal's id sealed with the server key until
the sender is told the decision, then forgets it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import tips
from storage.tables import TipCommendationInvite

__all__ = [
    "ACCEPTED",
    "DECLINED",
    "INVITED",
    "TOLD",
    "Invitation",
    "accepted_invitations",
    "answer_invitation",
    "forget_reference",
    "invitation_of",
    "invite",
    "invited",
    "tip_code_of",
]

invites: Table = TipCommendationInvite.__table__  # type: ignore[assignment]
INVITED, ACCEPTED, DECLINED, TOLD = "invited", "accepted", "declined", "told"


@dataclass(frozen=True, slots=True)
class Invitation:
    tip_id: int
    form: str | None
    achievement: str | None
    status: str


async def invitation_of(session: AsyncSession, tip_id: int) -> Invitation | None:
    row = (
        await session.execute(
            select(invites.c.tip_id, invites.c.form, invites.c.achievement, invites.c.status).where(
                invites.c.tip_id == tip_id
            )
        )
    ).first()
    return None if row is None else Invitation(*row)


async def invited(session: AsyncSession, tip_id: int) -> bool:
    """Does an invitation wait for the sender's answer?"""
    found = await invitation_of(session, tip_id)
    return found is not None and found.status == INVITED


async def invite(session: AsyncSession, tip_id: int, *, form: str, achievement: str) -> bool:
    """Invite the tip's sender; False when they were invited already (one invitation a tip;
    a declined one is not asked again)."""
    if await invitation_of(session, tip_id) is not None:
        return False
    await session.execute(
        insert(invites).values(tip_id=tip_id, form=form, achievement=achievement, status=INVITED)
    )
    return True


async def answer_invitation(
    session: AsyncSession, tip_id: int, *, accepted: bool, sealed_ref: bytes | None
) -> bool:
    """Record the sender's answer (no time is kept) and forget the form and the achievement;
    False when no invitation waited for it."""
    result = await session.execute(
        update(invites)
        .where(invites.c.tip_id == tip_id, invites.c.status == INVITED)
        .values(
            status=ACCEPTED if accepted else DECLINED,
            form=None,
            achievement=None,
            sealed_ref=sealed_ref,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def accepted_invitations(session: AsyncSession) -> list[tuple[int, bytes]]:
    """(tip id, sealed proposal reference) of the accepted invitations not yet told."""
    rows = await session.execute(
        select(invites.c.tip_id, invites.c.sealed_ref).where(
            invites.c.status == ACCEPTED, invites.c.sealed_ref.is_not(None)
        )
    )
    return [(tip_id, bytes(sealed)) for tip_id, sealed in rows]


async def forget_reference(session: AsyncSession, tip_id: int) -> None:
    """The sender was told the decision: the sealed reference goes, and with it any link."""
    await session.execute(
        update(invites).where(invites.c.tip_id == tip_id).values(status=TOLD, sealed_ref=None)
    )


async def tip_code_of(session: AsyncSession, tip_id: int) -> str | None:
    """The code of the tip ``tip_id`` (None once erased)."""
    return await session.scalar(select(tips.c.code).where(tips.c.id == tip_id))
