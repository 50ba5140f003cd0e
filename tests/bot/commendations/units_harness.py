"""Agencies, businesses and schools on top of the movement's year harness (``seed_year``), for
the commendation tests of units.

In Xã Đô Lương (17662): Trường THCS Đô Lương (40 staff, 760 students, its head a member) with
the model "Câu lạc bộ phổ biến kiến thức pháp luật": two activities in 2026 (30 and 25 people)
and one in 2025 (not counted); Trường Tiểu học Hoa Sen, Công ty May Đô Lương and Trạm Y tế xã
Đô Lương. Below the province: Sở Tư pháp Nghệ An (a provincial body, in no commune).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.units.service import UnitFigures, add_units, file_reach
from storage.areas import area_by_id
from storage.database import Database
from storage.people.roles import grant_role
from tests.bot.movement_year.harness import NOW, YEAR
from tests.storage.harness import add_camera_model, add_patrol, telegram_member

UNIT_HEAD = "7770090"
THCS = "Trường THCS Đô Lương"
HOA_SEN = "Trường Tiểu học Hoa Sen"
MAY = "Công ty May Đô Lương"
TRAM_Y_TE = "Trạm Y tế xã Đô Lương"
SO_TU_PHAP = "Sở Tư pháp Nghệ An"


@dataclass(frozen=True)
class Units:
    """The units' place ids and codes, by name."""

    ids: dict[str, int]
    codes: dict[str, str]


async def add_do_luong_units(database: Database) -> Units:
    figures = [
        UnitFigures("17662", THCS, "school", "THCS", 40, 760),
        UnitFigures("17662", HOA_SEN, "school", "Tiểu học", 20, 300),
        UnitFigures("17662", MAY, "business", None, 300, None),
        UnitFigures("17662", TRAM_Y_TE, "agency", None, 12, None),
        UnitFigures("40", SO_TU_PHAP, "agency", None, 90, None),
    ]
    async with database.transaction() as session:
        ids = await add_units(session, figures, now=NOW)
        by_name = {unit.name: area_id for unit, area_id in zip(figures, ids, strict=True)}
        model = await add_camera_model(
            session, "Câu lạc bộ phổ biến kiến thức pháp luật", by_name[THCS]
        )
        for day, people in ((date(YEAR, 3, 26), 30), (date(YEAR, 11, 9), 25)):
            await add_patrol(session, model, day, participants=people, outcome="Sinh hoạt.")
        await add_patrol(session, model, date(YEAR - 1, 11, 9), participants=99, outcome="Cũ.")
        head = await telegram_member(session, UNIT_HEAD, "Hiệu trưởng THCS")
        await grant_role(
            session, member_id=head, role="unit_head", area_id=by_name[THCS], granted_by=None
        )
        codes = {}
        for name, area_id in by_name.items():
            area = await area_by_id(session, area_id)
            assert area is not None
            codes[name] = area.code
    return Units(by_name, codes)


async def report_reach(
    database: Database, unit_id: int, report: str, reached: int, total: int
) -> None:
    async with database.transaction() as session:
        await file_reach(
            session,
            unit_id,
            YEAR,
            report,
            reached=reached,
            total=total,
            document="Báo cáo số 12/BC-THCS",
            late=False,
            member_id=None,
            now=NOW,
        )
