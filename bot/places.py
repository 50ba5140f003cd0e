"""Places as every feature of the bot uses them: records to ``Place``, roles to grants, the
name search (accents optional), and the engine's reads of the area tree."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.parsing import fold
from conversations.places import Place
from conversations.policy import Grant, Role
from storage.areas import AreaRecord, NewArea, area_by_code, find_areas
from storage.people.roles import RoleRecord, active_roles

__all__ = [
    "PlaceRecords",
    "clean_name",
    "find_places",
    "grant_of",
    "load_grants",
    "new_area",
    "place_of",
    "place_of_record",
]


def clean_name(text: str) -> str:
    """A place name as stored: NFC (one form for Vietnamese marks), single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def new_area(
    code: str,
    name: str,
    kind: str,
    parent_code: str | None,
    *,
    households: int | None = None,
    former_name: str | None = None,
) -> NewArea:
    """A place to store, its name (and former name) clean and searchable without accents: the
    one way the seeding, the admins' /themdiaban and the list import name a new place."""
    name = clean_name(name)
    former = clean_name(former_name) if former_name else None
    former_folded = fold(former) if former else None
    return NewArea(code, name, fold(name), kind, parent_code, households, former, former_folded)


async def find_places(
    session: AsyncSession,
    query: str,
    *,
    within_path: str | None = None,
    kinds: frozenset[str] | None = None,
    limit: int = 20,
) -> list[AreaRecord]:
    """Places whose name (or former name) contains ``query``, typed with or without accents."""
    folded = fold(query)
    if not folded:
        return []
    return await find_areas(session, folded, within_path=within_path, kinds=kinds, limit=limit)


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


@dataclass(frozen=True)
class PlaceRecords:
    """Reads of the area tree."""

    session: AsyncSession

    async def place_by_code(self, code: str) -> Place | None:
        area = await area_by_code(self.session, code.strip())
        return None if area is None else place_of(area)

    async def find_places(
        self, query: str, *, within: str | None, kinds: frozenset[str] | None, limit: int
    ) -> list[Place]:
        found = await find_places(self.session, query, within_path=within, kinds=kinds, limit=limit)
        return [place_of(area) for area in found]
