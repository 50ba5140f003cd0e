"""The officers' tip inbox through the processor and the database: new tips announced to the
commune's officers, one officer takes a tip, its status moves on, and the sender is told."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from conversations.fields import format_tip_code
from conversations.replies import Choices
from storage._sql import audit_log, outbox, tip_status_changes, tips
from storage.areas import area_by_code, insert_areas
from storage.database import Database
from storage.members import find_or_create_member
from storage.roles import grant_role
from tests.bot.test_processor import CONTACT_PATH, DESCRIPTION, Phone, make_processor, walk
from tests.bot.test_roles_processor import TREE, at_menu, rows
from tests.bot.test_tip_commune import UP_TO_COMMUNE, tip_naming
from tests.conversations.scripted import START, Clock, t

OFFICER_A = ("601", "Lê Văn An")
OFFICER_B = ("602", "Phạm Thị Bình")
ELSEWHERE = ("603", "Hoàng Văn Cường")
ADMIN = ("604", "Chủ tịch xã")


async def staff(database: Database, user: tuple[str, str], role: str, code: str) -> int:
    async with database.transaction() as session:
        member = await find_or_create_member(
            session,
            channel="telegram",
            platform_user_id=user[0],
            chat_id=user[0],
            display_name=user[1],
        )
        area = await area_by_code(session, code)
        assert area is not None
        await grant_role(session, member_id=member.id, role=role, area_id=area.id, granted_by=None)
        return member.id


@pytest.fixture
async def commune(database: Database) -> Database:
    async with database.transaction() as session:
        await insert_areas(session, TREE)
    await staff(database, OFFICER_A, "officer", "17662")
    await staff(database, OFFICER_B, "officer", "17662")
    await staff(database, ELSEWHERE, "officer", "17641")
    await staff(database, ADMIN, "admin", "17662")
    return database


async def new_tip(database: Database, clock: Clock) -> str:
    """An anonymous tip placed in Xã Đô Lương; its code."""
    await tip_naming(database, clock, {"text": "do luong"})
    (tip,) = await rows(database, tips)
    return str(tip["code"])


async def member_id(database: Database, user: tuple[str, str]) -> int:
    return await staff_id(database, user[0])


async def staff_id(database: Database, user_id: str) -> int:
    async with database.transaction() as session:
        member = await find_or_create_member(
            session,
            channel="telegram",
            platform_user_id=user_id,
            chat_id=user_id,
            display_name=None,
        )
        return member.id


async def officer_phone(database: Database, clock: Clock, user: tuple[str, str]) -> Phone:
    phone = Phone(make_processor(database, clock), user_id=user[0], name=user[1])
    await at_menu(phone)
    return phone


async def act(phone: Phone, code: str, action: str, *notes: str) -> None:
    await phone.send(text=f"/xuly {code}")
    question = phone.replies[-1]
    assert isinstance(question, Choices), phone.text
    assert action in [option.id for option in question.options], phone.text
    await phone.send(option=action, option_ref=question.ref)
    for note in notes:
        await phone.send(text=note)


async def notices_to_chat(database: Database, chat_id: str) -> list[str]:
    return [str(row["text"]) for row in await rows(database, outbox) if row["chat_id"] == chat_id]


async def test_a_new_tip_is_announced_to_its_communes_officers_at_once(commune: Database) -> None:
    clock = Clock(START.replace(hour=16))  # 23:00 in Vietnam: quiet hours
    code = await new_tip(commune, clock)
    queued = [row for row in await rows(commune, outbox) if row["kind"] == "tip_notice"]
    told = {row["member_id"] for row in queued}
    ours = {await member_id(commune, OFFICER_A), await member_id(commune, OFFICER_B)}
    assert told == ours
    for row in queued:
        assert format_tip_code(code) in row["text"] and t("tip.category.drugs") in row["text"]
        assert DESCRIPTION not in row["text"]
        assert row["not_before"].replace(tzinfo=None) == clock.now.replace(tzinfo=None)


async def test_taking_a_tip_acknowledges_it_and_tells_the_anonymous_sender(
    commune: Database,
) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    officer = await officer_phone(commune, clock, OFFICER_A)
    clock.advance(hours=2)
    await act(officer, code, "take")
    assert t("inbox.taken", code=format_tip_code(code)) in officer.text
    (tip,) = await rows(commune, tips)
    assert tip["handler_member_id"] == await member_id(commune, OFFICER_A)
    assert tip["status"] == "acknowledged"
    assert tip["acknowledged_at"].replace(tzinfo=None) == clock.now.replace(tzinfo=None)
    steps = await rows(commune, tip_status_changes)
    assert [(s["status"], s["changed_by"]) for s in steps] == [("taken", tip["handler_member_id"])]
    assert "tip.taken" in [entry["action"] for entry in await rows(commune, audit_log)]
    (told,) = await notices_to_chat(commune, "77")  # the tipster's chat, from the sealed route
    assert told == t("inbox.sender.acknowledged", code=format_tip_code(code))
    assert OFFICER_A[1] not in told


async def test_other_officers_see_who_handles_a_tip_and_cannot_change_it(
    commune: Database,
) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    await act(await officer_phone(commune, clock, OFFICER_A), code, "take")
    other = await officer_phone(commune, clock, OFFICER_B)
    await other.send(text=f"/xemtin {code}")
    assert t("inbox.handled_by", name=OFFICER_A[1]) in other.text
    await other.send(text=f"/xuly {code}")
    assert t("inbox.handled_by", name=OFFICER_A[1]) in other.text
    nothing = t(
        "inbox.nothing_to_do",
        code=format_tip_code(code),
        status=t("inbox.status.acknowledged"),
        handler=t("inbox.handled_by", name=OFFICER_A[1]),
    )
    assert nothing in other.text
    (tip,) = await rows(commune, tips)
    assert tip["handler_member_id"] == await member_id(commune, OFFICER_A)
    elsewhere = await officer_phone(commune, clock, ELSEWHERE)
    await elsewhere.send(text=f"/xuly {code}")
    assert t("tip_read.not_found") in elsewhere.text


async def test_the_handler_forwards_a_tip_with_a_note_and_the_times_are_kept(
    commune: Database,
) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    officer = await officer_phone(commune, clock, OFFICER_A)
    await act(officer, code, "take")
    clock.advance(hours=5)
    await act(officer, code, "forwarded", "Đã chuyển Đội điều tra")
    assert t("inbox.changed", code=format_tip_code(code), status=t("inbox.status.forwarded")) in (
        officer.text
    )
    (tip,) = await rows(commune, tips)
    assert tip["status"] == "forwarded" and tip["status_note"] == "Đã chuyển Đội điều tra"
    assert tip["forwarded_at"].replace(tzinfo=None) == clock.now.replace(tzinfo=None)
    assert tip["acknowledged_at"] < tip["forwarded_at"]
    steps = [s["status"] for s in await rows(commune, tip_status_changes)]
    assert steps == ["taken", "forwarded"]
    told = await notices_to_chat(commune, "77")
    assert told[-1] == t("inbox.sender.forwarded", code=format_tip_code(code))
    await officer.send(text=f"/xemtin {code}")
    assert "Đã chuyển Đội điều tra" in officer.text


async def test_a_note_is_optional_for_verification_and_skipped_with_khong(
    commune: Database,
) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    officer = await officer_phone(commune, clock, OFFICER_A)
    await act(officer, code, "take")
    await act(officer, code, "verifying")
    assert t("inbox.ask_note") in officer.text
    await officer.send(text="khong")
    (tip,) = await rows(commune, tips)
    assert tip["status"] == "verifying" and tip["status_note"] is None


async def test_a_rejection_needs_a_reason_and_closes_the_tip(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    officer = await officer_phone(commune, clock, OFFICER_A)
    await act(officer, code, "take")
    await act(officer, code, "spam")
    assert t("inbox.ask_reason") in officer.text
    await officer.send(text="x")
    assert t("input.too_short", minimum=3) in officer.text  # asked again, nothing lost
    await officer.send(text="Quảng cáo bán hàng")
    (tip,) = await rows(commune, tips)
    assert tip["status"] == "rejected" and tip["closed_at"] is not None
    assert tip["status_note"] == "Quảng cáo bán hàng"
    steps = [s["status"] for s in await rows(commune, tip_status_changes)]
    assert steps == ["taken", "spam"]
    told = await notices_to_chat(commune, "77")
    assert told[-1] == t("inbox.sender.spam", code=format_tip_code(code))
    await officer.send(text=f"/xuly {code}")
    assert (
        t(
            "inbox.nothing_to_do",
            code=format_tip_code(code),
            status=t("inbox.status.spam"),
            handler=t("inbox.handled_by", name=OFFICER_A[1]),
        )
        in officer.text
    )


async def test_an_admin_of_the_commune_takes_a_tip_over(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    await act(await officer_phone(commune, clock, OFFICER_A), code, "take")
    admin = await officer_phone(commune, clock, ADMIN)
    await act(admin, code, "take")
    (tip,) = await rows(commune, tips)
    assert tip["handler_member_id"] == await member_id(commune, ADMIN)
    # Acknowledged once: the sender was told once.
    assert len(await notices_to_chat(commune, "77")) == 1


async def test_a_named_sender_is_told_through_their_account(commune: Database) -> None:
    clock = Clock()
    tipster = Phone(make_processor(commune, clock), user_id="78")
    await at_menu(tipster)
    await tipster.send(text="1")
    path = list(CONTACT_PATH)
    path[UP_TO_COMMUNE] = ("tip.ask.commune", {"text": "do luong"})
    await walk(tipster, path)
    await tipster.send(text="1")
    (tip,) = await rows(commune, tips)
    await act(await officer_phone(commune, clock, OFFICER_A), str(tip["code"]), "take")
    async with commune.transaction() as session:
        told = (
            await session.execute(
                select(outbox.c.message_key, outbox.c.params).where(
                    outbox.c.member_id == tip["member_id"]
                )
            )
        ).all()
    assert [(row.message_key, row.params) for row in told] == [
        ("inbox.sender.acknowledged", {"code": format_tip_code(str(tip["code"]))})
    ]


async def test_the_inbox_lists_unacknowledged_tips_first_with_their_handler(
    commune: Database,
) -> None:
    clock = Clock()
    first = await new_tip(commune, clock)
    officer = await officer_phone(commune, clock, OFFICER_A)
    await act(officer, first, "take")
    clock.advance(hours=1)
    await tip_naming(commune, clock, {"text": "do luong"})
    (second,) = {str(row["code"]) for row in await rows(commune, tips)} - {first}
    clock.advance(hours=1)
    await officer.send(text="/xemtin moi")
    listing = officer.text
    assert listing.index(format_tip_code(second)) < listing.index(format_tip_code(first))
    assert t("inbox.handled_by", name=OFFICER_A[1]) in listing
    assert DESCRIPTION not in listing
