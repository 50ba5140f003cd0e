"""Monthly updates in the database: one per area and period, corrections by version."""

from __future__ import annotations

from datetime import date

import pytest

from conversations.monthly_reports import REPORT_FIELDS
from conversations.parsing import fold
from storage.areas import NewArea, area_by_code, insert_areas
from storage.database import Database
from storage.monthly_reports import (
    NewReport,
    ReportTaken,
    correct_report,
    find_report,
    insert_report,
)
from storage.tables import utcnow

VALUES = {name: 1 for name in REPORT_FIELDS} | {"notable_events": None, "proposals": "Đèn"}


async def hamlet(database: Database) -> int:
    async with database.transaction() as session:
        await insert_areas(
            session,
            [
                NewArea("40", "Nghệ An", fold("Nghệ An"), "province", None),
                NewArea("40-1", "Thôn Đông", fold("Thôn Đông"), "thon", "40"),
            ],
        )
        area = await area_by_code(session, "40-1")
        assert area is not None
        return area.id


def report(area_id: int, **values: object) -> NewReport:
    return NewReport(area_id, "2026-11", date(2026, 12, 5), False, None, VALUES | values)


async def test_a_second_update_of_the_same_area_and_month_is_refused(database: Database) -> None:
    area_id = await hamlet(database)
    async with database.transaction() as session:
        await insert_report(session, report(area_id), now=utcnow())
    async with database.transaction() as session:
        with pytest.raises(ReportTaken):
            await insert_report(session, report(area_id, households=9), now=utcnow())
    async with database.transaction() as session:
        found = await find_report(session, area_id, "2026-11")
    assert found is not None and found.values["households"] == 1


async def test_a_correction_of_a_stale_version_is_refused(database: Database) -> None:
    area_id = await hamlet(database)
    async with database.transaction() as session:
        await insert_report(session, report(area_id), now=utcnow())
    fields = {"area_id": area_id, "period": "2026-11", "member_id": None, "now": utcnow()}
    async with database.transaction() as session:
        await correct_report(session, version=1, values=VALUES | {"households": 7}, **fields)
    async with database.transaction() as session:
        with pytest.raises(ReportTaken):
            await correct_report(session, version=1, values=VALUES, **fields)
    async with database.transaction() as session:
        found = await find_report(session, area_id, "2026-11")
    assert found is not None and found.version == 2 and found.values["households"] == 7
