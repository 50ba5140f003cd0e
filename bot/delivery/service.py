"""Wiring delivery into ``antq run``: one outbox sender per platform channel, and the scheduler.

``bot.app.serve`` calls ``start_delivery(app, channels)`` once the channels run, and
``await delivery.stop()`` before it stops them.

The senders use their own Bot API connections (a plain ``telegram.Bot``, a ``ZaloClient``) so
that 429s reach the sender instead of being slept on inside the library while a lease runs,
and so that stopping a channel never pulls a connection from under a send.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.channels.base import Channel
from bot.delivery.limits import TELEGRAM_LIMITS, ZALO_LIMITS, ChannelLimits, RateLimiter
from bot.delivery.sender import OutboxSender
from bot.delivery.transports import Transport
from bot.monthly_reports.rules import report_daily_jobs, report_rules
from bot.scheduler import DAILY_JOBS, RULES, DeliveryScheduler, Rule
from bot.tips.rules import tip_daily_jobs, tip_rules

if TYPE_CHECKING:
    from bot.app import Application

log = logging.getLogger(__name__)

# Sends in flight per channel; also the size of the HTTP connection pool behind them.
MAX_IN_FLIGHT = 16
# How long stop() lets the current pass finish before cancelling it (leases cover the rest).
STOP_GRACE_SECONDS = 10.0

Close = Callable[[], Awaitable[Any]]


@dataclass
class Delivery:
    """The running senders and scheduler; ``limiters`` are meant to be shared with replies."""

    scheduler: DeliveryScheduler
    senders: list[OutboxSender] = field(default_factory=list)
    limiters: dict[str, RateLimiter] = field(default_factory=dict)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _closers: list[Close] = field(default_factory=list)

    def wake(self) -> None:
        """Look at the outbox now (call after queuing something urgent, e.g. a tip notice)."""
        for sender in self.senders:
            sender.wake()

    def start(self) -> None:
        for sender in self.senders:
            self._tasks.append(
                asyncio.create_task(sender.run(), name=f"outbox-sender-{sender.channel}")
            )
        self.scheduler.start()

    async def stop(self) -> None:
        """Stop ticking, let the senders finish their pass, close their connections."""
        self.scheduler.stop()
        for sender in self.senders:
            sender.stop()
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=STOP_GRACE_SECONDS)
            for task in pending:
                task.cancel()  # unrecorded rows are claimed again when their lease runs out
            for task in pending:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        for close in reversed(self._closers):
            try:
                await close()
            except Exception as error:  # shutting down: report and go on
                log.warning("closing a delivery transport failed: %s", type(error).__name__)
        self._tasks.clear()
        self._closers.clear()


async def _telegram_transport(app: Application) -> tuple[Transport, Close]:
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from bot.delivery.telegram_transport import TelegramTransport

    token = app.settings.telegram_token
    assert token is not None
    bot = Bot(
        token.get_secret_value(),
        base_url=app.settings.telegram_base_url,
        request=HTTPXRequest(connection_pool_size=MAX_IN_FLIGHT),
    )
    await bot.initialize()
    return TelegramTransport(bot), bot.shutdown


async def _zalo_transport(app: Application) -> tuple[Transport, Close]:
    from bot.channels.zalo.client import ZaloClient
    from bot.delivery.zalo_transport import ZaloTransport

    token = app.settings.zalo_token
    assert token is not None
    client = ZaloClient(
        token.get_secret_value(),
        base_url=app.settings.zalo_base_url,
        max_connections=MAX_IN_FLIGHT,
    )
    return ZaloTransport(client), client.aclose


async def start_delivery(
    app: Application,
    channels: Sequence[Channel],
    *,
    rules: Sequence[Rule] | None = None,
    daily_jobs: Sequence[Rule] | None = None,
    zalo_limits: ChannelLimits = ZALO_LIMITS,
) -> Delivery:
    """Start an outbox sender for each platform channel in ``channels``, and the scheduler.

    Without ``rules``/``daily_jobs``, every rule runs, the report reminders with the
    deadlines of the settings and the tip escalation with its hours and retention."""
    catalogues = app.catalogues
    calendar = app.settings.report_calendar
    if rules is None:
        rules = [*RULES, *report_rules(calendar), *tip_rules(app.settings.tip_escalate_after)]
    if daily_jobs is None:
        daily_jobs = [
            *DAILY_JOBS,
            *report_daily_jobs(calendar),
            *tip_daily_jobs(app.settings.tip_route_retention),
        ]

    def render(locale: str | None, key: str, params: dict[str, Any]) -> str:
        return catalogues.text(locale, key, **params)

    delivery = Delivery(
        scheduler=DeliveryScheduler(app.database, rules=rules, daily_jobs=daily_jobs)
    )
    delivery.scheduler.on_queued = delivery.wake
    names = {channel.name for channel in channels}
    builders = (
        ("telegram", _telegram_transport, TELEGRAM_LIMITS),
        ("zalo", _zalo_transport, zalo_limits),
    )
    try:
        for name, build, limits in builders:
            if name not in names:
                continue
            transport, close = await build(app)
            delivery._closers.append(close)
            # The channel's replies take from the same limiter (see Application.limiters).
            limiter = app.limiters.get(name) or RateLimiter(limits)
            delivery.limiters[name] = limiter
            delivery.senders.append(
                OutboxSender(
                    app.database,
                    name,
                    transport,
                    limiter,
                    render=render,
                    max_in_flight=MAX_IN_FLIGHT,
                )
            )
        delivery.start()
    except BaseException:
        await delivery.stop()
        raise
    return delivery
