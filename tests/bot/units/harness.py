"""A commune with one residential area and a province admin, for the units' tests.

Xã Đô Lương (17662), Nghệ An (40): Thôn Một (100 households) and the commune's admin; the
province's admin; a unit is added in each test, by chat, the command line or the web.
"""

from __future__ import annotations

from datetime import UTC, datetime

from storage.database import Database
from storage.people.roles import grant_role
from tests.bot.harness import DO_LUONG, NGHE_AN, hamlets, insert_tree
from tests.storage.harness import telegram_member

YEAR = 2026
COMMUNE = "17662"
ADMIN = "7780010"
PROVINCE_ADMIN = "7780011"
HEAD = "7780012"
TREE = [NGHE_AN, DO_LUONG, *hamlets(COMMUNE, ("Thôn Một", 100))]


def local(month: int, day: int, hour: int = 9) -> datetime:
    """``hour`` o'clock local time (UTC+7) of a day of the year."""
    return datetime(YEAR, month, day, hour - 7, 0, tzinfo=UTC)


async def seed_commune(database: Database) -> dict[str, int]:
    async with database.transaction() as session:
        ids = await insert_tree(session, TREE)
        for user_id, name, code in (
            (ADMIN, "Chủ tịch xã", COMMUNE),
            (PROVINCE_ADMIN, "Văn phòng tỉnh", "40"),
        ):
            member_id = await telegram_member(session, user_id, name)
            await grant_role(
                session, member_id=member_id, role="admin", area_id=ids[code], granted_by=None
            )
    return ids
