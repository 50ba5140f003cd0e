"""A small province with monthly updates, models, tips and an event, for the export tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert

from conversations.parsing import fold
from storage._sql import events, model_activities, monthly_reports, security_models
from storage.areas import NewArea, area_by_code, insert_areas
from storage.database import Database
from storage.exports import REPORT_FIGURES
from storage.tips import insert_tip
from tests.storage.harness import PHOTO, new_tip

PERIOD = "2026-10"
TIPSTER_PHONE = "0912345678"

TREE = [
    NewArea("40", "Nghệ An", fold("Nghệ An"), "province", None),
    NewArea("17662", "Xã Đô Lương", fold("Xã Đô Lương"), "commune", "40"),
    NewArea("17662-001", "Thôn Đông", fold("Thôn Đông"), "thon", "17662", households=100),
    NewArea("17662-002", "Thôn Tây", fold("Thôn Tây"), "thon", "17662", households=50),
    NewArea("17662-003", "Thôn Nam", fold("Thôn Nam"), "thon", "17662", households=70),
    NewArea("17641", "Xã Lương Sơn", fold("Xã Lương Sơn"), "commune", "40"),
    NewArea("17641-001", "Xóm Bắc", fold("Xóm Bắc"), "xom", "17641", households=40),
]

# (area code, households, pledged, late): Thôn Nam files nothing.
FILED = [
    ("17662-001", 100, 85, False),
    ("17662-002", 50, 30, True),
    ("17641-001", 40, 40, False),
]


def report_values(area_id: int, households: int, pledged: int, late: bool) -> dict[str, Any]:
    figures: dict[str, Any] = {name: 1 for name in REPORT_FIGURES}
    figures.update(
        households=households,
        households_pledged=pledged,
        money_mobilised=5_000_000,
        notable_events="=1+1 không phải công thức",
        proposals=None,
    )
    filed_at = datetime(2026, 11, 7 if late else 3, 2, 0, tzinfo=UTC)
    return {
        "area_id": area_id,
        "period": PERIOD,
        "deadline": date(2026, 11, 5),
        "late": late,
        "filed_at": filed_at,
        "updated_at": filed_at,
        **figures,
    }


async def seed_province(database: Database) -> None:
    async with database.transaction() as session:
        await insert_areas(session, TREE)
        ids = {}
        for area in TREE:
            found = await area_by_code(session, area.code)
            assert found is not None
            ids[area.code] = found.id
        for code, households, pledged, late in FILED:
            await session.execute(
                insert(monthly_reports).values(report_values(ids[code], households, pledged, late))
            )
        # Active: an activity in September counts for October (3 months ending in October).
        active = await _model(session, "Camera an ninh thôn Đông", ids["17662-001"], None)
        await _activity(session, active, date(2026, 9, 10))
        # Ended before October's end: not active, although it was busy in August.
        ended = await _model(session, "Tổ hoà giải", ids["17641"], datetime(2026, 9, 1, tzinfo=UTC))
        await _activity(session, ended, date(2026, 8, 20))
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
        await session.execute(
            insert(events).values(
                title="Ngày hội toàn dân bảo vệ ANTQ",
                description="",
                place_text="Nhà văn hoá thôn Đông",
                starts_at=datetime(2026, 10, 20, 1, 0, tzinfo=UTC),
                ends_at=datetime(2026, 10, 20, 4, 0, tzinfo=UTC),
                area_id=ids["17662"],
                turnout=120,
            )
        )


async def _model(session: Any, name: str, area_id: int, ended_at: datetime | None) -> int:
    result = await session.execute(
        insert(security_models)
        .values(name=name, kind="camera", area_id=area_id, ended_at=ended_at)
        .returning(security_models.c.id)
    )
    return int(result.scalar_one())


async def _activity(session: Any, model_id: int, day: date) -> None:
    await session.execute(
        insert(model_activities).values(
            model_id=model_id,
            activity_date=day,
            kind="patrol",
            participants=6,
            outcome="Tuần tra đêm",
            photos=[],
        )
    )
