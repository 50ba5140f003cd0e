"""Test harness: our TelegramChannel, a real MessageProcessor and the fake Bot API server; and
the console chat with its outbox sender, as ``antq run`` wires it.

``TelegramUser`` plays a person with a phone: they write, tap buttons, share a location or a
photo through the fake server, and wait for the bot's answer the way a person reads it.
``ConsoleUser`` plays a person at the terminal: they type lines and read what is printed.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.app import Application, chat_in_console
from bot.channels.telegram import TelegramChannel
from bot.processor import MessageProcessor
from bot.retrying import RetryPolicy
from bot.sealing import Sealer
from bot.settings import Settings
from bot.web.app import build_web_app
from conversations.menu import build_engine
from storage.database import Database
from tests.bot.harness import SEALER
from tests.conversations.harness import CATALOGUES, START, Clock, t
from tests.fakes.asgi_server import LoopbackASGIServer
from tests.fakes.telegram_server import FakeTelegramServer

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

    async def reads(self, expected: str, timeout: float = 15.0) -> str:  # noqa: ASYNC109
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
        await asyncio.wait_for(chatting, 30)
