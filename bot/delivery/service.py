"""Delivery in ``antq run``: one outbox sender per channel (the console's too), and the scheduler.

``bot.app`` calls ``start_delivery(app, channels, transports=...)`` once the channels run, and
``await delivery.stop()`` before it stops them. ``transports`` open each platform's transport
(the channels own them: ``bot.channels.<platform>.transport``) on connections of its own, so
that 429s reach the sender instead of being slept on inside a library while a lease runs, and
so that stopping a channel never pulls a connection from under a send.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from bot.delivery.limits import (
    CONSOLE_LIMITS,
    TELEGRAM_LIMITS,
    ZALO_LIMITS,
    ChannelLimits,
    RateLimiter,
)
from bot.delivery.sender import OutboxSender, new_lease_owner
from bot.delivery.transports import Close, OpenTransport
from bot.scheduler import DeliveryScheduler, Rule, scheduled_rules
from bot.settings import Settings
from bot.tips.delivery import thread_messages_finished
from conversations.i18n import Catalogues
from storage.database import Database
from storage.delivery.outbox import LeaseOwner, lock_worker_name, unlock_worker_name
from storage.tables import utcnow

log = logging.getLogger(__name__)

# Sends in flight per channel; also the size of the HTTP connection pool behind them.
MAX_IN_FLIGHT = 16
# How long stop() lets the current pass finish before cancelling it (leases cover the rest).
STOP_GRACE_SECONDS = 10.0


class DeliveryHost(Protocol):
    """What delivery needs of the running application (``bot.app.Application``)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def database(self) -> Database: ...

    @property
    def catalogues(self) -> Catalogues: ...

    @property
    def limiters(self) -> Mapping[str, RateLimiter]: ...

    def open_route(self, sealed: bytes) -> str:
        """The chat id an anonymous tipster's sealed route holds."""
        ...


class NamedChannel(Protocol):
    """A running channel, known here by its platform's name only."""

    @property
    def name(self) -> str: ...


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
        await self.scheduler.stop()
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


async def start_delivery(
    app: DeliveryHost,
    channels: Sequence[NamedChannel],
    *,
    transports: Mapping[str, OpenTransport] | None = None,
    rules: Sequence[Rule] | None = None,
    daily_jobs: Sequence[Rule] | None = None,
    zalo_limits: ChannelLimits = ZALO_LIMITS,
    clock: Callable[[], datetime] = utcnow,
) -> Delivery:
    """Start an outbox sender for each channel in ``channels`` that ``transports`` can reach
    (``OpenTransport`` by channel name), and the scheduler, both on ``clock``.

    Without ``rules``/``daily_jobs``, every rule runs (``bot.scheduler.scheduled_rules``)."""
    catalogues = app.catalogues
    every_minute, every_morning = scheduled_rules(app.settings, catalogues, sealer=app.sealer)
    rules = every_minute if rules is None else rules
    daily_jobs = every_morning if daily_jobs is None else daily_jobs

    def render(locale: str | None, key: str, params: dict[str, Any]) -> str:
        return catalogues.text(locale, key, **params)

    delivery = Delivery(
        scheduler=DeliveryScheduler(app.database, rules=rules, daily_jobs=daily_jobs, clock=clock)
    )
    delivery.scheduler.on_queued = delivery.wake
    names = {channel.name for channel in channels}
    limits = {"telegram": TELEGRAM_LIMITS, "zalo": zalo_limits, "console": CONSOLE_LIMITS}
    try:
        owner = await _lease_owner(app, delivery)
        for name, open_transport in (transports or {}).items():
            if name not in names:
                continue
            transport, close = await open_transport(MAX_IN_FLIGHT)
            delivery._closers.append(close)
            # The channel's replies take from the same limiter (see Application.limiters).
            limiter = app.limiters.get(name) or RateLimiter(limits[name])
            delivery.limiters[name] = limiter
            delivery.senders.append(
                OutboxSender(
                    app.database,
                    name,
                    transport,
                    limiter,
                    render=render,
                    max_in_flight=MAX_IN_FLIGHT,
                    open_route=app.open_route,
                    clock=clock,
                    on_finished=thread_messages_finished,
                    owner=owner,
                )
            )
        delivery.start()
    except BaseException:
        await delivery.stop()
        raise
    return delivery


async def _lease_owner(app: DeliveryHost, delivery: Delivery) -> LeaseOwner:
    """This run's outbox lease owner under ``ANTQ_WORKER_ID``. The name is locked for the life
    of the run (a PostgreSQL advisory lock; on SQLite a lock file in the data folder): if
    another live process holds it, this run stays anonymous (it takes back nothing early)
    rather than take that process's rows as abandoned."""
    worker = app.settings.worker_id or socket.gethostname()
    if app.database.is_sqlite:
        locked = _lock_file(app.settings.data_dir, worker, delivery)
    else:
        connection = await app.database.engine.connect()
        locked = await lock_worker_name(connection, worker)

        async def release() -> None:
            try:
                if locked:
                    await unlock_worker_name(connection, worker)
            finally:
                await connection.close()

        delivery._closers.append(release)
    if locked:
        return new_lease_owner(worker)
    log.warning(
        "another running process is named %r (ANTQ_WORKER_ID): give each process its own name",
        worker,
    )
    return new_lease_owner()


def _lock_file(data_dir: Path, worker: str, delivery: Delivery) -> bool:
    """Hold an exclusive lock on ``data_dir/worker-<name>.lock`` until delivery stops."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in worker)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        handle = (data_dir / f"worker-{safe}.lock").open("a")
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return False

    async def release() -> None:
        handle.close()  # closing drops the lock

    delivery._closers.append(release)
    return True
