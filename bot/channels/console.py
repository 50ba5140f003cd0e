"""A chat in the terminal: the embedded default when no bot token is configured.

Choices are shown as numbered lists and answered by number or words, as on Zalo. A few
slash commands stand in for what a phone would send: a location, a photo, a sticker.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TextIO

from bot.processor import MessageProcessor
from bot.reply_path import Batch
from bot.reply_path.dispatcher import Progress, ReplyDispatcher, SendResult, Sent
from conversations.i18n import N_, Catalogues
from conversations.parsing import parse_coordinates
from conversations.replies import (
    AskLocation,
    Choices,
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
FILE_MARK = "📎 "
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
    if isinstance(reply, Text):
        return reply.text
    if isinstance(reply, Media):
        return media_line(reply)
    lines = [reply.text]
    if isinstance(reply, Choices | AskLocation):
        first = reply.numbered_from if isinstance(reply, Choices) else 1
        numbered = enumerate(reply.options, first)
        lines += [f"  {number}. {option.label}" for number, option in numbered]
    return "\n".join(lines)


def media_line(media: Media, here: str = CHANNEL) -> str:
    """A forwarded file as one line where it cannot be shown: a terminal names a file sent in
    a terminal chat (its name is its id); any other platform's file is to be seen there."""
    if media.channel == here == CHANNEL:
        return f"{FILE_MARK}{media.text}: {media.file_id.removeprefix(CHANNEL + ':')}"
    return f"{FILE_MARK}{media.elsewhere}"


def to_inbound(line: str, user_id: str) -> Inbound:
    """What a typed line stands for: text, or a simulated location / file / sticker."""
    base = {"channel": CHANNEL, "chat_id": user_id, "user_id": user_id}
    stripped = line.strip()
    head, _, rest = stripped.partition(" ")
    command = head[1:].lower() if head.startswith("/") else ""
    if command in ("vitri", "location"):
        point = parse_coordinates(rest)
        if point is not None:
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


async def read_stdin_line() -> str | None:
    """One line from standard input without blocking the event loop; None at end of input."""
    line = await asyncio.to_thread(sys.stdin.readline)
    return line.rstrip("\n") if line else None


def stdout_writer(stream: TextIO = sys.stdout) -> Write:
    def write(text: str) -> None:
        stream.write(text)
        stream.flush()

    return write


class ConsoleChannel:
    """Runs one terminal chat as the platform user ``user_id``."""

    def __init__(
        self,
        processor: MessageProcessor,
        catalogues: Catalogues,
        *,
        user_id: str = "1",
        read_line: ReadLine = read_stdin_line,
        write: Write | None = None,
        files_dir: Path = Path("data") / "exports",
    ) -> None:
        self.files_dir = files_dir
        self.processor = processor
        self.catalogues = catalogues
        self.user_id = user_id
        self.read_line = read_line
        self.write = write or stdout_writer()
        self.replies = ReplyDispatcher(processor.database, CHANNEL, self, clock=processor.clock)

    async def run(self) -> None:
        """Chat until the input ends (Ctrl+D)."""
        self.write(self.catalogues.text(None, N_("console.banner"), user=self.user_id) + "\n\n")
        # Opening the chat shows the pending question again: what the last run stored and
        # may not have printed is not repeated before it.
        await self.replies.discard(self.user_id)
        opening = Inbound(CHANNEL, self.user_id, self.user_id)
        await self.replies.deliver(await self.processor.open_chat(opening))
        while True:
            self.write(USER_PROMPT)
            line = await self.read_line()
            if line is None:
                self.write("\n")
                await self.replies.stop()
                return
            await self.replies.deliver(await self.processor.process(to_inbound(line, self.user_id)))

    async def send_batch(self, batch: Batch, progress: Progress) -> SendResult:
        """Print the batch (``bot.reply_path.dispatcher.BatchSender``): a terminal never fails."""
        self._show(batch.replies)
        return SendResult(Sent.DONE, 1)

    def _show(self, replies: tuple[Reply, ...]) -> None:
        for reply in replies:
            if isinstance(reply, Document):
                reply = Text(f"{reply.text}\n{self._save(reply)}")
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
