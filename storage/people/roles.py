"""Members' roles in places: grant, revoke, and read the active ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import (
    PlacedRecord,
    areas,
    insert_row,
    inside,
    member_roles,
    members,
    place_columns,
    with_place,
)
from storage.tables import day_stamp, utcnow

__all__ = ["RoleRecord", "active_roles", "grant_role", "revoke_role", "role_by_id", "roles_within"]


@dataclass(frozen=True, slots=True)
class RoleRecord(PlacedRecord):
    """An active or revoked role with its place."""

    id: int
    member_id: int
    member_name: str | None
    role: str
    granted_at: datetime
    granted_by: int | None
    revoked_at: datetime | None


_select_roles = select(
    member_roles.c.id,
    member_roles.c.member_id,
    members.c.display_name.label("member_name"),
    member_roles.c.role,
    *place_columns(),
    member_roles.c.granted_at,
    member_roles.c.granted_by,
    member_roles.c.revoked_at,
).select_from(with_place(member_roles).join(members, members.c.id == member_roles.c.member_id))
# Built once: read for every message, and a prebuilt statement skips the construction and
# the cache-key computation a fresh one costs on each execution.
_select_active_roles = _select_roles.where(
    member_roles.c.member_id == bindparam("member_id"), member_roles.c.revoked_at.is_(None)
).order_by(member_roles.c.id)


async def grant_role(
    session: AsyncSession,
    *,
    member_id: int,
    role: str,
    area_id: int,
    granted_by: int | None,
    now: datetime | None = None,
) -> tuple[int, bool]:
    """Give ``member_id`` the role in the place; (role id, True when newly granted).

    Granting a role the member already holds there changes nothing.
    """
    held = (
        await session.execute(
            select(member_roles.c.id).where(
                member_roles.c.member_id == member_id,
                member_roles.c.role == role,
                member_roles.c.area_id == area_id,
                member_roles.c.revoked_at.is_(None),
            )
        )
    ).scalar_one_or_none()
    if held is not None:
        return held, False
    granted = {"member_id": member_id, "role": role, "area_id": area_id, "granted_by": granted_by}
    return await insert_row(
        session, member_roles, {**granted, "granted_at": day_stamp(now or utcnow())}
    ), True


async def revoke_role(
    session: AsyncSession, role_id: int, *, by: int | None, now: datetime | None = None
) -> RoleRecord | None:
    """End an active role; the role as it was, or None when it was not active."""
    record = await role_by_id(session, role_id)
    if record is None or record.revoked_at is not None:
        return None
    await session.execute(
        update(member_roles)
        .where(member_roles.c.id == role_id, member_roles.c.revoked_at.is_(None))
        .values(revoked_at=day_stamp(now or utcnow()), revoked_by=by)
    )
    return record


async def role_by_id(session: AsyncSession, role_id: int) -> RoleRecord | None:
    row = (await session.execute(_select_roles.where(member_roles.c.id == role_id))).one_or_none()
    return None if row is None else RoleRecord(**row._asdict())


async def active_roles(session: AsyncSession, member_id: int) -> list[RoleRecord]:
    """The member's roles in force, oldest first (one indexed query).

    Read for every message of a member who holds a role (``MemberRecord.holds_roles``).
    """
    rows = await session.execute(_select_active_roles, {"member_id": member_id})
    return [RoleRecord(**row._asdict()) for row in rows]


async def roles_within(session: AsyncSession, path: str, *, limit: int = 200) -> list[RoleRecord]:
    """The active roles held in the place at ``path`` or below it."""
    rows = await session.execute(
        _select_roles.where(inside(areas.c.path, path), member_roles.c.revoked_at.is_(None))
        .order_by(areas.c.path, member_roles.c.id)
        .limit(limit)
    )
    return [RoleRecord(**row._asdict()) for row in rows]
