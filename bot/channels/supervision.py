"""A channel that fails to start does not stop the others: it is retried with backoff.

Several platforms run in one process (Telegram, the Zalo Bot Platform, a Zalo OA). One of them
refusing at start (say, the Zalo Bot Platform answering 400 to ``deleteWebhook``) used to end
the whole process, Telegram with it. ``Supervised`` starts its channel; when that fails it logs
the kind of failure (never its text, which may quote a token), names the channel on /healthz and
tries again after a wait that doubles up to a ceiling, until the channel runs or the process
stops. Its webhook routes are served from the start (a channel not yet running answers them
as its own code does).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.routing import BaseRoute

from bot.channels.base import Channel, ChannelHealth, ChannelWarnings
from bot.retrying import RetryPolicy

log = logging.getLogger(__name__)

# A first try again after half a minute, then twice as long each time, at most every 10 min.
START_RETRY = RetryPolicy(attempts=1_000_000, first_delay=30.0, max_delay=600.0)


class Supervised:
    """``channel`` as a :class:`bot.channels.base.Channel` whose ``start`` never raises: a
    failed start is retried in the background (``policy``) and reported by
    ``health_problems``. Anything else is the channel's own (``open_transport``, ``drain`` ...)."""

    def __init__(
        self,
        channel: Channel,
        *,
        policy: RetryPolicy = START_RETRY,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.channel = channel
        self.name = channel.name
        self.policy = policy
        self._sleep = sleep
        self.running = False
        self.failures = 0  # failed starts in a row
        self._problem: str | None = None
        self._retrying: asyncio.Task[None] | None = None
        self.started = asyncio.Event()  # set once the channel runs

    def __getattr__(self, attribute: str) -> Any:
        # Only called for what this class lacks: the channel's own attributes.
        return getattr(self.__dict__["channel"], attribute)

    async def start(self) -> None:
        if await self._try_start():
            return
        self._retrying = asyncio.create_task(self._retry(), name=f"{self.name}-start-retry")

    async def _try_start(self) -> bool:
        try:
            await self.channel.start()
        except Exception as error:  # any failure: the other channels go on
            self.failures += 1
            kind = type(error).__name__
            self._problem = f"{self.name}: not running, its start failed ({kind}); retrying"
            log.error("channel %s failed to start (%s); it is retried", self.name, kind)
            return False
        if self.failures:
            log.info("channel %s started after %d failed tries", self.name, self.failures)
        self.running, self.failures, self._problem = True, 0, None
        self.started.set()
        return True

    async def _retry(self) -> None:
        for wait in self.policy.delays():
            await self._sleep(wait)
            if await self._try_start():
                return

    async def stop(self) -> None:
        if self._retrying is not None:
            self._retrying.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._retrying
            self._retrying = None
        if self.running:
            self.running = False
            await self.channel.stop()

    def routes(self) -> list[BaseRoute]:
        return self.channel.routes()

    def health_warnings(self) -> list[str]:
        inner = self.channel
        return inner.health_warnings() if isinstance(inner, ChannelWarnings) else []

    def health_problems(self) -> list[str]:
        own = [self._problem] if self._problem else []
        inner = self.channel
        return own + (inner.health_problems() if isinstance(inner, ChannelHealth) else [])


def supervised(channels: list[Channel]) -> list[Channel]:
    """Each of several channels ``Supervised``, so that one failing to start stops none of
    the others; a single channel as it is (a process serving nothing would only look alive)."""
    if len(channels) < 2:
        return channels
    return [Supervised(channel) for channel in channels]
