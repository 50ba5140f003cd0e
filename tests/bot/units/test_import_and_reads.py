"""Units in storage, on both databases: imported from a CSV list below their commune (and a
provincial body below the province), read page by page with their figures and year, a
second reach of a report correcting the first, a unit found by its name without accents."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.places import find_places
from bot.rows import same_session
from bot.units.service import file_reach, file_registration
from bot.units.unit_import import import_units
from conversations.parsing import fold
from conversations.places import UNITS
from storage.areas import NewArea, area_by_code, insert_areas
from storage.database import Database
from storage.movement_year import set_grade
from storage.units import iter_units_of_year

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
LIST = """parent_code,name,kind,level,staff,students
17662,Trường Tiểu học Đô Lương,trường,tiểu học,30,500
17662,Công ty Cổ phần Đô Lương,doanh nghiệp,,120,
40,Bệnh viện Đa khoa tỉnh,cơ quan,,800,
"""


async def seeded(database: Database) -> None:
    async with database.transaction() as session:
        await insert_areas(
            session,
            [
                NewArea("40", "Nghệ An", fold("Nghệ An"), "province", None),
                NewArea("17662", "Xã Đô Lương", fold("Xã Đô Lương"), "commune", "40"),
                NewArea("17662-001", "Thôn Một", fold("Thôn Một"), "thon", "17662", 100),
            ],
        )
        report = await import_units(session, LIST)
        assert (report.imported, report.errors) == (3, [])


@pytest.mark.parametrize("page_size", [1, 2, 100])
async def test_units_are_read_once_each_with_their_year(database: Database, page_size: int) -> None:
    await seeded(database)
    async with database.transaction() as session:
        school = (await find_places(session, "tieu hoc do luong", kinds=UNITS))[0]
        assert school.kind == "school" and school.parent_name == "Xã Đô Lương"
        await file_registration(
            session, school.id, 2026, people=500, registered_on=date(2026, 3, 1), late=False,
            member_id=None, now=NOW,
        )  # fmt: skip
        for reached in (400, 520):  # the second filing corrects the first
            await file_reach(
                session, school.id, 2026, "year", reached=reached, total=530,
                document="Báo cáo số 9/BC", late=False, member_id=None, now=NOW,
            )  # fmt: skip
        await set_grade(session, school.id, 2026, grade="good", member_id=None, now=NOW)
    async with database.transaction() as session:
        rows = [
            row
            async for row in iter_units_of_year(
                same_session(session), "/40/", 2026, UNITS, page_size=page_size
            )
        ]
        province_only = await area_by_code(session, "40")
    assert province_only is not None
    by_name = {row.name: row for row in rows}
    assert sorted(by_name) == [
        "Bệnh viện Đa khoa tỉnh",
        "Công ty Cổ phần Đô Lương",
        "Trường Tiểu học Đô Lương",
    ]
    school_row = by_name["Trường Tiểu học Đô Lương"]
    assert (school_row.level, school_row.staff, school_row.students) == ("tieu_hoc", 30, 500)
    assert school_row.registered and school_row.grade == "good"
    assert school_row.year is not None and (school_row.year.reached, school_row.year.total) == (
        520, 530,
    )  # fmt: skip
    assert school_row.half_year is None
    hospital = by_name["Bệnh viện Đa khoa tỉnh"]
    assert hospital.path.count("/") == 3 and not hospital.registered  # below the province
    assert by_name["Công ty Cổ phần Đô Lương"].students is None


async def test_a_second_import_of_the_same_unit_is_refused(database: Database) -> None:
    await seeded(database)
    async with database.transaction() as session:
        report = await import_units(session, LIST, dry_run=True)
    assert [str(error) for error in report.errors] == [
        "line 2: 'Trường Tiểu học Đô Lương' already exists in Xã Đô Lương",
        "line 3: 'Công ty Cổ phần Đô Lương' already exists in Xã Đô Lương",
        "line 4: 'Bệnh viện Đa khoa tỉnh' already exists in Nghệ An",
    ]
