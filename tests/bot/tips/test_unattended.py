"""A new tip in a commune where no officer holds a role yet: nobody would hear of it, so the
admins of the commune and of the province are told at once, and the sender is told that an
urgent matter is for 113."""

from __future__ import annotations

from conversations.fields import format_tip_code
from storage._sql import outbox, tips
from storage.areas import insert_areas
from storage.database import Database
from tests.bot.harness import TREE, rows
from tests.bot.tips.harness import ADMIN, ELSEWHERE, OFFICER_A, member_id, staff, tip_naming
from tests.conversations.harness import DESCRIPTION, START, Clock, t

PROVINCE_ADMIN = ("605", "Ban Chỉ đạo tỉnh")


async def test_a_tip_nobody_hears_of_goes_to_the_admins_and_the_sender_is_told_of_113(
    database: Database,
) -> None:
    async with database.transaction() as session:
        await insert_areas(session, TREE)
    await staff(database, ADMIN, "admin", "17662")
    await staff(database, PROVINCE_ADMIN, "admin", "40")
    await staff(database, ELSEWHERE, "officer", "17641")  # another commune's: not for this tip
    clock = Clock(START.replace(hour=16))  # 23:00 in Vietnam: quiet hours
    tipster = await tip_naming(database, clock, {"text": "do luong"})
    assert t("tip.stored_no_officer") in tipster.text

    (tip,) = await rows(database, tips)
    queued = [row for row in await rows(database, outbox) if row["kind"] == "tip_notice"]
    told = {row["member_id"] for row in queued}
    assert told == {await member_id(database, ADMIN), await member_id(database, PROVINCE_ADMIN)}
    for row in queued:
        text = str(row["text"])
        assert t("inbox.notice.no_officer").split("{")[0] in text
        assert format_tip_code(str(tip["code"])) in text and f"/xemtin {tip['code']}" in text
        assert t("tip.category.drugs") in text and "Xã Đô Lương" in text
        assert DESCRIPTION not in text
        assert row["not_before"].replace(tzinfo=None) == clock.now.replace(tzinfo=None)


async def test_with_an_officer_in_the_commune_neither_admins_nor_the_sender_are_told(
    commune: Database,
) -> None:
    tipster = await tip_naming(commune, Clock(), {"text": "do luong"})
    assert t("tip.stored_no_officer") not in tipster.text
    queued = [row for row in await rows(commune, outbox) if row["kind"] == "tip_notice"]
    assert await member_id(commune, OFFICER_A) in {row["member_id"] for row in queued}
    assert await member_id(commune, ADMIN) not in {row["member_id"] for row in queued}
