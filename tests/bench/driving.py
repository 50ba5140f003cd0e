"""What the bench's chat drivers share: the stored-tips check and the inbox their simulated
users read the bot's answers from.

Every driver (``tip_flow``, ``telegram_polling``, ``zalo_webhook``, ``zalo_oa_webhook``) ends
by counting the stored tips: a run that lost one proves nothing. The webhook drivers read the
answers from the fake platform's log through one ``Inbox`` each.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import text as sql

from storage.database import Database

# Long enough for the slowest answer under load; a timeout means the bot lost a message.
ANSWER_TIMEOUT = 60.0
# How often the inbox looks at its flag when nothing happens (how long closing it takes).
SORTER_PAUSE = 0.5

Item = TypeVar("Item")
# A fake server's ``wait_for(predicate, timeout=...)``.
WaitFor = Callable[..., Awaitable[Any]]


class TipsNotStored(AssertionError):
    """Not every user who filed a tip has one stored: the figures would be wrong."""


async def count_tips(database: Database) -> int:
    async with database.transaction() as session:
        return int((await session.execute(sql("SELECT count(*) FROM tips"))).scalar_one())


class Inbox(Generic[Item]):
    """What the bot sent, per chat, as it comes.

    One task sorts the fake server's ``log`` into chats (``sort`` says which chat an entry
    went to and what it brings, or None when it is no answer) and wakes the user of each chat
    that got something: a user waiting for an answer costs nothing while others are answered
    (the fake's own ``wait_for`` would wake every waiting user on every request)."""

    def __init__(
        self,
        wait_for: WaitFor,
        log: Callable[[], Sequence[Any]],
        sort: Callable[[Any], tuple[str, Item] | None],
    ) -> None:
        self._wait_for = wait_for
        self._log = log
        self._sort_one = sort
        self._taken = 0  # entries of the log already sorted into chats
        self._items: defaultdict[str, list[Item]] = defaultdict(list)
        self._waiting: dict[str, asyncio.Future[None]] = {}
        self._open = False

    @contextlib.asynccontextmanager
    async def open(self) -> AsyncIterator[Inbox[Item]]:
        """Sort the answers into chats while the context is open."""
        self._open = True
        sorting = asyncio.create_task(self._sort_while_open())
        try:
            yield self
        finally:
            self._open = False
            await sorting

    async def texts(self, chat_id: str, read: int) -> list[Item]:
        """What was sent to ``chat_id`` after the first ``read``; waits for one at least."""
        self._sort()
        while len(self._items[chat_id]) <= read:
            arrived = self._waiting[chat_id] = asyncio.get_running_loop().create_future()
            try:
                async with asyncio.timeout(ANSWER_TIMEOUT):
                    await arrived
            except TimeoutError:
                raise TimeoutError(f"no answer to {chat_id} within {ANSWER_TIMEOUT}s") from None
        return self._items[chat_id][read:]

    async def _sort_while_open(self) -> None:
        # Ends by the flag, not by cancelling: the fakes wait with asyncio.wait_for, which
        # can swallow a cancellation on Python 3.11.
        while self._open:
            with contextlib.suppress(TimeoutError):
                await self._wait_for(
                    lambda: not self._open or len(self._log()) > self._taken,
                    timeout=SORTER_PAUSE,
                )
            self._sort()

    def _sort(self) -> None:
        log = self._log()
        for entry in itertools.islice(log, self._taken, None):
            sorted_entry = self._sort_one(entry)
            if sorted_entry is None:
                continue
            chat_id, item = sorted_entry
            self._items[chat_id].append(item)
            waiting = self._waiting.pop(chat_id, None)
            if waiting is not None and not waiting.done():
                waiting.set_result(None)
        self._taken = len(log)
