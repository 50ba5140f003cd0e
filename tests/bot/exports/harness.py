"""A small province with monthly updates, models, tips and an event, for the export tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import insert

from storage._sql import monthly_reports
from storage.database import Database
from storage.tips import insert_tip
from tests.bot.harness import DO_LUONG, LUONG_SON, NGHE_AN, hamlets, insert_tree, place
from tests.storage.harness import (
    PHOTO,
    add_camera_model,
    add_ngay_hoi,
    add_patrol,
    monthly_report,
    new_tip,
)

PERIOD = "2026-10"
TIPSTER_PHONE = "0912345678"

TREE = [
    NGHE_AN,
    DO_LUONG,
    *hamlets("17662", ("Thôn Đông", 100), ("Thôn Tây", 50), ("Thôn Nam", 70)),
    LUONG_SON,
    place("17641-001", "Xóm Bắc", "xom", "17641", households=40),
]

# (area code, households, pledged, late): Thôn Nam files nothing.
FILED = [
    ("17662-001", 100, 85, False),
    ("17662-002", 50, 30, True),
    ("17641-001", 40, 40, False),
]


async def seed_province(database: Database) -> None:
    async with database.transaction() as session:
        ids = await insert_tree(session, TREE)
        for code, households, pledged, late in FILED:
            filed_at = datetime(2026, 11, 7 if late else 3, 2, 0, tzinfo=UTC)
            values = monthly_report(
                ids[code],
                PERIOD,
                date(2026, 11, 5),
                filed_at,
                late=late,
                households=households,
                pledged=pledged,
                every_figure=1,
                money_mobilised=5_000_000,
                notable_events="=1+1 không phải công thức",
            )
            await session.execute(insert(monthly_reports).values(values))
        # Active: an activity in September counts for October (3 months ending in October).
        active = await add_camera_model(session, "Camera an ninh thôn Đông", ids["17662-001"])
        await add_patrol(session, active, date(2026, 9, 10), participants=6, outcome="Tuần tra đêm")
        # Ended before October's end: not active, although it was busy in August.
        ended = await add_camera_model(
            session, "Tổ hoà giải", ids["17641"], ended_at=datetime(2026, 9, 1, tzinfo=UTC)
        )
        await add_patrol(session, ended, date(2026, 8, 20), participants=6, outcome="Tuần tra đêm")
        await insert_tip(
            session,
            new_tip(
                code="AB12CD34",
                contact_phone=TIPSTER_PHONE,
                received_at=datetime(2026, 10, 15, 3, 0, tzinfo=UTC),
                area_id=ids["17662"],
                attachments=(PHOTO,),
            ),
        )
        await insert_tip(
            session,
            new_tip(
                code="OLD00001",
                received_at=datetime(2026, 1, 15, 3, 0, tzinfo=UTC),
                area_id=ids["17662"],
            ),
        )
        await add_ngay_hoi(session, ids["17662"], date(2026, 10, 20), turnout=120)
