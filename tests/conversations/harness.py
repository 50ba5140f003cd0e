"""Scripted conversations: a user talking to the engine, in memory, with a controllable clock."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from conversations.engine import Engine
from conversations.i18n import Catalogues
from conversations.menu import build_engine
from conversations.parsing import ParseError
from conversations.places import Place
from conversations.policy import Grant, Role
from conversations.replies import AskLocation, Choices, Inbound, Location, MediaItem, Reply, Text
from tests.memory import MemoryChat

CATALOGUES = Catalogues.load()
START = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam


class _KeepSlots(dict[str, object]):
    def __missing__(self, name: str) -> str:
        return "{" + name + "}"


def t(key: str, locale: str = "vi", **params: object) -> str:
    """The text of ``key`` with ``params``; a text whose other ``{slots}`` the code fills (a
    field's limit, a period from the settings) stands for its longest fixed part, which every
    filled text contains."""
    text = CATALOGUES.text(locale, key).format_map(_KeepSlots(params))
    if not re.search(r"\{\w+\}", text):
        return text
    return max(re.split(r"\{\w+\}", text), key=len)


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class User:
    """One person chatting; keeps the last replies for assertions."""

    chat: MemoryChat
    user_id: str = "1001"
    channel: str = "console"
    replies: list[Reply] = field(default_factory=list)

    async def send(self, **fields: object) -> list[Reply]:
        message = Inbound(self.channel, self.user_id, self.user_id, **fields)  # type: ignore[arg-type]
        self.replies = await self.chat.send(message)
        return self.replies

    async def say(self, text: str) -> list[Reply]:
        return await self.send(text=text)

    async def tap(self, option: str, ref: str | None = None) -> list[Reply]:
        """Tap a button of the last question (``ref`` defaults to that question's)."""
        if ref is None:
            ref = self.question_ref
        return await self.send(option=option, option_ref=ref)

    async def share_location(self, latitude: float, longitude: float) -> list[Reply]:
        return await self.send(location=Location(latitude, longitude))

    async def send_file(self, kind: str = "photo", size: int = 1000, n: int = 1) -> list[Reply]:
        media = MediaItem(kind=kind, file_id=f"file-{kind}-{n}", size_bytes=size)  # type: ignore[arg-type]
        return await self.send(media=media)

    @property
    def text(self) -> str:
        return "\n".join(reply.text for reply in self.replies)

    @property
    def question(self) -> Reply:
        return self.replies[-1]

    @property
    def question_ref(self) -> str:
        last = self.question
        return last.ref if isinstance(last, Choices | AskLocation) else ""

    @property
    def options(self) -> list[str]:
        last = self.question
        return (
            [option.id for option in last.options]
            if isinstance(last, Choices | AskLocation)
            else []
        )

    def asked(self, key: str, locale: str = "vi") -> bool:
        """True when the last reply asks the question whose prompt is ``key`` (a prompt whose
        ``{slots}`` the settings fill: every part around them)."""
        template = CATALOGUES.text(locale, key)
        parts = [part for part in re.split(r"\{\w+\}", template) if part]
        return all(part in self.question.text for part in parts)

    def said(self, key: str, locale: str = "vi", **params: object) -> bool:
        """True when a reply says ``key`` with ``params``; without them, every part around the
        text's ``{slots}`` (a limit the field fills, say)."""
        texts = [reply.text for reply in self.replies if isinstance(reply, Text | Choices)]
        if params:
            return any(t(key, locale, **params) in text for text in texts)
        parts = [part for part in re.split(r"\{\w+\}", CATALOGUES.text(locale, key)) if part]
        return any(all(part in text for part in parts) for text in texts)


def new_chat(engine: Engine | None = None, clock: Clock | None = None) -> MemoryChat:
    return MemoryChat(engine or build_engine(CATALOGUES), clock=clock or Clock())


async def user_at_menu(
    chat: MemoryChat, user_id: str = "1001", locale_choice: str = "1", *, consented: bool = True
) -> User:
    """A member at the menu, their language chosen and (unless ``consented`` is False) the
    privacy notice agreed to."""
    user = User(chat, user_id)
    await user.say("/start")
    await user.say(locale_choice)
    if consented:
        await user.say("/dongy")
        await user.say("1")
    return user


async def menu_items(user: User) -> list[str]:
    """Every item the member's menu offers, each section's items in its place (a section is
    opened by a tap and left by its last option, back to the main screen)."""
    assert isinstance(user.question, Choices) and user.question.ref == "menu"
    items: list[str] = []
    for option in user.options:
        if not option.startswith("section:"):
            items.append(option)
            continue
        await user.tap(option, "menu")
        items += [item for item in user.options if item != "main"]
        await user.tap("main")
    return items


DESCRIPTION = "Có hai thanh niên đi xe máy không biển số hay đứng bán ma tuý ở đầu ngõ 5."

# The anonymous path, step by step: (prompt key of the step, a good answer).
ANONYMOUS_PATH: list[tuple[str, dict[str, object]]] = [
    ("tip.ask.category", {"text": "1"}),
    ("tip.ask.description", {"text": DESCRIPTION}),
    ("tip.ask.place", {"text": "Đầu ngõ 5, phố Kim Liên"}),
    ("tip.ask.commune", {"text": "không rõ"}),
    ("tip.ask.time", {"text": "21h hôm qua"}),
    ("tip.ask.attachments", {"text": "bỏ qua"}),
    ("tip.ask.identity", {"text": "1"}),
]
CONTACT_PATH: list[tuple[str, dict[str, object]]] = [
    *ANONYMOUS_PATH[:-1],
    ("tip.ask.identity", {"text": "2"}),
    ("tip.ask.phone_consent", {"text": "1"}),
    ("tip.ask.phone", {"text": "0912 345 678"}),
]


async def start_tip(user: User) -> None:
    await user.say("1")  # menu item "Gửi tin báo"
    assert user.asked("tip.ask.category")


async def walk(
    user: User, path: list[tuple[str, dict[str, object]]], upto: int | None = None
) -> None:
    """Answer the steps of ``path`` (all, or the first ``upto``), checking each question."""
    for key, answer in path[:upto]:
        assert user.asked(key), f"expected {key!r}, got {user.question.text!r}"
        await user.send(**answer)


def places(chat: MemoryChat) -> dict[str, Place]:
    records = chat.records
    nghe_an = records.add_place("40", "Nghệ An", "province")
    do_luong = records.add_place("17662", "Xã Đô Lương", "commune", nghe_an)
    thon_dong = records.add_place("17662-001", "Thôn Đông", "thon", do_luong)
    luong_son = records.add_place("17641", "Xã Lương Sơn", "commune", nghe_an)
    thon_bac = records.add_place("17641-001", "Thôn Bắc", "thon", luong_son)
    return {p.code: p for p in (nghe_an, do_luong, thon_dong, luong_son, thon_bac)}


async def user_with_role(chat: MemoryChat, role: Role, place_code: str, user_id: str = "7") -> User:
    """A member holding ``role`` in the place of ``place_code``, at the menu."""
    chat.grant(user_id, Grant(0, role, places(chat)[place_code]))
    return await user_at_menu(chat, user_id=user_id)


def refusal(parse: Callable[..., object], text: str, **options: object) -> str:
    """Why ``parse`` refuses ``text``: the reason of its ``ParseError`` (fails if it accepts)."""
    with pytest.raises(ParseError) as caught:
        parse(text, **options)
    return caught.value.reason
