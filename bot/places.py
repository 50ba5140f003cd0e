"""The engine's reads about places, roles and invitations, bound to the current transaction."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.people.areas import find_places
from conversations.places import Place
from conversations.policy import Grant, Role
from conversations.ports import HeldRole, InvitationView, JoinAttempts, StaffTipView, TipListing
from storage.areas import AreaRecord, area_by_code, area_by_id
from storage.invitations import find_invitation, load_join_attempts
from storage.roles import RoleRecord, active_roles, roles_within
from storage.tips import find_tip_by_code, list_tips_within

__all__ = ["PlaceRecords", "grant_of", "load_grants", "place_of", "place_of_record"]


def place_of(area: AreaRecord) -> Place:
    return Place(area.id, area.code, area.name, area.kind, area.path, area.parent_name)


class PlacedRecord(Protocol):
    """A stored record read together with its place (the ``area_*`` columns)."""

    @property
    def area_id(self) -> int: ...
    @property
    def area_code(self) -> str: ...
    @property
    def area_name(self) -> str: ...
    @property
    def area_kind(self) -> str: ...
    @property
    def area_path(self) -> str: ...
    @property
    def parent_name(self) -> str | None: ...


def place_of_record(record: PlacedRecord) -> Place:
    """The place of a role, an event, a model ... read with it."""
    return Place(
        record.area_id,
        record.area_code,
        record.area_name,
        record.area_kind,
        record.area_path,
        record.parent_name,
    )


def grant_of(role: RoleRecord) -> Grant:
    return Grant(role.id, Role(role.role), place_of_record(role))


async def load_grants(session: AsyncSession, member_id: int) -> tuple[Grant, ...]:
    """The member's roles in force, as the policy reads them."""
    return tuple(grant_of(role) for role in await active_roles(session, member_id))


class PlaceRecords:
    """Reads of places, roles and invitations (mixed into the processor's records)."""

    session: AsyncSession

    async def place_by_code(self, code: str) -> Place | None:
        area = await area_by_code(self.session, code.strip())
        return None if area is None else place_of(area)

    async def find_places(
        self, query: str, *, within: str | None, kinds: frozenset[str] | None, limit: int
    ) -> list[Place]:
        found = await find_places(self.session, query, within_path=within, kinds=kinds, limit=limit)
        return [place_of(area) for area in found]

    async def invitation(self, code: str) -> InvitationView | None:
        record = await find_invitation(self.session, code)
        if record is None:
            return None
        area = await area_by_id(self.session, record.area_id)
        if area is None:
            return None
        return InvitationView(
            Role(record.role), place_of(area), record.expires_at, record.used_at is not None
        )

    async def join_attempts(self, member_id: int) -> JoinAttempts:
        failures, locked_until = await load_join_attempts(self.session, member_id)
        return JoinAttempts(failures, locked_until)

    async def roles_within(self, path: str) -> list[HeldRole]:
        return [
            HeldRole(grant_of(role), role.member_id, role.member_name)
            for role in await roles_within(self.session, path)
        ]

    async def tip_for_staff(self, code: str) -> StaffTipView | None:
        tip = await find_tip_by_code(self.session, code)
        if tip is None:
            return None
        area = await area_by_id(self.session, tip.area_id) if tip.area_id is not None else None
        return StaffTipView(
            code=tip.code,
            category=tip.category,
            status=tip.status,
            received_at=tip.received_at,
            place_path=area.path if area is not None else "",
            description=tip.description,
            place_text=tip.place_text,
            anonymous=tip.anonymous,
            contact_phone=tip.contact_phone,
        )

    async def tips_within(self, path: str, *, limit: int) -> list[TipListing]:
        found = await list_tips_within(self.session, path, limit=limit)
        return [TipListing(*row) for row in found]
