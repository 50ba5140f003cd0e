"""Drains the outbox of one channel at the platform's rate.

A pass claims a batch of due rows with a lease, sends them (several at once, each after a token
from the channel's ``RateLimiter``) and records every outcome:

- sent: the row is finished (and its text erased);
- the user blocked the bot (403): the row is blocked and the identity marked inactive;
- 429: the limiter pauses for ``retry_after`` and the row waits as long, the attempt not counted;
- the recipient's chat is not open here (an anonymous tipster's sealed route to another
  console user's terminal): the row waits ``AWAY_WAIT``, the attempt not counted (a transport
  bound to its chats, ``ChatBoundTransport``, is not even given other chats' rows);
- a temporary failure: retried with backoff (``OUTBOX_RETRY``) until its attempts run out;
- a permanent refusal: the row fails at once.

Each outcome is written as soon as it is known (those that come in while one write is under
way go together in the next), and a send keeps its place among the ``max_in_flight`` until its
outcome is committed: so at the instant of a crash at most ``max_in_flight`` messages have been
handed to the platform without their outcome stored, and only those can go twice after a
restart (the platforms have no idempotency key). The rows a crashed sender had claimed and not
sent are taken back at once by the same worker started again (``LeaseOwner``), by another
worker when their lease runs out.
Logs name rows by id and errors by class: never a text, never a chat id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.errors import (
    DeliveryError,
    PermanentFailure,
    RateLimited,
    RecipientAway,
    RecipientBlocked,
    RecipientOutsideWindow,
)
from bot.delivery.limits import RateLimiter, Ticket
from bot.delivery.quiet_hours import DEFAULT_QUIET_HOURS, QuietHours
from bot.delivery.transports import (
    ButtonTransport,
    ChatBoundTransport,
    PhotoTransport,
    Transport,
)
from bot.observability import metrics
from bot.retrying import RetryPolicy
from storage.database import Database
from storage.delivery.outbox import (
    ClaimedMessage,
    LeaseOwner,
    claim_due,
    mark_blocked,
    mark_failed,
    mark_outside_window,
    mark_sent,
    retry_later,
)
from storage.tables import utcnow

log = logging.getLogger(__name__)

# (locale, catalogue key, params) -> text; e.g. ``Catalogues.text`` with the params spread.
Renderer = Callable[[str | None, str, dict[str, Any]], str]
Clock = Callable[[], datetime]
# Opens a sealed route to the chat id it holds (bot.sealing.Sealer, bound by the wiring).
OpenRoute = Callable[[bytes], str]
# Told, in the transaction that records them, of the rows that went (sent) or will never go
# (blocked, failed): a tip's thread keeps when its messages were delivered (bot.tips.delivery).
Finished = Callable[[AsyncSession, list[tuple[ClaimedMessage, str]], datetime], Awaitable[None]]

MAX_BATCH = 500
# A batch holds about this many seconds of sending at the channel's rate, far below the lease.
BATCH_SECONDS = 4.0


# A message that failed for a passing reason is tried 8 times in all, waiting 30 s after the
# first failure, twice as long after each next one, at most an hour.
OUTBOX_RETRY = RetryPolicy(attempts=8, first_delay=30.0, multiplier=2.0, max_delay=3600.0)
# A message for a chat that is not open here is looked at again after this long, so that the
# terminal showing that chat (its own sender) takes it soon after it opens.
AWAY_WAIT = timedelta(seconds=5)
# Outcomes that could not be written (the database restarting) are tried again after this.
RECORD_RETRY_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class _Outcome:
    message: ClaimedMessage
    status: str  # sent | blocked | outside_window | failed | retry | wait | defer
    error: str | None = None
    not_before: datetime | None = None


def new_lease_owner(worker: str | None = None) -> LeaseOwner:
    """This run's lease owner: ``worker`` (stable across restarts, e.g. ANTQ_WORKER_ID) and a
    new boot id. Without a worker id the run is anonymous and never takes rows back early."""
    boot = secrets.token_hex(8)
    return LeaseOwner(worker or f"{socket.gethostname()}/{boot}"[:64], boot)


def default_batch_size(limiter: RateLimiter) -> int:
    if limiter.limits.unlimited:
        return MAX_BATCH
    return max(1, min(MAX_BATCH, math.ceil(limiter.limits.per_second * BATCH_SECONDS)))


class OutboxSender:
    """Sends the due outbox rows of one channel; ``run()`` until ``stop()``."""

    def __init__(
        self,
        database: Database,
        channel: str,
        transport: Transport,
        limiter: RateLimiter,
        *,
        render: Renderer | None = None,
        quiet_hours: QuietHours = DEFAULT_QUIET_HOURS,
        retry: RetryPolicy | None = None,
        lease: timedelta = timedelta(minutes=2),
        batch_size: int | None = None,
        max_in_flight: int = 16,
        idle_wait: float = 1.0,
        clock: Clock = utcnow,
        open_route: OpenRoute | None = None,
        on_finished: Finished | None = None,
        owner: LeaseOwner | None = None,
    ) -> None:
        self.database = database
        self.channel = channel
        self.transport = transport
        self.limiter = limiter
        self.render = render
        self.quiet_hours = quiet_hours
        self.retry = retry or OUTBOX_RETRY
        self.lease = lease
        self.batch_size = batch_size or default_batch_size(limiter)
        self.max_in_flight = max_in_flight
        self.owner = owner or new_lease_owner()
        self.idle_wait = idle_wait
        self.clock = clock
        self.open_route = open_route
        self.on_finished = on_finished
        self.chat_ids = transport.chat_ids if isinstance(transport, ChatBoundTransport) else None
        self._wake = asyncio.Event()
        self._stopping = False
        # Outcomes waiting to be written, each with the future its send waits on.
        self._unrecorded: list[tuple[_Outcome, asyncio.Future[None]]] = []
        self._recording: asyncio.Task[None] | None = None

    # -- one pass ----------------------------------------------------------------------------

    async def deliver_due(self) -> int:
        """Claim one batch of due rows and send it; the number of rows claimed."""
        now = self.clock()
        quiet = self.quiet_hours.is_quiet(now)
        async with self.database.transaction() as session:
            claimed = await claim_due(
                session,
                channel=self.channel,
                now=now,
                lease=self.lease,
                limit=self.batch_size,
                kinds=self.quiet_hours.exempt_kinds if quiet else None,
                chat_ids=self.chat_ids,
                owner=self.owner,
            )
        if not claimed:
            return 0
        in_flight = asyncio.Semaphore(self.max_in_flight)
        tasks: list[asyncio.Future[None]] = []
        for message in claimed:
            if message.sealed_route is not None:
                opened = self._opened(message)
                if opened is None:
                    tasks.append(
                        self._recorded(_Outcome(message, "failed", error="UnreadableRoute"))
                    )
                    continue
                message = opened
            gap = await self.limiter.claim_chat(message.chat_id)
            if gap > 0:
                # This chat had a message a moment ago: let it wait rather than every chat.
                later = self.clock() + timedelta(seconds=gap)
                tasks.append(self._recorded(_Outcome(message, "defer", not_before=later)))
                continue
            # A place in flight first: a slot of the rate is not to be taken and then wasted
            # waiting for one.
            await in_flight.acquire()
            try:
                ticket = await self.limiter.acquire(message.chat_id)
            except BaseException:
                in_flight.release()
                raise
            tasks.append(asyncio.ensure_future(self._send(message, ticket, in_flight)))
        await asyncio.gather(*tasks)
        return len(claimed)

    def _opened(self, message: ClaimedMessage) -> ClaimedMessage | None:
        """The message with its sealed route opened, in memory only; None if it cannot be."""
        assert message.sealed_route is not None
        if self.open_route is None:
            return None
        try:
            chat_id = self.open_route(message.sealed_route)
        except Exception as error:  # a key changed since: nobody can be told
            log.warning("an outbox route could not be opened: %s", type(error).__name__)
            return None
        return replace(message, chat_id=chat_id)

    async def _send(
        self, message: ClaimedMessage, ticket: Ticket, in_flight: asyncio.Semaphore
    ) -> None:
        try:
            try:
                outcome = await self._attempt(message)
            finally:
                self.limiter.settle(ticket)
            # The place in flight is held until the outcome is stored: what a crash can send
            # again is never more than ``max_in_flight`` messages.
            await self._recorded(outcome)
        finally:
            in_flight.release()

    async def _attempt(self, message: ClaimedMessage) -> _Outcome:
        try:
            text = self._text(message)
        except Exception as error:  # a broken catalogue entry will not mend itself
            log.error("outbox %d: cannot render: %s", message.id, type(error).__name__)
            return _Outcome(message, "failed", error=type(error).__name__)
        try:
            await self._deliver(message, text)
        except RecipientBlocked as error:
            log.info("outbox %d: the recipient blocked the bot", message.id)
            return _Outcome(message, "blocked", error=error.reason)
        except RecipientOutsideWindow as error:
            log.info("outbox %d: the recipient is outside the platform's window", message.id)
            return _Outcome(message, "outside_window", error=error.reason)
        except RateLimited as error:
            log.warning("outbox %d: rate limited for %.1f s", message.id, error.retry_after)
            metrics.outbox_rate_limited(self.channel, error)
            self.limiter.pause(error.retry_after)
            later = self.clock() + timedelta(seconds=error.retry_after)
            return _Outcome(message, "wait", error=error.reason, not_before=later)
        except RecipientAway as error:
            later = self.clock() + AWAY_WAIT
            return _Outcome(message, "wait", error=error.reason, not_before=later)
        except PermanentFailure as error:
            log.warning("outbox %d: refused: %s", message.id, error.reason)
            return _Outcome(message, "failed", error=error.reason)
        except DeliveryError as error:
            return self._failed_for_now(message, error.reason)
        except Exception as error:  # a transport bug must not stop the other messages
            log.exception("outbox %d: unexpected %s", message.id, type(error).__name__)
            return self._failed_for_now(message, type(error).__name__)
        return _Outcome(message, "sent")

    async def _deliver(self, message: ClaimedMessage, text: str) -> None:
        # A broadcast copy may carry a photo (a file id of this channel's platform); a
        # transport that cannot send photos sends the text alone.
        photo = message.params.get("photo")
        buttons = message.params.get("buttons")
        if isinstance(photo, str) and isinstance(self.transport, PhotoTransport):
            await self.transport.send_photo(message.chat_id, photo, text)
        elif buttons and isinstance(self.transport, ButtonTransport):
            pairs = [(str(label), str(command)) for label, command in buttons]
            await self.transport.send_buttons(message.chat_id, text, pairs)
        else:
            await self.transport.send_text(message.chat_id, text)

    def _text(self, message: ClaimedMessage) -> str:
        if message.text is not None:
            return message.text
        if self.render is None or message.message_key is None:
            raise LookupError("a message key but no renderer")
        return self.render(message.locale, message.message_key, message.params)

    def _failed_for_now(self, message: ClaimedMessage, reason: str) -> _Outcome:
        if message.attempts >= self.retry.attempts:
            log.warning("outbox %d: giving up after %d attempts", message.id, message.attempts)
            return _Outcome(message, "failed", error=reason)
        # ``attempts`` counts this failure too: the wait before retry number ``attempts``.
        later = self.clock() + timedelta(seconds=self.retry.delay(message.attempts))
        log.info("outbox %d: %s, attempt %d; retrying", message.id, reason, message.attempts)
        return _Outcome(message, "retry", error=reason, not_before=later)

    def _recorded(self, outcome: _Outcome) -> asyncio.Future[None]:
        """Store ``outcome`` with the next write; the future is done once it is committed."""
        metrics.outbox_outcome(self.channel, outcome.status)
        done = asyncio.get_running_loop().create_future()
        self._unrecorded.append((outcome, done))
        if self._recording is None:
            self._recording = asyncio.create_task(
                self._record_all(), name=f"outbox-record-{self.channel}"
            )
        return done

    async def _record_all(self) -> None:
        """Write outcomes until none wait: one transaction for all that came in meanwhile."""
        try:
            while self._unrecorded:
                waiting, self._unrecorded = self._unrecorded, []
                try:
                    await self._record([outcome for outcome, _ in waiting])
                except Exception as error:  # the database may be restarting: keep them
                    log.warning(
                        "outbox sender %s: recording outcomes failed: %s",
                        self.channel,
                        type(error).__name__,
                    )
                    self._unrecorded[:0] = waiting
                    await asyncio.sleep(RECORD_RETRY_SECONDS)
                    continue
                for _, done in waiting:
                    if not done.done():
                        done.set_result(None)
        finally:
            self._recording = None

    async def _record(self, outcomes: list[_Outcome]) -> None:
        if not outcomes:
            return
        now = self.clock()
        async with self.database.transaction() as session:
            sent: dict[datetime, list[int]] = {}
            for outcome in outcomes:
                message = outcome.message
                if outcome.status == "sent":
                    sent.setdefault(message.lease_until, []).append(message.id)
                elif outcome.status == "blocked":
                    await mark_blocked(session, message, now=now, error=outcome.error or "")
                elif outcome.status == "outside_window":
                    await mark_outside_window(
                        session, message.id, message.lease_until, now=now, error=outcome.error or ""
                    )
                elif outcome.status == "failed":
                    await mark_failed(
                        session, message.id, message.lease_until, now=now, error=outcome.error or ""
                    )
                else:
                    assert outcome.not_before is not None
                    await retry_later(
                        session,
                        message,
                        not_before=outcome.not_before,
                        error=outcome.error,
                        count_attempt=outcome.status == "retry",
                    )
            for lease_until, ids in sent.items():
                await mark_sent(session, ids, lease_until, now=now)
            if self.on_finished is not None:
                finished = [
                    (outcome.message, outcome.status)
                    for outcome in outcomes
                    if outcome.status in ("sent", "blocked", "failed")
                ]
                if finished:
                    await self.on_finished(session, finished, now)

    # -- running -----------------------------------------------------------------------------

    def wake(self) -> None:
        """Look at the outbox now (something urgent was queued) instead of after idle_wait."""
        self._wake.set()

    async def run(self) -> None:
        """Send due messages until ``stop()``; when nothing is due, look again every idle_wait."""
        while not self._stopping:
            try:
                claimed = await self.deliver_due()
            except Exception as error:  # the database may be restarting: try again soon
                log.warning("outbox sender %s: pass failed: %s", self.channel, type(error).__name__)
                claimed = 0
            if claimed == 0 and not self._stopping:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.idle_wait):
                        await self._wake.wait()

    def stop(self) -> None:
        """Finish the current pass (its outcomes are recorded), then return from ``run()``."""
        self._stopping = True
        self._wake.set()
