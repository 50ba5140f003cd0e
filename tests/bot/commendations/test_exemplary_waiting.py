"""/diemhinh shows the proposals waiting for recognition to the level that recognises them (the
province's admin), and not to the commune's admin who proposed them; on both databases."""

from __future__ import annotations

from storage.database import Database
from tests.bot.commendations.harness import phone_of
from tests.bot.movement_year.harness import ADMIN, PROVINCE_ADMIN, YEAR, seed_year
from tests.conversations.harness import t

DO_LUONG = "Xã Đô Lương, Nghệ An"


async def test_the_level_above_sees_what_waits_and_the_proposer_does_not(
    database: Database,
) -> None:
    await seed_year(database)
    admin = await phone_of(database, ADMIN)
    await admin.send(text="/diemhinh")
    await admin.send(text="xa do luong")
    await admin.send(text="de nghi")
    await admin.send(text="1")
    assert t("exemplary.proposed", unit=DO_LUONG, year=YEAR) in admin.text

    await admin.send(text="/diemhinh")  # the proposer is not the level that recognises
    assert t("exemplary.waiting", count=1, year=YEAR) not in admin.text
    assert admin.asked("exemplary.ask_commune")
    await admin.send(text="/huy")

    province = await phone_of(database, PROVINCE_ADMIN)
    await province.send(text="/diemhinh")
    waiting = t(
        "exemplary.waiting.line",
        unit=DO_LUONG,
        kind=t("exemplary.kind.commune"),
        commune="Xã Đô Lương",
    )
    assert t("exemplary.waiting", count=1, year=YEAR) in province.text
    assert waiting in province.text
    assert province.asked("exemplary.ask_commune")  # and the flow goes on as before
    await province.send(text="17662")
    await province.send(text="cong nhan")
    await province.send(text="1")
    assert t("exemplary.recognised", unit=DO_LUONG, year=YEAR) in province.text

    await province.send(text="/diemhinh")  # recognised: nothing waits any more
    assert t("exemplary.waiting", count=1, year=YEAR) not in province.text
