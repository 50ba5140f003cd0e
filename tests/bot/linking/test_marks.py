"""A person who answered an open survey on one account and then links another to it is still
"answered": the keyed mark made from the absorbed member's id is carried over to the surviving
member in the merge (under the newest key, even when made under an older one), so they cannot
answer a second time from either account and the reminder skips them. No member id is stored."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.broadcasts.rules import fan_out_broadcasts
from bot.processor import MessageProcessor
from bot.scheduler import DeliveryScheduler
from bot.sealing import Sealer
from bot.surveys import answered_digests
from bot.surveys.rules import remind_surveys
from conversations.menu import build_engine
from storage._sql import identities, outbox
from storage.database import Database
from storage.surveys import survey_answered, survey_responses
from tests.bot.delivery.harness import local
from tests.bot.harness import SEALER, rows
from tests.bot.surveys.harness import PEOPLE, RESIDENTS, ChannelPhone, seed, write_survey
from tests.conversations.harness import CATALOGUES, Clock, t

START = local(2026, 11, 24, 9, 0)
REMIND_AT = local(2026, 11, 26, 17, 1)  # the survey closes at 17:00 on 27/11
TELEGRAM = "dan_tay"  # on Telegram
CONSOLE = "dan_dong_console"  # on the console
OLD_KEY = bytes(range(32))  # the tests' bot key (SEALER)
BOTH = Sealer(bytes(range(100, 132)), OLD_KEY)  # a new key listed first, the old one kept


def _processor(database: Database, sealer: Sealer, clock: Clock) -> MessageProcessor:
    return MessageProcessor(database, build_engine(CATALOGUES), sealer, CATALOGUES, clock=clock)


async def _answer(processor: MessageProcessor, name: str) -> str:
    """``name`` asks to answer survey 1 and, when asked, answers it; what they were told."""
    phone = ChannelPhone.of(processor, name)
    await phone.send("/khaosat 1")
    if t("surveys.answer.already") in phone.text:
        return phone.text
    for answer in ("2", "1", "Cần thêm đèn đường"):
        await phone.send(answer)
    return phone.text


async def _link(processor: MessageProcessor, asking: str, typing: str) -> None:
    """``asking`` gets a link code, ``typing`` types it: ``asking``'s member is absorbed."""
    asker = ChannelPhone.of(processor, asking)
    await asker.send("/lienket")
    await asker.send("1")
    found = re.search(r"/lienket ([0-9A-Z]{4}-[0-9A-Z]{4})", asker.text)
    assert found is not None, asker.text
    typer = ChannelPhone.of(processor, typing)
    await typer.send(f"/lienket {found.group(1)}")
    assert t("linking.linked") in typer.text


async def _member_of(database: Database, name: str) -> int:
    user_id, channel = PEOPLE[name]
    async with database.session() as session:
        member_id = await session.scalar(
            select(identities.c.member_id).where(
                identities.c.channel == channel, identities.c.platform_user_id == user_id
            )
        )
    assert member_id is not None
    return int(member_id)


async def _reminded(database: Database, clock: Clock, sealer: Sealer) -> list[int]:
    ticking = DeliveryScheduler(
        database, rules=[fan_out_broadcasts, remind_surveys(sealer)], clock=clock
    )
    clock.now = REMIND_AT
    for _ in range(3):
        await ticking.tick()
    async with database.session() as session:
        reminded = await session.execute(
            select(outbox.c.member_id).where(outbox.c.message_key == "surveys.reminder")
        )
        return sorted(reminded.scalars())


@pytest.mark.parametrize(
    ("answering", "asking", "typing"),
    [
        # The one who answered asks for the code: their member is the absorbed one.
        (TELEGRAM, TELEGRAM, CONSOLE),
        (CONSOLE, CONSOLE, TELEGRAM),
        # The one who answered types the code: their member stays (nothing to carry).
        (TELEGRAM, CONSOLE, TELEGRAM),
    ],
    ids=["telegram-answered-absorbed", "console-answered-absorbed", "answerer-survives"],
)
async def test_a_linked_person_who_answered_cannot_answer_again_nor_is_reminded(
    database: Database, answering: str, asking: str, typing: str
) -> None:
    ids = await seed(database, START)
    clock = Clock(START)
    processor = _processor(database, SEALER, clock)
    admin = ChannelPhone.of(processor, "admin")
    await write_survey(admin)
    await admin.send("1")
    assert t("surveys.answer.thanks") in await _answer(processor, answering)

    await _link(processor, asking, typing)
    person = await _member_of(database, typing)
    assert await _member_of(database, asking) == person

    # From either account: already answered; nothing more stored.
    for name in (TELEGRAM, CONSOLE):
        assert t("surveys.answer.already") in await _answer(processor, name)
    assert len(await rows(database, survey_responses)) == 1
    marks = await rows(database, survey_answered)
    assert [mark["digest"] for mark in marks] == [answered_digests(SEALER, 1, person)[0]]
    assert all(set(mark) == {"survey_id", "digest"} for mark in marks)

    # Another resident still can.
    assert t("surveys.answer.thanks") in await _answer(processor, "dan_dong")
    reminded = await _reminded(database, clock, SEALER)
    gone = {ids[TELEGRAM], ids[CONSOLE], ids["dan_dong"]}
    assert person not in reminded
    assert reminded == sorted(ids[name] for name in RESIDENTS if ids[name] not in gone)


async def test_an_answer_made_under_the_old_key_follows_a_link_made_under_the_new(
    database: Database,
) -> None:
    ids = await seed(database, START)
    clock = Clock(START)
    old = _processor(database, SEALER, clock)
    admin = ChannelPhone.of(old, "admin")
    await write_survey(admin)
    await admin.send("1")
    assert t("surveys.answer.thanks") in await _answer(old, TELEGRAM)

    both = _processor(database, BOTH, clock)  # restarted with ANTQ_SECRET_KEY=NEW,OLD
    await _link(both, TELEGRAM, CONSOLE)
    person = ids[CONSOLE]
    # The reminder skips the person (checked first: it is what fails without the carry-over).
    reminded = await _reminded(database, clock, BOTH)
    assert reminded == sorted(ids[name] for name in RESIDENTS if name not in {TELEGRAM, CONSOLE})
    # The mark is the surviving member's under the newest key, the only one stored.
    marks = await rows(database, survey_answered)
    assert [mark["digest"] for mark in marks] == [answered_digests(BOTH, 1, person)[0]]
    assert t("surveys.answer.already") in await _answer(both, TELEGRAM)
    assert t("surveys.answer.already") in await _answer(both, CONSOLE)
    assert len(await rows(database, survey_responses)) == 1
