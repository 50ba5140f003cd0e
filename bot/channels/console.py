"""A chat in the terminal: the embedded default when no bot token is configured.

Choices are shown as numbered lists and answered by number or words, as on Zalo. A few
slash commands stand in for what a phone would send: a location, a photo, a sticker. The
channel is also the outbox's transport for its user (``send_text``): what the bot says first
(a tip's status news, a reminder, a broadcast) is printed between the prompts, under a line
saying the bot sent it unprompted. A file the bot makes is written under the data folder and
its path printed.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from starlette.routing import BaseRoute

from bot.channels.console_files import checked_file
from bot.channels.runtime import ChannelRuntime
from bot.channels.texts import FILE_MARK, as_text
from bot.delivery.errors import RecipientAway
from bot.delivery.transports import Close
from bot.processor import MessageProcessor
from bot.reply_path import Batch
from bot.reply_path.dispatcher import Progress, SendResult, Sent
from conversations.i18n import N_, Catalogues
from conversations.parsing import parse_coordinates
from conversations.replies import (
    Document,
    Inbound,
    Location,
    Media,
    MediaItem,
    Reply,
    Text,
)

CHANNEL = "console"
BOT_PREFIX = "🛡  "
USER_PROMPT = "> "

ReadLine = Callable[[], Awaitable[str | None]]
Write = Callable[[str], None]

MEDIA_COMMANDS: dict[str, str] = {
    "anh": "photo",
    "photo": "photo",
    "video": "video",
    "ghiam": "voice",
    "voice": "voice",
    "tep": "document",
    "file": "document",
}


def render(reply: Reply) -> str:
    """A reply as plain text with numbered options; a file as a line of its own."""
    return as_text(reply, media_line)


def media_line(media: Media, here: str = CHANNEL) -> str:
    """A forwarded file as one line where it cannot be shown: a terminal names a file sent in
    a terminal chat (its name is its id); any other platform's file is to be seen there."""
    if media.channel == here == CHANNEL:
        return f"{FILE_MARK}{media.text}: {media.file_id.removeprefix(CHANNEL + ':')}"
    return f"{FILE_MARK}{media.elsewhere}"


class UnreadableLocation(ValueError):
    """``/vitri`` without a latitude and a longitude in range: a phone never shares such a
    place, so nothing reaches the bot and the question stays open."""

    def __init__(self, command: str, typed: str) -> None:
        super().__init__(command)
        self.command = command
        self.typed = typed


def to_inbound(line: str, user_id: str) -> Inbound:
    """What a typed line stands for: text, or a simulated location / file / sticker; raises
    ``UnreadableLocation`` for a location that cannot be one."""
    base = {"channel": CHANNEL, "chat_id": user_id, "user_id": user_id}
    stripped = line.strip()
    head, _, rest = stripped.partition(" ")
    command = head[1:].lower() if head.startswith("/") else ""
    if command in ("vitri", "location"):
        point = parse_coordinates(rest)
        if point is None:
            raise UnreadableLocation(head, rest.strip())
        return Inbound(**base, location=Location(*point))
    if command in MEDIA_COMMANDS:
        name = rest.strip() or "file"
        media = MediaItem(
            kind=MEDIA_COMMANDS[command],
            file_id=f"console:{name}",  # type: ignore[arg-type]
            file_name=name,
        )
        return Inbound(**base, media=media)
    if command == "sticker":
        return Inbound(**base, unsupported="sticker")
    return Inbound(**base, text=line)


class TerminalInput:
    """The lines typed on standard input, waited for on the event loop itself (a ``ReadLine``).

    No thread sits in ``readline``: one would keep the process alive after Ctrl+C until the
    next Enter. Input redirected from a regular file, which cannot be waited on (and never
    makes a read wait), is read directly."""

    CHUNK = 65536

    def __init__(self, fd: int | None = None) -> None:
        self.fd = sys.stdin.fileno() if fd is None else fd
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""
        self._ended = False

    async def __call__(self) -> str | None:
        """The next line without its end; None at the end of the input (Ctrl+D)."""
        while "\n" not in self._pending and not self._ended:
            chunk = await self._chunk()
            self._ended = not chunk
            self._pending += self._decoder.decode(chunk, final=self._ended)
        if not self._pending:
            return None
        line, _, self._pending = self._pending.partition("\n")
        return line.removesuffix("\r")

    async def _chunk(self) -> bytes:
        loop = asyncio.get_running_loop()
        readable: asyncio.Future[None] = loop.create_future()

        def ready() -> None:
            if not readable.done():
                readable.set_result(None)

        try:
            loop.add_reader(self.fd, ready)
        except (OSError, ValueError, NotImplementedError):
            return os.read(self.fd, self.CHUNK)  # a regular file: ready at any time
        try:
            await readable
        finally:
            loop.remove_reader(self.fd)
        return os.read(self.fd, self.CHUNK)


# What stops a terminal chat at once, as Ctrl+D does: Ctrl+C, or a supervisor's stop.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def stopped_by_signals(stop: asyncio.Event) -> Iterator[None]:
    """Set ``stop`` on Ctrl+C or SIGTERM while inside; the former handlers come back after
    (so that a second Ctrl+C while the bot shuts down still interrupts it)."""
    loop = asyncio.get_running_loop()
    former = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stop.set)
    try:
        yield
    finally:
        for signum, handler in former.items():
            loop.remove_signal_handler(signum)
            signal.signal(signum, handler)


def stdout_writer(stream: TextIO = sys.stdout) -> Write:
    def write(text: str) -> None:
        stream.write(text)
        stream.flush()

    return write


async def _nothing_to_close() -> None:
    return None


class ConsoleChannel:
    """Runs one terminal chat as the platform user ``user_id``.

    ``start`` opens the chat (the banner and the pending question), ``converse`` answers the
    typed lines until the input ends, ``stop`` finishes the replies; in between, the outbox
    sender may print what the bot says first (``send_text``), never in the middle of an
    answer.
    """

    name = CHANNEL

    def __init__(
        self,
        processor: MessageProcessor,
        catalogues: Catalogues,
        *,
        user_id: str = "1",
        read_line: ReadLine | None = None,
        write: Write | None = None,
        files_dir: Path = Path("data") / "exports",
    ) -> None:
        self.files_dir = files_dir
        self.processor = processor
        self.catalogues = catalogues
        self.user_id = user_id
        self.read_line = read_line or TerminalInput()
        self.write = write or stdout_writer()
        self.runtime = ChannelRuntime(processor, self, channel=CHANNEL)
        self.replies = self.runtime.replies
        # Held while a typed line is answered: a message the bot sends unprompted waits, so
        # that it never lands between the lines of an answer.
        self._answering = asyncio.Lock()
        self._at_prompt = False
        self._locale: str | None = None  # of the last answer: the unprompted marker's

    async def start(self) -> None:
        """Open the chat: the banner, then the pending question (or the welcome)."""
        self.write(self.catalogues.text(None, N_("console.banner"), user=self.user_id) + "\n\n")
        # Opening the chat shows the pending question again: what the last run stored and
        # may not have printed is not repeated before it.
        await self.replies.discard(self.user_id)
        opening = Inbound(CHANNEL, self.user_id, self.user_id)
        async with self._answering:
            await self.replies.deliver(await self.processor.open_chat(opening))

    async def converse(self, stop: asyncio.Event | None = None) -> None:
        """Answer each typed line until the input ends (Ctrl+D) or ``stop`` is set (Ctrl+C:
        at once at the prompt, else once the line being answered is answered)."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            self.write(USER_PROMPT)
            self._at_prompt = True
            line = await self._next_line(stop)
            self._at_prompt = False
            if line is None:
                self.write("\n")
                return
            try:
                message = to_inbound(line, self.user_id)
            except UnreadableLocation as problem:  # said at once: nothing reached the bot
                key = N_("console.location_unreadable")
                said = self.catalogues.text(
                    self._locale, key, command=problem.command, typed=problem.typed
                )
                self._show((Text(said),))
                continue
            if message.media is not None:
                checked = checked_file(message.media, self.catalogues)
                if isinstance(checked, str):  # said at once: nothing reached the bot
                    self._show((Text(checked),))
                    continue
                message = replace(message, media=checked)
            async with self._answering:
                await self.runtime.answer(message, wait=True)

    async def _next_line(self, stop: asyncio.Event) -> str | None:
        """The next typed line; None at the end of the input or once ``stop`` is set."""
        reading = asyncio.ensure_future(self.read_line())
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait((reading, stopping), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in (reading, stopping):
                waiting.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await waiting
        if stop.is_set() or reading.cancelled():
            return None
        return reading.result()

    async def stop(self) -> None:
        await self.runtime.stop()

    def routes(self) -> list[BaseRoute]:
        return []  # a terminal receives no webhook

    async def send_batch(self, batch: Batch, progress: Progress) -> SendResult:
        """Print the batch (``bot.reply_path.dispatcher.BatchSender``): a terminal never fails."""
        self._locale = batch.locale
        self._show(batch.replies)
        return SendResult(Sent.DONE, 1)

    # -- the outbox's transport (bot.delivery.transports) ------------------------------------

    async def open_transport(self, max_connections: int) -> tuple[ConsoleChannel, Close]:
        """This chat as the outbox's way to its user (an ``OpenTransport``)."""
        return self, _nothing_to_close

    @property
    def chat_ids(self) -> frozenset[str]:
        """The one chat this terminal shows (``bot.delivery.transports.ChatBoundTransport``)."""
        return frozenset({self.user_id})

    async def send_text(self, chat_id: str, text: str) -> None:
        """Print a message the bot sends unprompted, between the prompts."""
        if chat_id != self.user_id:
            # Another console user's (a sealed route, opened): it waits for their terminal.
            raise RecipientAway("ConsoleChatNotOpen")
        async with self._answering:
            marker = self.catalogues.text(self._locale, N_("console.unprompted"))
            # At the prompt the user may be typing: the message goes below that line, and the
            # prompt is shown again under it.
            self.write(("\n" if self._at_prompt else "") + marker + "\n")
            self._show((Text(text),))
            if self._at_prompt:
                self.write(USER_PROMPT)

    async def send_photo(self, chat_id: str, file_id: str, text: str) -> None:
        """A broadcast's photo sent from a terminal is a file name: printed under the text."""
        name = file_id.removeprefix(CHANNEL + ":")
        await self.send_text(chat_id, f"{text}\n{FILE_MARK}{name}")

    def _show(self, replies: tuple[Reply, ...]) -> None:
        for reply in replies:
            if isinstance(reply, Document):
                saved = self.catalogues.text(
                    self._locale, N_("console.file_saved"), path=self._save(reply)
                )
                reply = Text(f"{reply.text}\n{saved}")
            text = render(reply).replace("\n", "\n" + " " * len(BOT_PREFIX))
            self.write(f"{BOT_PREFIX}{text}\n")
        self.write("\n")

    def _save(self, document: Document) -> Path:
        """A terminal cannot show a file: it goes under the data directory, and its path is
        printed instead."""
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / Path(document.filename).name
        path.write_bytes(document.data)
        return path.resolve()
