"""The movement's year read page by page: every place and filing once, in order, whatever the
page size."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from conversations.monthly_reports import REPORT_FIELDS
from conversations.parsing import fold
from storage.areas import NewArea, area_by_code, insert_areas
from storage.database import Database
from storage.monthly_reports import NewReport, insert_report
from storage.movement_year import (
    iter_areas_of_kinds,
    iter_span_filings,
    iter_unit_years,
    set_grade,
)

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
HAMLETS = ("17662-001", "17662-002", "17662-003")
PERIODS = ["2026-10", "2026-11"]
VALUES = {name: 1 for name in REPORT_FIELDS} | {"notable_events": None, "proposals": None}


async def _commune_with_filings(database: Database) -> None:
    """Three hamlets; the first two filed both months (the second one late in November)."""
    places = [
        NewArea("40", "Nghệ An", fold("Nghệ An"), "province", None),
        NewArea("17662", "Xã Đô Lương", fold("Xã Đô Lương"), "commune", "40"),
        *(NewArea(code, f"Thôn {code}", code, "thon", "17662", households=90) for code in HAMLETS),
    ]
    async with database.transaction() as session:
        await insert_areas(session, places)
        for code in HAMLETS[:2]:
            area = await area_by_code(session, code)
            assert area is not None
            for period in PERIODS:
                late = code == HAMLETS[1] and period == PERIODS[1]
                report = NewReport(area.id, period, date(2026, 12, 5), late, None, VALUES)
                await insert_report(session, report, now=NOW)
            await set_grade(session, area.id, 2026, grade="good", member_id=None, now=NOW)


@pytest.mark.parametrize("page_size", [1, 2, 50])
async def test_every_place_and_filing_comes_once_in_order(
    database: Database, page_size: int
) -> None:
    await _commune_with_filings(database)
    hamlets = frozenset({"thon"})

    places = [
        path
        async for path, _, _, _ in iter_areas_of_kinds(
            database.transaction, "/40/", hamlets, page_size=page_size
        )
    ]
    filings = [
        (path.split("/")[-2], period, late)
        async for path, period, _, _, late in iter_span_filings(
            database.transaction, "/40/", PERIODS, page_size=page_size
        )
    ]
    graded = [
        (unit.code, unit.grade)
        async for unit in iter_unit_years(
            database.transaction, "/40/", 2026, hamlets, page_size=page_size
        )
    ]

    assert places == [f"/40/17662/{code}/" for code in HAMLETS]
    assert filings == [
        (HAMLETS[0], "2026-10", False),
        (HAMLETS[0], "2026-11", False),
        (HAMLETS[1], "2026-10", False),
        (HAMLETS[1], "2026-11", True),
    ]
    assert graded == [(HAMLETS[0], "good"), (HAMLETS[1], "good"), (HAMLETS[2], None)]
