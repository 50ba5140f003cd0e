"""Every Bot API request goes through here: rate limits, 429 waits and retries of failures.

PTB's ``AIORateLimiter`` keeps to about 30 messages a second overall and 20 a minute per group
and, given ``max_retries``, waits out a 429's ``retry_after``. It does not retry a request that
failed on the way (connection reset, timeout, a 5xx from Telegram's gateway): this subclass
does, with growing pauses, so that a reply is not lost to a blip.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter

from bot.channels.base import SharedLimiter
from bot.channels.runtime import counted
from bot.observability import metrics
from bot.retrying import NO_RETRY, RetryPolicy

log = logging.getLogger(__name__)

# A failed request is tried 5 times in all, pausing 0.5, 1, 2 and 4 s before the retries.
DEFAULT_RETRY = RetryPolicy(attempts=5, first_delay=0.5, multiplier=2.0, max_delay=4.0)
# A 429 is waited out this many times before the request fails.
DEFAULT_RATE_LIMIT_RETRIES = 5
# The long poll has its own retry loop in PTB's Updater; retrying it here would only delay it.
NOT_RETRIED = frozenset({"getUpdates"})
# Requests that deliver no message: they do not count against the ~30 messages a second, and
# throttling them with the messages cut the bot to about 10 answered messages a second (every
# answer also shows "typing…" and edits the tapped question). A 429 is still waited out.
UNTHROTTLED = frozenset(
    {"sendChatAction", "editMessageReplyMarkup", "editMessageText", "answerCallbackQuery"}
)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


class RetryingRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` that also retries network errors and 5xx answers with backoff."""

    def __init__(
        self,
        *,
        retry: RetryPolicy = DEFAULT_RETRY,
        rate_limit_retries: int = DEFAULT_RATE_LIMIT_RETRIES,
        shared: SharedLimiter[Any] | None = None,
    ) -> None:
        if shared is None:
            super().__init__(max_retries=rate_limit_retries)
        else:
            # The overall rate is the shared limiter's, which the outbox sender takes from
            # too; PTB keeps only its per-group limit.
            super().__init__(max_retries=rate_limit_retries, overall_max_rate=0)
        self.retry = retry
        self.shared = shared

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        callback = _counting_429s(callback)
        retry = NO_RETRY if endpoint in NOT_RETRIED else self.retry
        pauses = retry.delays()
        # AIORateLimiter reads ``data`` only to choose its limiters: without a chat id a
        # request passes none of them.
        limited_by = {} if endpoint in UNTHROTTLED else data
        chat_id = limited_by.get("chat_id")
        async with counted(self.shared, None if chat_id is None else str(chat_id)):
            while True:
                try:
                    return await super().process_request(
                        callback, args, kwargs, endpoint, limited_by, rate_limit_args
                    )
                except BadRequest:
                    raise  # a NetworkError subclass, but asking again would not change the answer
                except NetworkError as error:
                    pause = next(pauses, None)
                    if pause is None:
                        raise
                    log.warning(
                        "telegram %s failed (%s); retrying in %.1f s",
                        endpoint,
                        type(error).__name__,
                        pause,
                    )
                    await asyncio.sleep(pause)


def _counting_429s(
    callback: Callable[..., Coroutine[Any, Any, JSONResult]],
) -> Callable[..., Coroutine[Any, Any, JSONResult]]:
    """The request, each 429 Telegram answers it counted (``antq_rate_limited``), also those
    that ``AIORateLimiter`` waits out and asks again."""

    async def request(*args: Any, **kwargs: Any) -> JSONResult:
        try:
            return await callback(*args, **kwargs)
        except RetryAfter:
            metrics.rate_limited("telegram", "reply")
            raise

    return request
