"""A year on the clock for a commune of five areas, for the movement's year's tests.

Xã Đô Lương (17662), Nghệ An (40); a second commune (Xã Lương Sơn) has no residential area;
Hà Nội (01) holds a commune and nothing else (no data at all).

| area     | households | updates filed       | late     | standard         | grade     |
|----------|-----------:|---------------------|----------|------------------|-----------|
| Thôn Một |        100 | Jan–Nov, pledged 90 | –        | registered, rec. | excellent |
| Thôn Hai |         80 | Jan–Nov, pledged 60 | Mar, Jul | registered, not  | good      |
| Thôn Ba  |         60 | Jan–Jun, pledged 45 | –        | –                | good      |
| Thôn Bốn |         50 | Jan–Nov, pledged 50 | Nov      | –                | average   |
| Thôn Năm |         40 | never               |          | –                | weak      |

One model in Thôn Một with an activity on 12 October; tips in the commune: drugs acknowledged
after 5 hours, theft after 30 hours, fraud never; the Ngày hội on 19 August with 150 people.
Thôn Hai proposes more cameras in its November update.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, update

from storage._sql import areas, monthly_reports, tips
from storage.database import Database
from storage.movement_year import set_grade, set_recognition, set_registration
from storage.people.roles import grant_role
from storage.tips import insert_tip
from tests.bot.harness import DO_LUONG, LUONG_SON, NGHE_AN, hamlets, insert_tree, place
from tests.storage.harness import (
    add_camera_model,
    add_ngay_hoi,
    add_patrol,
    monthly_report,
    new_tip,
    telegram_member,
)

YEAR = 2026
# 10 December 2026, 10:00 local: November's updates are past their deadline (5 December).
NOW = datetime(2026, 12, 10, 3, 0, tzinfo=UTC)
TODAY = date(2026, 12, 10)
COMMUNE = "17662"
ADMIN = "7770010"
PROVINCE_ADMIN = "7770011"
LEADER = "7770012"

TREE = [
    NGHE_AN,
    DO_LUONG,
    *hamlets(
        COMMUNE,
        ("Thôn Một", 100),
        ("Thôn Hai", 80),
        ("Thôn Ba", 60),
        ("Thôn Bốn", 50),
        ("Thôn Năm", 40),
    ),
    LUONG_SON,
    place("01", "Hà Nội", "province", None),
    place("00004", "Phường Ba Đình", "commune", "01"),
]

# code: (households, pledged, months filed, late months)
FILINGS = {
    "17662-001": (100, 90, range(1, 12), ()),
    "17662-002": (80, 60, range(1, 12), (3, 7)),
    "17662-003": (60, 45, range(1, 7), ()),
    "17662-004": (50, 50, range(1, 12), (11,)),
}
GRADES = {
    "17662-001": "excellent",
    "17662-002": "good",
    "17662-003": "good",
    "17662-004": "average",
    "17662-005": "weak",
}
PROPOSAL = "Đề nghị lắp thêm camera ở ngã ba chợ."
ADDED_AT = datetime(2025, 12, 1, tzinfo=UTC)


async def seed_year(database: Database) -> dict[str, int]:
    """The year above; returns the areas' ids by code."""
    async with database.transaction() as session:
        ids = await insert_tree(session, TREE)
        # Every place was in the records before the year began.
        await session.execute(update(areas).values(created_at=ADDED_AT))
        for code, (households, pledged, months, late) in FILINGS.items():
            for month in months:
                deadline = date(YEAR + (month == 12), month % 12 + 1, 5)
                filed_on = deadline + timedelta(days=3 if month in late else -2)
                values = monthly_report(
                    ids[code],
                    f"{YEAR}-{month:02d}",
                    deadline,
                    datetime.combine(filed_on, datetime.min.time(), tzinfo=UTC),
                    late=month in late,
                    households=households,
                    pledged=pledged,
                    notable_events=None,
                )
                if code == "17662-002" and month == 11:
                    values["proposals"] = PROPOSAL
                await session.execute(insert(monthly_reports).values(values))
        registered_at = datetime(2026, 3, 1, tzinfo=UTC)
        for code, on in (("17662-001", date(2026, 2, 20)), ("17662-002", date(2026, 3, 10))):
            await set_registration(
                session,
                ids[code],
                YEAR,
                households=70,
                registered_on=on,
                late=False,
                member_id=None,
                now=registered_at,
            )
        await set_recognition(
            session, ids["17662-001"], YEAR, recognised=True, member_id=None, now=NOW
        )
        await set_recognition(
            session, ids["17662-002"], YEAR, recognised=False, member_id=None, now=NOW
        )
        for code, grade in GRADES.items():
            await set_grade(session, ids[code], YEAR, grade=grade, member_id=None, now=NOW)
        model = await add_camera_model(session, "Camera an ninh thôn Một", ids["17662-001"])
        await add_patrol(
            session, model, date(2026, 10, 12), participants=8, outcome="Tuần tra đêm."
        )
        received = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)
        for code, category, hours in (
            ("DRUG0001", "drugs", 5),
            ("THEF0001", "theft", 30),
            ("FRAU0001", "online_fraud", None),
        ):
            tip_id = await insert_tip(
                session,
                new_tip(code=code, category=category, received_at=received, area_id=ids["17662"]),
            )
            if hours is not None:
                await session.execute(
                    update(tips)
                    .where(tips.c.id == tip_id)
                    .values(acknowledged_at=received + timedelta(hours=hours))
                )
        await add_ngay_hoi(
            session, ids[COMMUNE], date(2026, 8, 19), turnout=150, template="ngay_hoi"
        )
        for user_id, name, role, code in (
            (ADMIN, "Chủ tịch xã", "admin", "17662"),
            (PROVINCE_ADMIN, "Văn phòng tỉnh", "admin", "40"),
            (LEADER, "Trưởng thôn Ba", "leader", "17662-003"),
        ):
            member_id = await telegram_member(session, user_id, name)
            await grant_role(
                session, member_id=member_id, role=role, area_id=ids[code], granted_by=None
            )
    return ids
