"""Helpers of the linking tests: a person's two accounts at the menu, a link code asked for,
the member of each account, and where a notice to a member goes."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.delivery.queueing import MemberMessage, queue_for_member
from storage._sql import identities, outbox
from storage.database import Database
from storage.delivery.outbox import NOTICE
from tests.bot.harness import Phone, at_menu, make_processor, rows
from tests.bot.linking.phones import ChannelPhone
from tests.conversations.harness import Clock, t

TELEGRAM_USER = "7001"
CONSOLE_USER = "op-7001"


async def two_accounts(database: Database, clock: Clock) -> tuple[Phone, ChannelPhone]:
    """The person's Telegram and console accounts, each past the language and the notice."""
    telegram = Phone(make_processor(database, clock), user_id=TELEGRAM_USER)
    console = ChannelPhone(make_processor(database, clock), CONSOLE_USER, "console")
    await at_menu(telegram)
    await at_menu(console)
    return telegram, console


async def code_from(phone: Phone) -> str:
    await phone.send(text="/lienket")
    assert t("linking.ask") in phone.text
    await phone.send(text="1")
    found = re.search(r"/lienket ([0-9A-Z]{4}-[0-9A-Z]{4})", phone.text)
    assert found is not None, phone.text
    return found.group(1)


async def owners(database: Database) -> dict[tuple[str, str], int]:
    """The member of each account, by (channel, user id)."""
    return {
        (str(row["channel"]), str(row["platform_user_id"])): int(str(row["member_id"]))
        for row in await rows(database, identities)
    }


async def notice_goes_to(database: Database, member_id: int, clock: Clock, key: str) -> str:
    """Queue a notice for the member; the channel of the account it is queued to."""
    async with database.transaction() as session:
        queued = await queue_for_member(
            session, MemberMessage(member_id, NOTICE, key, text="x"), now=clock.now
        )
    assert queued
    async with database.transaction() as session:
        row = (
            await session.execute(
                select(identities.c.channel)
                .join(outbox, outbox.c.identity_id == identities.c.id)
                .where(outbox.c.dedup_key == key)
            )
        ).one()
    return str(row.channel)
