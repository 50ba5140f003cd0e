"""Helpers shared by the bot tests: a processor on a real database, a phone that talks to it,
members with roles, and the command line."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner, Result

from bot.cli import cli
from bot.effect_context import EffectContext
from bot.effects import EFFECT_HANDLERS
from bot.processor import MessageProcessor
from bot.sealing import Sealer
from conversations.effects import Effect
from conversations.menu import build_engine
from conversations.parsing import fold
from conversations.people.invitations import format_invite_code
from conversations.ports import Member
from conversations.replies import Choices, Inbound, Reply
from storage._sql import invitations
from storage.areas import NewArea, area_by_code, insert_areas
from storage.database import Database
from storage.people.members import find_or_create_member
from storage.people.roles import grant_role
from tests.conversations.harness import (
    CATALOGUES,
    Clock,
    t,
)

T = TypeVar("T")

USER_ID = "7391846205"


NAME = "Nguyễn Văn Báo"


SEALER = Sealer(bytes(range(32)))


def make_processor(database: Database, clock: Clock | None = None) -> MessageProcessor:
    return MessageProcessor(
        database, build_engine(CATALOGUES), SEALER, CATALOGUES, clock=clock or Clock()
    )


class Phone:
    """A user's phone talking to a processor."""

    def __init__(
        self, processor: MessageProcessor, user_id: str = USER_ID, name: str = NAME
    ) -> None:
        self.processor = processor
        self.user_id = user_id
        self.name = name
        self.replies: list[Reply] = []

    async def send(self, **fields: Any) -> list[Reply]:
        message = Inbound("telegram", self.user_id, self.user_id, display_name=self.name, **fields)
        self.replies = list((await self.processor.process(message)).replies)
        return self.replies

    @property
    def text(self) -> str:
        """What the phone shows: the texts and the labels of their buttons."""
        lines: list[str] = []
        for reply in self.replies:
            lines.append(reply.text)
            if isinstance(reply, Choices):
                lines += [option.label for option in reply.options]
        return "\n".join(lines)

    def asked(self, key: str) -> bool:
        """The last reply asks ``key`` (with the settings filling its ``{slots}``, if any)."""
        parts = [part for part in re.split(r"\{\w+\}", t(key)) if part]
        return all(part in self.replies[-1].text for part in parts)


@asynccontextmanager
async def two_processes(
    database_url: str, database: Database
) -> AsyncIterator[tuple[MessageProcessor, MessageProcessor]]:
    """Two bot processes on one database, as two ``antq run`` would be: the second with its
    own engine and connections."""
    second = Database(database_url)
    try:
        yield make_processor(database), make_processor(second)
    finally:
        await second.dispose()


def place(
    code: str, name: str, kind: str, parent: str | None, households: int | None = None
) -> NewArea:
    """A place of the test's tree, found by its name without accents as a real one is."""
    return NewArea(code, name, fold(name), kind, parent, households)


def hamlets(commune: str, *households_by_name: tuple[str, int]) -> list[NewArea]:
    """The ``thon`` of ``commune``, coded ``<commune>-001`` onwards in the order given."""
    return [
        place(f"{commune}-{number:03d}", name, "thon", commune, households)
        for number, (name, households) in enumerate(households_by_name, start=1)
    ]


# The province and its two communes, in every feature's tree; the hamlets differ.
NGHE_AN = place("40", "Nghệ An", "province", None)
DO_LUONG = place("17662", "Xã Đô Lương", "commune", "40")
LUONG_SON = place("17641", "Xã Lương Sơn", "commune", "40")
TREE = [NGHE_AN, DO_LUONG, place("17662-001", "Thôn Đông", "thon", "17662"), LUONG_SON]


async def insert_tree(session: AsyncSession, tree: Sequence[NewArea]) -> dict[str, int]:
    """Store ``tree``; returns the places' ids by code."""
    await insert_areas(session, tree)
    ids = {}
    for area in tree:
        found = await area_by_code(session, area.code)
        assert found is not None
        ids[area.code] = found.id
    return ids


# Đô Lương's second hamlet, in the trees of the features that tell hamlets apart.
THON_TAY = place("17662-002", "Thôn Tây", "thon", "17662")


ADMIN_USER = "5550001"


async def member_with_roles(
    database: Database,
    user_id: str,
    roles: Sequence[tuple[str, str]] = (),
    *,
    display_name: str | None = None,
    channel: str = "telegram",
) -> int:
    """The member writing as ``user_id`` (made if new), given each (role, area code) of
    ``roles``; their id."""
    async with database.transaction() as session:
        member = await find_or_create_member(
            session,
            channel=channel,
            platform_user_id=user_id,
            chat_id=user_id,
            display_name=display_name,
        )
        for role, code in roles:
            area = await area_by_code(session, code)
            assert area is not None, code
            await grant_role(
                session, member_id=member.id, role=role, area_id=area.id, granted_by=None
            )
        return member.id


async def tree_with_roles(
    database: Database, tree: Sequence[NewArea], *roles: tuple[str, str, str]
) -> Database:
    """``database`` with ``tree`` stored and each (user id, role, area code) of ``roles``
    granted to the member writing as that user id."""
    async with database.transaction() as session:
        await insert_areas(session, tree)
    for user_id, role, code in roles:
        await member_with_roles(database, user_id, [(role, code)])
    return database


async def area_id(database: Database, code: str) -> int:
    """The id of the area ``code``."""
    async with database.session() as session:
        area = await area_by_code(session, code)
    assert area is not None, code
    return area.id


async def rows(database: Database, table: object) -> list[dict[str, object]]:
    async with database.transaction() as session:
        result = await session.execute(select(table))  # type: ignore[call-overload]
        return [dict(row._mapping) for row in result]


async def at_menu(phone: Phone, *, consent: bool = True) -> None:
    """Open the chat and, on a first contact, choose Vietnamese and (unless ``consent`` is
    False) agree to the privacy notice."""
    await phone.send(text="/start")
    last = phone.replies[-1]
    if isinstance(last, Choices) and last.ref == "locale":
        await phone.send(text="1")
        if consent:
            await phone.send(text="/dongy")
            await phone.send(text="1")


async def phone_at_menu(database: Database, clock: Clock, user_id: str, name: str = NAME) -> Phone:
    """The phone of ``user_id`` that started the bot and sees the main menu."""
    phone = Phone(make_processor(database, clock), user_id=user_id, name=name)
    await at_menu(phone)
    return phone


async def after_restart(database: Database, clock: Clock, user_id: str) -> Phone:
    """``user_id``'s phone on a bot started anew, showing what reopening the chat shows."""
    phone = Phone(make_processor(database, clock), user_id=user_id)
    opened = await phone.processor.open_chat(Inbound("telegram", user_id, user_id))
    phone.replies = list(opened.replies)
    return phone


async def invite_leader(database: Database, clock: Clock) -> str:
    admin = Phone(make_processor(database, clock), user_id=ADMIN_USER, name="Chủ tịch xã")
    await at_menu(admin)
    await admin.send(text="/invite")
    await admin.send(text="1")
    await admin.send(text="thon dong")
    (invitation,) = await rows(database, invitations)
    assert format_invite_code(str(invitation["code"])) in admin.text
    return str(invitation["code"])


# One answer per page, in order: 3 + 2 + 2 + 5 + 3 + 5 + 6 figures, money, two texts.
PAGES = ["2 150 1", "120 100", "3 2", "0", "4 3 8", "1 0 0 2 0", "12 2 5 3 1 1"]


REST = ["1,5 trieu", "khong", "Đề nghị lắp thêm đèn ở ngõ 3"]


async def fill(phone: Phone, pages: list[str] = PAGES, rest: list[str] = REST) -> None:
    for answer in [*pages, *rest]:
        await phone.send(text=answer)


async def apply_effect(
    session: AsyncSession,
    member: Member,
    display_name: str | None,
    effect: Effect,
    now: datetime,
) -> list[Reply]:
    """Perform ``effect`` through the bot's one effect table, as the processor does for a
    message of ``member`` on the console; the replies its handler added."""
    message = Inbound(channel="console", chat_id="1", user_id="1", display_name=display_name)
    context = EffectContext(session, member, message, now, SEALER, catalogues=CATALOGUES)
    await EFFECT_HANDLERS[type(effect)](context, effect)
    return context.replies


async def walk(
    phone: Phone, path: list[tuple[str, dict[str, object]]], upto: int | None = None
) -> None:
    for key, answer in path[:upto]:
        assert phone.asked(key), phone.text
        await phone.send(**answer)


class CommandLine:
    """``antq`` run in this process (typer's CliRunner) on a migrated SQLite database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.runner = CliRunner()

    def __call__(self, *arguments: str, input: str | None = None) -> Result:
        """``antq arguments...``, with ``input`` typed at its prompts."""
        return self.runner.invoke(cli, list(arguments), input=input)

    def on_database(self, work: Callable[[Database], Awaitable[T]]) -> T:
        """What ``work`` returns, run on the command line's database (to fill or read it)."""

        async def run() -> T:
            database = Database(self.url)
            try:
                return await work(database)
            finally:
                await database.dispose()

        return asyncio.run(run())
