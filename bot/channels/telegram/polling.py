"""Long polling that confirms an update only once it is applied.

Telegram takes an update as confirmed as soon as getUpdates is called with an offset above
its id. python-telegram-bot's own poller asks for the next updates while the last ones are
still being handled, so a process killed between fetch and commit lost them. Here each batch
is applied first (each user's updates in their order, different users at once; the processor
commits each with its replies) and only then is the next batch asked for, its offset
confirming the applied one. A process killed half way gets the batch again on restart, and
the updates it had applied are found claimed (``storage.reply_path.updates.claim_update``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, Update
from telegram.error import InvalidToken, TelegramError

log = logging.getLogger(__name__)

Apply = Callable[[Update], Awaitable[None]]
FIRST_RETRY_DELAY = 1.0
MAX_RETRY_DELAY = 30.0


def user_key(update: Update) -> str:
    user = update.effective_user
    chat = update.effective_chat
    return str(user.id) if user is not None else f"chat:{chat.id}" if chat else ""


class Poller:
    """getUpdates in a loop, each batch applied before the next call confirms it."""

    def __init__(
        self,
        bot: Bot,
        apply: Apply,
        *,
        timeout: int,
        allowed_updates: Sequence[str],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.bot = bot
        self.apply = apply
        self.timeout = timeout
        self.allowed_updates = list(allowed_updates)
        self._sleep = sleep
        self.offset: int | None = None
        self._confirmed: int | None = None
        self._task: asyncio.Task[None] | None = None
        self._fetching = asyncio.Event()  # set while waiting for Telegram, not applying

    def start(self) -> None:
        self._task = asyncio.create_task(self.run())

    async def run(self) -> None:
        failures = 0
        while True:
            self._fetching.set()
            try:
                updates = await self.bot.get_updates(
                    offset=self.offset,
                    timeout=self.timeout,
                    allowed_updates=self.allowed_updates,
                )
            except InvalidToken:
                raise
            except TelegramError as error:
                failures += 1
                delay = min(FIRST_RETRY_DELAY * 2 ** (failures - 1), MAX_RETRY_DELAY)
                log.warning("telegram getUpdates failed (%s); again in %.0f s", error, delay)
                await self._sleep(delay)
                continue
            finally:
                self._fetching.clear()
            failures = 0
            self._confirmed = self.offset
            if updates:
                await self.apply_batch(updates)
                self.offset = updates[-1].update_id + 1

    async def apply_batch(self, updates: Sequence[Update]) -> None:
        """Apply ``updates``: each user's in order, different users' at once."""
        by_user: dict[str, list[Update]] = {}
        for update in sorted(updates, key=lambda item: item.update_id):
            by_user.setdefault(user_key(update), []).append(update)
        await asyncio.gather(*(self._in_order(batch) for batch in by_user.values()))

    async def _in_order(self, updates: list[Update]) -> None:
        for update in updates:
            try:
                await self.apply(update)
            except Exception:  # PTB's error handler saw it; the next one still goes
                log.exception("applying a telegram update failed")

    async def stop(self, grace: float) -> None:
        """Stop polling: a batch being applied may finish within ``grace`` seconds; what was
        applied is confirmed to Telegram (one short call) so that it is not sent again."""
        task, self._task = self._task, None
        if task is None:
            return
        with contextlib.suppress(TimeoutError):
            # The batch being applied finishes first (the poller then waits on Telegram).
            await asyncio.wait_for(self._fetching.wait(), grace)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        if self.offset is not None and self.offset != self._confirmed:
            with contextlib.suppress(TelegramError):
                await self.bot.get_updates(offset=self.offset, timeout=0, limit=1)
