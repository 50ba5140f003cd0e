"""Waiting for what the bot does: a condition, messages to a chat, calls of a method."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from tests.fakes.telegram_server.records import (
    RecordedCall,
    Waiter,
)
from tests.harness import PATIENCE


class TelegramWaiting:
    """Waiting for what the bot does: a condition, messages to a chat, calls of a method.

    Part of :class:`FakeTelegramServer`, which keeps the state it reads."""

    async def wait_for(
        self,
        predicate: Callable[[], Any] | int,
        *,
        chat_id: int | str | None = None,
        timeout: float = PATIENCE,  # noqa: ASYNC109 - a deadline for the condition, not for I/O
    ) -> Any:
        """Wait until ``predicate()`` is truthy (re-checked after every request and delivery).

        An int means "that many messages sent to ``chat_id``" (or in total without chat_id).
        Returns the predicate's value (or the list of sent messages).
        """
        if isinstance(predicate, int):
            count = predicate
            if chat_id is not None:
                return await self.wait_for_messages(chat_id, count, timeout=timeout)
            return await self.wait_for(
                lambda: self.sent_messages() if len(self._sent) >= count else None,
                timeout=timeout,
            )
        value = predicate()
        if value:
            return value
        loop = asyncio.get_running_loop()
        waiter = Waiter(predicate, loop.create_future())
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(waiter.future, timeout)
        except TimeoutError:
            raise TimeoutError(f"condition not met within {timeout}s; {self._summary()}") from None
        finally:
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)

    async def wait_for_messages(
        self,
        chat_id: int | str,
        count: int = 1,
        *,
        timeout: float = PATIENCE,  # noqa: ASYNC109
    ) -> list[dict[str, Any]]:
        """Wait until at least ``count`` messages were sent to ``chat_id``; return them all."""
        key = self._chat_key(chat_id)
        if len(self._sent_by_chat.get(key, ())) < count:
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            entry = (count, future)
            self._chat_waiters.setdefault(key, []).append(entry)
            try:
                await asyncio.wait_for(future, timeout)
            except TimeoutError:
                got = len(self._sent_by_chat.get(key, ()))
                raise TimeoutError(
                    f"expected {count} messages to chat {key}, got {got} within {timeout}s; "
                    f"{self._summary()}"
                ) from None
            finally:
                waiters = self._chat_waiters.get(key)
                if waiters and entry in waiters:
                    waiters.remove(entry)
        return self.sent_messages(key)

    async def wait_for_call(
        self,
        method: str,
        count: int = 1,
        *,
        timeout: float = PATIENCE,  # noqa: ASYNC109
    ) -> list[RecordedCall]:
        """Wait until ``method`` was called at least ``count`` times; return those calls."""
        name = self._canonical(method) or method
        return await self.wait_for(
            lambda: self.calls(name) if len(self._calls_by_method.get(name, ())) >= count else None,
            timeout=timeout,
        )

    async def wait_for_updates_consumed(self, *, timeout: float = PATIENCE) -> None:  # noqa: ASYNC109
        """Wait until every queued update was confirmed (getUpdates) or delivered (webhook)."""
        await self.wait_for(lambda: self.pending_update_count == 0, timeout=timeout)

    def _summary(self) -> str:
        last = [f"{c.method}:{c.status}" for c in self.requests[-8:]]
        rejected = [f"{c.method}: {c.description}" for c in self.rejected[-3:]]
        return f"last requests={last}, rejected={rejected}, pending={self.pending_update_count}"

    def _notify(self, chat_key: int | str | None = None) -> None:
        if chat_key is not None and chat_key in self._chat_waiters:
            have = len(self._sent_by_chat.get(chat_key, ()))
            for count, future in self._chat_waiters[chat_key]:
                if have >= count and not future.done():
                    future.set_result(None)
        for waiter in self._waiters:
            if waiter.future.done():
                continue
            try:
                value = waiter.predicate()
            except Exception as exc:
                waiter.future.set_exception(exc)
                continue
            if value:
                waiter.future.set_result(value)
