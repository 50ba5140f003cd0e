"""Test harness: our TelegramChannel, a real MessageProcessor and the fake Bot API server; and
the console chat with its outbox sender, as ``antq run`` wires it.

``TelegramUser`` plays a person with a phone: they write, tap buttons, share a location or a
photo through the fake server, and wait for the bot's answer the way a person reads it.
``ConsoleUser`` plays a person at the terminal: they type lines and read what is printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from bot.app import Application, chat_in_console
from bot.channels.telegram import TelegramChannel
from bot.channels.zalo_bot.channel import ZaloChannel
from bot.channels.zalo_bot.client import ZaloClient
from bot.processor import MessageProcessor
from bot.retrying import RetryPolicy
from bot.sealing import Sealer
from bot.settings import Settings
from bot.web.app import build_web_app
from conversations.fields import format_tip_code
from conversations.menu import build_engine
from conversations.replies import Media
from storage._sql import tips
from storage.areas import insert_areas
from storage.database import Database
from tests.bot.harness import SEALER, TREE, member_with_roles, rows
from tests.conversations.harness import CATALOGUES, DESCRIPTION, START, Clock, t
from tests.fakes.asgi_server import LoopbackASGIServer
from tests.fakes.telegram_server import FakeTelegramServer
from tests.fakes.zalo_server import FakeZaloServer
from tests.harness import PATIENCE

USER = 7391846205
SECRET = "s3cret_Webhook-token"
# Retries in tests pause for milliseconds, not seconds.
FAST_RETRY = RetryPolicy(attempts=4, first_delay=0.01, multiplier=2.0, max_delay=0.05)


def make_processor(database: Database) -> MessageProcessor:
    return MessageProcessor(
        database, build_engine(CATALOGUES), Sealer(bytes(range(32))), CATALOGUES
    )


def telegram_settings(server: FakeTelegramServer, webhook_base_url: str | None = None) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_token=server.token,
        telegram_base_url=server.base_url,
        webhook_base_url=webhook_base_url,
        webhook_secret=SECRET if webhook_base_url else None,
    )


def new_channel(
    database: Database,
    server: FakeTelegramServer,
    webhook_base_url: str | None = None,
    **options: Any,
) -> TelegramChannel:
    return TelegramChannel(
        make_processor(database),
        CATALOGUES,
        telegram_settings(server, webhook_base_url),
        retry=FAST_RETRY,
        poll_timeout=dtm.timedelta(seconds=5),
        **options,
    )


@asynccontextmanager
async def polling_bot(
    database: Database, server: FakeTelegramServer, **options: Any
) -> AsyncIterator[TelegramChannel]:
    """Our bot receiving by long polling from ``server``."""
    channel = new_channel(database, server, **options)
    await channel.start()
    try:
        yield channel
    finally:
        await channel.stop()


@dataclass
class WebhookBot:
    channel: TelegramChannel
    url: str


@asynccontextmanager
async def webhook_bot(database: Database, server: FakeTelegramServer) -> AsyncIterator[WebhookBot]:
    """Our bot behind the real web app (uvicorn on a loopback port), registered as webhook."""
    async with LoopbackASGIServer() as web:
        channel = new_channel(database, server, web.url)
        await channel.start()
        try:
            await web.start(build_web_app(database, channel.routes()))
            yield WebhookBot(channel, f"{web.url}/telegram")
        finally:
            await web.stop()
            await channel.stop()


def button_data(message: dict[str, Any], label: str) -> str:
    """The callback_data of the inline button labelled ``label`` in ``message``."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    for row in rows:
        for button in row:
            if button["text"] == label:
                return str(button["callback_data"])
    raise AssertionError(f"no button {label!r} in {rows}")


class TelegramUser:
    """One person in a private chat with the bot."""

    def __init__(self, server: FakeTelegramServer, user_id: int = USER) -> None:
        self.server = server
        self.user_id = user_id
        self._seen = 0

    @property
    def received(self) -> list[dict[str, Any]]:
        return self.server.sent_messages(self.user_id)

    def says(self, text: str, **kwargs: Any) -> int:
        self._seen = len(self.received)
        return self.server.user_sends_text(self.user_id, text, **kwargs)

    def edits(self, update_id: int, text: str) -> int:
        """Edit the text message sent as update ``update_id``."""
        self._seen = len(self.received)
        (update,) = [u for u in self.server.updates if u["update_id"] == update_id]
        return self.server.user_edits_message(self.user_id, update["message"]["message_id"], text)

    def taps(
        self, message: dict[str, Any], label_key: str, *, stale: bool = False, locale: str = "vi"
    ) -> int:
        """Tap the button labelled ``t(label_key)`` of ``message`` (a message the bot sent).

        ``stale`` taps the keyboard the message was sent with, as an app that has not yet
        shown the removal would, even if the bot has removed it since."""
        self._seen = len(self.received)
        shown = message if stale else self.current(message)
        data = button_data(shown, t(label_key, locale))
        return self.server.user_taps_button(
            self.user_id, message["message_id"], data, strict=not stale
        )

    def shares_location(self, latitude: float, longitude: float) -> int:
        self._seen = len(self.received)
        return self.server.user_shares_location(self.user_id, latitude, longitude)

    def sends_photo(self, **kwargs: Any) -> int:
        self._seen = len(self.received)
        return self.server.user_sends_photo(self.user_id, **kwargs)

    def sends_sticker(self) -> int:
        self._seen = len(self.received)
        return self.server.user_sends_sticker(self.user_id)

    def current(self, message: dict[str, Any]) -> dict[str, Any]:
        """The message as the user's app shows it now (edits applied)."""
        shown = self.server.message(self.user_id, message["message_id"])
        assert shown is not None
        return shown

    async def reads(
        self, key: str, *, buttons: bool = False, locale: str = "vi", **params: object
    ) -> dict[str, Any]:
        """Wait for a new message containing ``t(key)`` in ``locale``; with ``buttons`` also
        for its inline keyboard (which may come by an edit right after the message)."""
        expected = t(key, locale, **params)

        def arrived() -> dict[str, Any] | None:
            for message in self.received[self._seen :]:
                # A file's words are its caption.
                if expected in message.get("text", message.get("caption", "")):
                    if buttons and "reply_markup" not in self.current(message):
                        return None
                    return message
            return None

        found: dict[str, Any] = await self.server.wait_for(arrived)
        self._seen = self.received.index(found) + 1
        return found


class ConsoleUser:
    """One person at a terminal chatting as console user ``user_id``."""

    def __init__(self, user_id: str = "42") -> None:
        self.user_id = user_id
        self.screen = ""  # everything the terminal printed
        self._read_up_to = 0
        self._typed: asyncio.Queue[str | None] = asyncio.Queue()

    def write(self, text: str) -> None:
        self.screen += text

    async def read_line(self) -> str | None:
        return await self._typed.get()

    def types(self, *lines: str) -> None:
        for line in lines:
            self._typed.put_nowait(line)

    def quits(self) -> None:
        """Ctrl+D."""
        self._typed.put_nowait(None)

    async def reads(self, expected: str, timeout: float = PATIENCE) -> str:  # noqa: ASYNC109
        """Wait until ``expected`` is printed after what was read; what was printed up to it."""
        deadline = asyncio.get_running_loop().time() + timeout
        while expected not in self.screen[self._read_up_to :]:
            if asyncio.get_running_loop().time() > deadline:
                unread = self.screen[self._read_up_to :]
                raise AssertionError(f"never printed {expected!r}; printed:\n{unread}")
            await asyncio.sleep(0.02)
        end = self.screen.index(expected, self._read_up_to) + len(expected)
        seen = self.screen[self._read_up_to : end]
        self._read_up_to = end
        return seen

    async def answers(self, line: str, expected: str) -> str:
        """Type ``line`` and wait for ``expected`` in the answer."""
        self.types(line)
        return await self.reads(expected)


class RunningClock(Clock):
    """A clock that starts at 10:00 in Vietnam (outside the quiet hours) and runs on: the
    outbox looks again at what a terminal left for another one a few seconds later."""

    def __init__(self) -> None:
        self._started = time.monotonic()

    def __call__(self) -> dtm.datetime:
        return START + dtm.timedelta(seconds=time.monotonic() - self._started)


def console_app(
    database: Database, data_dir: Path, clock: Callable[[], dtm.datetime] | None = None
) -> Application:
    """The application ``antq run`` builds, on the test's database, data folder and clock."""
    settings = Settings(_env_file=None, data_dir=data_dir)  # type: ignore[call-arg]
    processor = MessageProcessor(
        database, build_engine(CATALOGUES), SEALER, CATALOGUES, clock=clock or RunningClock()
    )
    return Application(settings, database, CATALOGUES, processor.engine, SEALER, processor)


@asynccontextmanager
async def console_chat(app: Application, user: ConsoleUser) -> AsyncIterator[None]:
    """``user``'s terminal chat with its outbox sender and scheduler, until they quit."""
    console = app.console(user.user_id, read_line=user.read_line, write=user.write)
    chatting = asyncio.create_task(chat_in_console(app, console))
    try:
        yield
    finally:
        user.quits()
        await asyncio.wait_for(chatting, PATIENCE)


# -- Telegram: a whole tip, an officer, raw updates -------------------------------------------

PHOTO_FILE_ID = "AgACAgUAAxkBAAIBQ2antq_tip_photo"


async def at_menu(user: TelegramUser) -> dict[str, Any]:
    """A new user whose app is in Vietnamese opens the bot; returns the menu message."""
    user.says("/start")
    menu = await user.reads("menu.prompt", buttons=True)
    # Not asked for a language: the app's is one the bot speaks, and they are told so.
    assert t("language.from_app") in menu["text"]
    return menu


async def at_category(user: TelegramUser) -> dict[str, Any]:
    menu = await at_menu(user)
    user.taps(menu, "menu.tip")
    return await user.reads("tip.ask.category", buttons=True)


def private_update(update_id: int, **content: Any) -> dict[str, Any]:
    """An update as Telegram would push it: a message from USER in their private chat."""
    message = {
        "message_id": update_id,
        "date": 1_760_000_000,
        "chat": {"id": USER, "type": "private", "first_name": "Báo"},
        "from": {"id": USER, "is_bot": False, "first_name": "Báo", "language_code": "vi"},
        **content,
    }
    return {"update_id": update_id, "message": message}


def secret_header(secret: str) -> dict[str, str]:
    return {"X-Telegram-Bot-Api-Secret-Token": secret}


async def send_a_whole_anonymous_tip(
    user: TelegramUser, commune: str = "không rõ"
) -> list[dict[str, Any]]:
    """Tap and type through the tip flow with a location and a photo; returns the questions
    whose buttons were tapped."""
    category = await at_category(user)
    user.taps(category, "tip.category.drugs")
    await user.reads("tip.ask.description")
    user.says(DESCRIPTION)
    place = await user.reads("tip.ask.place")
    keyboard = place["reply_markup"]["keyboard"]
    assert keyboard[0][0] == {"text": t("telegram.share_location"), "request_location": True}
    user.shares_location(21.0245, 105.8412)
    await user.reads("tip.ask.commune", buttons=True)
    user.says(commune)
    await user.reads("tip.ask.time", buttons=True)
    user.says("21h hôm qua")
    await user.reads("tip.ask.attachments", buttons=True)
    user.sends_photo(file_id=PHOTO_FILE_ID, file_size=350_000)
    received = await user.reads("input.attachment_received", buttons=True, count=1, maximum=5)
    user.taps(received, "common.done")
    identity = await user.reads("tip.ask.identity", buttons=True)
    user.taps(identity, "tip.identity.anonymous")
    summary = await user.reads("summary.question", buttons=True)
    user.taps(summary, "summary.confirm")
    await user.reads("menu.prompt", buttons=True)
    # The location keyboard stayed (folded) until a message without buttons could take it
    # away: the thanks with the safety note, apart from the menu. Never a message of its own.
    closing = user.received[-2]
    assert t("tip.safety") in closing["text"]
    assert closing["reply_markup"] == {"remove_keyboard": True}
    assert [m for m in user.received if m.get("reply_markup") == {"remove_keyboard": True}] == [
        closing
    ]
    return [category, received, identity, summary]


OFFICER = 5550601


async def an_officer_of_do_luong(database: Database) -> int:
    """Xã Đô Lương with its officer (a Telegram user); the officer's member id."""
    async with database.transaction() as session:
        await insert_areas(session, TREE)
    return await member_with_roles(
        database, str(OFFICER), [("officer", "17662")], display_name="Lê Văn An"
    )


# -- the console: its members and a tip typed in ----------------------------------------------

TIP_LINES = ["1", "1", "2", DESCRIPTION, "Cổng chợ", "do luong", "hôm qua", "bỏ qua", "1", "1"]


async def console_member(database: Database, user_id: str, role: str | None = None) -> None:
    """A console user, as ``antq admin add --channel console`` makes one (with ``role`` in
    Xã Đô Lương)."""
    roles = [(role, "17662")] if role is not None else []
    await member_with_roles(database, user_id, roles, channel="console")


async def file_a_tip(user: ConsoleUser, database: Database) -> str:
    """``user`` files an anonymous tip in Xã Đô Lương; its code as shown."""
    user.types(*TIP_LINES)
    await user.reads("Mã tin báo:")
    (tip,) = await rows(database, tips)
    return format_tip_code(str(tip["code"]))


# -- Zalo Bot Platform: our channel on the fake Zalo API, a person in the Zalo app -------------

Mode = Literal["polling", "webhook"]
MODES: list[Mode] = ["polling", "webhook"]
ZALO_SECRET = "zalo-webhook-secret-for-tests"
ZALO_USER = "5b6e1f0c2a9d4e7f8a01"
ZALO_NAME = "Trần Thị Tin"
ZALO_PHOTO = "https://photo-stal-9.zdn.vn/fake/0a1b2c3d4e5f.jpg"


@dataclass
class ZaloBot:
    """The fake Zalo API, our channel talking to it, and (in webhook mode) our web server."""

    server: FakeZaloServer
    channel: ZaloChannel
    web: LoopbackASGIServer | None


@contextlib.asynccontextmanager
async def running_bot(
    database: Database,
    mode: Mode,
    server_options: dict[str, Any] | None = None,
    client_options: dict[str, Any] | None = None,
    **channel_options: Any,
) -> AsyncIterator[ZaloBot]:
    processor = MessageProcessor(
        database, build_engine(CATALOGUES), Sealer(bytes(range(32))), CATALOGUES, clock=Clock()
    )
    options = {"max_poll_wait": 1.0, **(server_options or {})}
    async with FakeZaloServer(**options) as server, LoopbackASGIServer() as web:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            zalo_token=server.token,  # type: ignore[arg-type]
            zalo_base_url=server.base_url,
            webhook_base_url=web.url if mode == "webhook" else None,
            webhook_secret=ZALO_SECRET if mode == "webhook" else None,  # type: ignore[arg-type]
        )
        if client_options is not None:
            channel_options["client"] = ZaloClient(
                server.token, base_url=server.base_url, **client_options
            )
        channel = ZaloChannel(processor, CATALOGUES, settings, poll_wait=1.0, **channel_options)
        if mode == "webhook":
            await web.start(
                build_web_app(database, channel.routes(), channel_problems=channel.health_problems)
            )
        await channel.start()
        try:
            yield ZaloBot(server, channel, web if mode == "webhook" else None)
        finally:
            await channel.stop()


class ZaloUser:
    """A person chatting with the bot in the Zalo app."""

    def __init__(
        self, server: FakeZaloServer, user_id: str = ZALO_USER, name: str = ZALO_NAME
    ) -> None:
        self.server = server
        self.user_id = user_id
        self.name = name
        self.texts: list[str] = []

    async def send(self, event: dict[str, Any], expect: str) -> list[str]:
        """Send ``event``; wait for the answer that contains ``expect`` (always its last part)."""
        before = len(self.server.sent_texts(self.user_id))
        self.server.queue_event(event)

        def answered() -> list[str] | None:
            new = self.server.sent_texts(self.user_id)[before:]
            return new if new and expect in new[-1] else None

        self.texts = await self.server.wait_for(answered)
        return self.texts

    async def say(self, text: str, expect: str) -> list[str]:
        return await self.send(
            self.server.text_event(self.user_id, text, display_name=self.name), expect
        )

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


async def start_a_tip(user: ZaloUser) -> None:
    await user.say("Xin chào", expect=t("language.prompt"))
    await user.say("1", expect=t("menu.prompt"))
    await user.say("1", expect=t("tip.ask.category"))


@contextlib.asynccontextmanager
async def at_tip_start(database: Database, mode: Mode) -> AsyncIterator[tuple[ZaloBot, ZaloUser]]:
    """A Zalo bot running in ``mode`` and a user it has just asked for the tip's category."""
    async with running_bot(database, mode) as bot:
        user = ZaloUser(bot.server)
        await start_a_tip(user)
        yield bot, user


def numbered_file(kind: str, file_id: str, channel: str, number: int) -> Media:
    """A file of a tip received through ``channel``, with the lines that stand for it:
    "Tệp N" above it, "Tệp N ở <channel>" where another channel cannot send it, "Tệp N không
    còn" where the platform no longer has it."""
    return Media(
        kind,  # type: ignore[arg-type]
        file_id,
        channel,
        text=f"Tệp {number}",
        elsewhere=f"Tệp {number} ở {channel}",
        lost=f"Tệp {number} không còn",
    )
