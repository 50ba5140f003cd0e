"""Loading the official area list and searching places by name without accents.

The 34 provinces and 3,321 communes (after the 1 July 2025 reform) come from the
``vietnam-provinces`` package with their official codes: provinces as two digits ("40"),
communes as five ("17662"), which is how official documents write them.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy.ext.asyncio import AsyncSession
from vietnam_provinces import Province, Ward

from conversations.parsing import fold
from conversations.places import COMMUNE, PROVINCE
from storage.areas import AreaRecord, NewArea, SeedResult, find_areas, upsert_areas

__all__ = ["clean_name", "find_places", "official_areas", "province_code", "seed_official_areas"]


def clean_name(text: str) -> str:
    """A place name as stored: NFC (one form for Vietnamese marks), single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def province_code(number: int) -> str:
    return f"{number:02d}"


def commune_code(number: int) -> str:
    return f"{number:05d}"


def official_areas() -> list[NewArea]:
    """Every province, then every commune, as the package ships them."""
    provinces = [
        NewArea(
            code=province_code(int(province.code)),
            name=clean_name(province.name),
            name_folded=fold(province.name),
            kind=PROVINCE,
            parent_code=None,
        )
        for province in sorted(Province.iter_all(), key=lambda p: int(p.code))
    ]
    communes = [
        NewArea(
            code=commune_code(int(ward.code)),
            name=clean_name(ward.name),
            name_folded=fold(ward.name),
            kind=COMMUNE,
            parent_code=province_code(int(ward.province_code)),
        )
        for ward in sorted(Ward.iter_all(), key=lambda w: int(w.code))
    ]
    return provinces + communes


async def seed_official_areas(session: AsyncSession) -> SeedResult:
    """Load the official provinces and communes; a second run changes nothing."""
    return await upsert_areas(session, official_areas())


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
