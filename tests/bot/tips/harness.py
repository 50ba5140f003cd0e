"""Helpers shared by the bot tests: a processor on a real database, a phone that talks to it."""

from __future__ import annotations

from bot.delivery.limits import RateLimiter
from bot.delivery.sender import OutboxSender
from bot.delivery.transports import Transport
from bot.tips.delivery import thread_messages_finished
from conversations.replies import Choices
from storage._sql import tips
from storage.areas import insert_areas
from storage.database import Database
from tests.bot.delivery.harness import FakeClock, sender
from tests.bot.harness import (
    SEALER,
    TREE,
    Phone,
    member_with_roles,
    phone_at_menu,
    rows,
    walk,
)
from tests.conversations.harness import ANONYMOUS_PATH, Clock

UP_TO_COMMUNE = [key for key, _ in ANONYMOUS_PATH].index("tip.ask.commune")


async def tip_naming(database: Database, clock: Clock, *answers: dict[str, object]) -> Phone:
    """File an anonymous tip whose commune step gets ``answers`` (one or more messages)."""
    tipster = await phone_at_menu(database, clock, "77")
    await tipster.send(text="1")
    await walk(tipster, ANONYMOUS_PATH, upto=UP_TO_COMMUNE)
    assert tipster.asked("tip.ask.commune")
    for answer in answers:
        await tipster.send(**answer)
    await walk(tipster, ANONYMOUS_PATH[UP_TO_COMMUNE + 1 :])
    await tipster.send(text="1")  # confirm the summary
    return tipster


OFFICER_A = ("601", "Lê Văn An")


ADMIN = ("604", "Chủ tịch xã")


async def staff(database: Database, user: tuple[str, str], role: str, code: str) -> int:
    """``user`` (id, name) with ``role`` in the area ``code``; their member id."""
    return await member_with_roles(database, user[0], [(role, code)], display_name=user[1])


async def new_tip(database: Database, clock: Clock) -> str:
    """An anonymous tip placed in Xã Đô Lương; its code."""
    await tip_naming(database, clock, {"text": "do luong"})
    (tip,) = await rows(database, tips)
    return str(tip["code"])


async def member_id(database: Database, user: tuple[str, str]) -> int:
    return await staff_id(database, user[0])


async def staff_id(database: Database, user_id: str) -> int:
    return await member_with_roles(database, user_id)


async def officer_phone(database: Database, clock: Clock, user: tuple[str, str]) -> Phone:
    phone = await phone_at_menu(database, clock, user[0], user[1])
    return phone


async def act(phone: Phone, code: str, action: str, *notes: str) -> None:
    await phone.send(text=f"/xuly {code}")
    question = phone.replies[-1]
    assert isinstance(question, Choices), phone.text
    assert action in [option.id for option in question.options], phone.text
    await phone.send(option=action, option_ref=question.ref)
    for note in notes:
        await phone.send(text=note)


OFFICER_B = ("602", "Phạm Thị Bình")


ELSEWHERE = ("603", "Hoàng Văn Cường")


async def ask(officer: Phone, code: str, question: str) -> None:
    """``officer`` asks the tipster of ``code`` ``question`` (/hoi), without photos."""
    await officer.send(text=f"/hoi {code}")
    await officer.send(text=question)
    await officer.send(text="xong")  # no photos


def thread_sender(
    database: Database, clock: Clock, transport: Transport, limiter: RateLimiter | None = None
) -> OutboxSender:
    """The outbox sender as ``antq run`` wires it: it opens sealed routes and tells the thread."""
    return sender(
        database,
        transport,
        FakeClock(clock.now),
        limiter=limiter,
        open_route=lambda sealed: SEALER.open_route(sealed)[1],
        on_finished=thread_messages_finished,
    )


async def taken_tip(database: Database) -> tuple[Clock, str, Phone]:
    """A new anonymous tip in Xã Đô Lương that OFFICER_A took: the scripted clock, the tip's
    code and the officer's phone."""
    clock = Clock()
    code = await new_tip(database, clock)
    officer = await officer_phone(database, clock, OFFICER_A)
    await act(officer, code, "take")
    return clock, code, officer


async def staffed(database: Database) -> Database:
    """Xã Đô Lương with two officers and an admin, and an officer of Xã Lương Sơn."""
    async with database.transaction() as session:
        await insert_areas(session, TREE)
    await staff(database, OFFICER_A, "officer", "17662")
    await staff(database, OFFICER_B, "officer", "17662")
    await staff(database, ELSEWHERE, "officer", "17641")
    await staff(database, ADMIN, "admin", "17662")
    return database
