"""A seeded place tree with people in every role, home area and channel, for broadcast tests.

Nghệ An (40)
  Xã Đô Lương (17662)  — admin "admin", officer "officer"
    Thôn Đông (17662-001) — leader "leader_dong"; residents "dan_dong" (vi), "dan_dong_en"
                             (en), "dan_dong_zalo" (Zalo), "dan_dong_stop" (opted out),
                             "dan_dong_blocked" (blocked the bot)
    Thôn Tây (17662-002)  — leader "leader_tay" (Zalo); resident "dan_tay"
  Xã Lương Sơn (17641)     — admin "admin_son"; resident "dan_son"
"homeless": a member who never said where they live.
"""

from __future__ import annotations

from sqlalchemy import update

from storage._sql import identities, members
from storage.areas import area_by_code, insert_areas
from storage.database import Database
from storage.people.members import find_or_create_member, set_locale
from storage.people.preferences import set_campaigns
from storage.people.roles import grant_role
from tests.bot.harness import THON_TAY
from tests.bot.harness import TREE as BOT_TREE

TREE = [*BOT_TREE, THON_TAY]

# name: (platform user id, channel, home area code, role and its area code, locale)
PEOPLE: dict[str, tuple[str, str, str | None, tuple[str, str] | None, str]] = {
    "admin": ("5550001", "telegram", None, ("admin", "17662"), "vi"),
    "officer": ("5550002", "telegram", None, ("officer", "17662"), "vi"),
    "leader_dong": ("5550003", "telegram", "17662-001", ("leader", "17662-001"), "vi"),
    "leader_tay": ("zl-5550004", "zalo", None, ("leader", "17662-002"), "vi"),
    "dan_dong": ("5550005", "telegram", "17662-001", None, "vi"),
    "dan_dong_en": ("5550006", "telegram", "17662-001", None, "en"),
    "dan_dong_zalo": ("zl-5550007", "zalo", "17662-001", None, "vi"),
    "dan_dong_stop": ("5550008", "telegram", "17662-001", None, "vi"),
    "dan_dong_blocked": ("5550009", "telegram", "17662-001", None, "vi"),
    "dan_tay": ("5550010", "telegram", "17662-002", None, "vi"),
    "admin_son": ("5550011", "telegram", None, ("admin", "17641"), "vi"),
    "dan_son": ("5550012", "telegram", "17641", None, "vi"),
    "homeless": ("5550013", "telegram", None, None, "vi"),
}
ADMIN_USER = PEOPLE["admin"][0]


async def seed(database: Database) -> dict[str, int]:
    """Create the tree and the people; their member ids by name."""
    ids: dict[str, int] = {}
    async with database.transaction() as session:
        await insert_areas(session, TREE)
        for name, (user_id, channel, home, role, locale) in PEOPLE.items():
            member = await find_or_create_member(
                session,
                channel=channel,
                platform_user_id=user_id,
                chat_id=user_id,
                display_name=name,
            )
            ids[name] = member.id
            await set_locale(session, member.id, locale)
            if home is not None:
                area = await area_by_code(session, home)
                assert area is not None
                await session.execute(
                    update(members).where(members.c.id == member.id).values(home_area_id=area.id)
                )
            if role is not None:
                area = await area_by_code(session, role[1])
                assert area is not None
                await grant_role(
                    session, member_id=member.id, role=role[0], area_id=area.id, granted_by=None
                )
        await set_campaigns(session, ids["dan_dong_stop"], False)
        await session.execute(
            update(identities)
            .where(identities.c.member_id == ids["dan_dong_blocked"])
            .values(active=False)
        )
    return ids
