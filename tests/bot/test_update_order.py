"""One user's updates are applied in the platform's order, whichever process receives them.

Two processes (two processors, each with its own engine pool) on one PostgreSQL database get
one user's updates alternately, as a load balancer hands them out, each as soon as the one
before it waits at the user's lock (so that which one gets there first is the platform's order,
not the luck of a busy machine): every tip ends with each answer on its own question. An update
older than one already applied (rare: the inbox orders them) is applied as it comes, never
refused with a request to send it again.
"""

from __future__ import annotations

import asyncio
import functools

import pytest
from sqlalchemy import text

from conversations.replies import Inbound, Text
from storage.conversations import load_conversation
from storage.database import Database
from storage.tips import list_tips
from tests.bot.harness import USER_ID, make_processor
from tests.conversations.harness import t
from tests.harness import wait_until

TIPS = 20
# The class of the advisory lock a processor takes for one user
# (storage.reply_path.updates.lock_user).
USER_LOCK_CLASS = 20_020


def tip_answers(number: int) -> list[str]:
    """One whole anonymous tip from the menu to its confirmation, numbered in every answer."""
    return [
        "1",  # menu: send a tip
        "1",  # category
        f"Mô tả số {number}: có người lạ hay đứng bán hàng cấm ở đầu ngõ {number}.",
        f"Đầu ngõ {number}, phố Kim Liên",
        "không rõ",  # commune
        f"{number % 12 + 1}h hôm qua",
        "bỏ qua",  # attachments
        "1",  # anonymous
        "1",  # confirm
    ]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_bursts_alternating_between_two_processes_keep_every_answer_on_its_question(
    database: Database, database_url: str
) -> None:
    second = Database(database_url)
    try:
        processors = (make_processor(database), make_processor(second))
        update_id = 1000

        async def deliver(text: str, to: int) -> None:
            nonlocal update_id
            update_id += 1
            message = Inbound("telegram", USER_ID, USER_ID, text=text, update_key=str(update_id))
            await processors[to].process(message)

        async def queued_at_the_lock(burst: list[asyncio.Task[None]]) -> bool:
            """Whether the newest update of ``burst`` is done, or holds or waits for the
            user's lock (as every update before it that is not done yet)."""
            if burst[-1].done():
                return True
            unfinished = sum(1 for update in burst if not update.done())
            async with database.session() as session:
                statement = text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND classid = :lock_class AND database = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database())"
                )
                queued = await session.scalar(statement, {"lock_class": USER_LOCK_CLASS})
            return queued >= unfinished

        await deliver("/start", 0)
        await deliver("1", 1)  # Vietnamese: the menu
        for number in range(TIPS):
            burst: list[asyncio.Task[None]] = []
            for index, answer in enumerate(tip_answers(number)):
                burst.append(asyncio.create_task(deliver(answer, index % 2)))
                await wait_until(
                    functools.partial(queued_at_the_lock, burst),
                    interval=0.002,
                    what="the update queued at the user's lock",
                )
            await asyncio.gather(*burst)
        async with database.transaction() as session:
            tips = await list_tips(session, limit=100)
    finally:
        await second.dispose()
    assert len(tips) == TIPS
    by_description = {tip.description: tip for tip in tips}
    for number in range(TIPS):
        answers = tip_answers(number)
        tip = by_description[answers[2]]
        hour = f"{number % 12 + 1:02d}:00"  # "3h hôm qua" is stored as 03:00
        assert (tip.place_text, tip.occurred_time) == (answers[3], hour)


async def test_an_update_older_than_the_last_applied_is_applied_as_it_comes(
    database: Database,
) -> None:
    processor = make_processor(database)

    async def deliver(text: str, update_id: int) -> tuple[object, ...]:
        message = Inbound("telegram", USER_ID, USER_ID, text=text, update_key=str(update_id))
        return (await processor.process(message)).replies

    await deliver("/start", 10)
    await deliver("1", 11)  # the menu
    await deliver("1", 13)  # a tip: the category question
    async with database.transaction() as session:
        member_id = (await session.execute(text("SELECT id FROM members"))).scalar_one()
        before = await load_conversation(session, member_id)
    late = await deliver("/menu", 12)  # sent before update 13, arrived after it
    assert Text(t("input.late")) not in late and late
    async with database.transaction() as session:
        after = await load_conversation(session, member_id)
    assert before is not None and after is not None
    assert (after.flow, after.step) != (before.flow, before.step)  # the menu, as asked
    # Delivered again: its stored answer, not a second run.
    again = await deliver("/menu", 12)
    assert again in ((), late)
