"""Loading the official area list (searching it is core: ``bot.places``).

The 34 provinces and 3,321 communes (after the 1 July 2025 reform) come from the
``vietnam-provinces`` package with their official codes: provinces as two digits ("40"),
communes as five ("17662"), which is how official documents write them.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from vietnam_provinces import Province, Ward

from bot.places import new_area
from conversations.places import COMMUNE, PROVINCE
from storage.areas import NewArea, SeedResult, count_by_kind, upsert_areas
from storage.migrate import hold_first_start_lock

__all__ = ["official_areas", "province_code", "seed_official_areas", "seed_when_empty"]


def province_code(number: int) -> str:
    return f"{number:02d}"


def commune_code(number: int) -> str:
    return f"{number:05d}"


def official_areas() -> list[NewArea]:
    """Every province, then every commune, as the package ships them."""
    provinces = [
        new_area(province_code(int(province.code)), province.name, PROVINCE, None)
        for province in sorted(Province.iter_all(), key=lambda p: int(p.code))
    ]
    communes = [
        new_area(
            commune_code(int(ward.code)),
            ward.name,
            COMMUNE,
            province_code(int(ward.province_code)),
        )
        for ward in sorted(Ward.iter_all(), key=lambda w: int(w.code))
    ]
    return provinces + communes


async def seed_official_areas(session: AsyncSession) -> SeedResult:
    """Load the official provinces and communes; a second run changes nothing."""
    return await upsert_areas(session, official_areas())


async def seed_when_empty(session: AsyncSession) -> dict[str, int] | None:
    """On the first start (no place at all yet), load the official provinces and communes, so
    that a place named in the first conversation is found; what was loaded, by kind, or None
    when the table already held places (a second start changes nothing). Processes started
    together load them once: the others wait for it, then find the places there."""
    await hold_first_start_lock(session)
    if await count_by_kind(session):
        return None
    await seed_official_areas(session)
    return await count_by_kind(session)
