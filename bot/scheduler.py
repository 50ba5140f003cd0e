"""The clock of ``antq run``: APScheduler only ticks; what is due is a query on the database.

Every minute ``tick`` runs the registered rules; every morning ``run_daily`` runs the daily
jobs (digests, the retention schedule). A rule (``bot.rules``) is an async callable
``due(now, session) -> [MemberMessage, ...]``: it reads the database and says who should be
told what; reminders are rows of campaigns, each campaign one rule (``bot.reminders``). The
scheduler queues the answer in the same transaction, through
``queue_for_member`` (quiet hours, reminders turned off, de-duplication). Rules name each
occasion with a ``dedup_key``, so a rule that fires on every tick, or in two processes on one
database, still queues each message once.

Missed ticks are harmless (the next tick sees the same database), which is why no job store is
used: APScheduler's SQLAlchemyJobStore is synchronous and cannot be shared by two processes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.broadcasts.rules import fan_out_broadcasts, finish_broadcasts
from bot.delivery.queueing import queue_for_member
from bot.delivery.quiet_hours import DEFAULT_QUIET_HOURS, QuietHours
from bot.events.rules import remind_event_participants
from bot.monthly_reports.rules import report_daily_jobs, report_rules
from bot.movement_year.rules import year_rules
from bot.observability import metrics
from bot.opinions.rules import opinion_daily_jobs
from bot.privacy.retention import retention_daily_jobs
from bot.rules import Rule, rule_name
from bot.sealing import Sealer
from bot.settings import Settings
from bot.surveys.rules import survey_rules
from bot.tips.rules import tip_daily_jobs, tip_rules
from bot.units.rules import unit_rules
from conversations.i18n import Catalogues
from storage.database import Database, WriteInReadTransaction
from storage.tables import utcnow

log = logging.getLogger(__name__)

# Rules checked every minute that need no settings; ``scheduled_rules`` adds those that do.
RULES: list[Rule] = [
    remind_event_participants,
    fan_out_broadcasts,
    finish_broadcasts,
]


def scheduled_rules(
    settings: Settings, catalogues: Catalogues, *, sealer: Sealer | None = None
) -> tuple[list[Rule], list[Rule]]:
    """Every rule of every feature, the one place they are registered: those checked each
    minute and the morning jobs, with the deadlines, hours and retention of the settings and
    the catalogues their notices are written with. Rules that need the server key (surveys'
    reminders) run only when ``sealer`` is given."""
    calendar = settings.report_calendar
    every_minute = [
        *RULES,
        *report_rules(calendar),
        *tip_rules(settings.tip_escalate_after, catalogues),
        *year_rules(settings.year_calendar),
        *unit_rules(settings.year_calendar),
        *(survey_rules(sealer) if sealer is not None else []),
    ]
    every_morning = [
        *report_daily_jobs(calendar),
        *retention_daily_jobs(settings),
        *tip_daily_jobs(),
        *opinion_daily_jobs(settings.opinion_answer_days),
    ]
    return every_minute, every_morning


TICK_EVERY = timedelta(minutes=1)
# How long stop() waits for a running tick.
STOP_GRACE_SECONDS = 10.0
# Local time of the daily jobs: the end of the quiet hours, so digests go out at once.
DAILY_AT = time(7, 0)


class DeliveryScheduler:
    """Runs the rules every minute and the daily jobs every morning on an AsyncIOScheduler."""

    def __init__(
        self,
        database: Database,
        *,
        rules: Sequence[Rule] = RULES,
        daily_jobs: Sequence[Rule] = (),
        quiet_hours: QuietHours = DEFAULT_QUIET_HOURS,
        daily_at: time = DAILY_AT,
        clock: Callable[[], datetime] = utcnow,
        on_queued: Callable[[], None] | None = None,
    ) -> None:
        self.database = database
        self.rules = rules
        self.daily_jobs = daily_jobs
        self.quiet_hours = quiet_hours
        self.daily_at = daily_at
        self.clock = clock
        self.on_queued = on_queued
        self._scheduler: AsyncIOScheduler | None = None
        self._running = 0  # ticks and daily runs under way
        self._idle = asyncio.Event()
        self._idle.set()
        self._stopped = False

    async def tick(self) -> int:
        """Run every rule once; the number of messages newly queued."""
        return await self._run(self.rules, self.clock())

    async def run_daily(self) -> int:
        """Run the daily jobs once; the number of messages newly queued."""
        return await self._run(self.daily_jobs, self.clock())

    async def _run(self, rules: Sequence[Rule], now: datetime) -> int:
        if self._stopped:
            # A tick the scheduler submitted just before stop() and that starts only now: the
            # database may already be closed, and the next start runs it anyway.
            return 0
        self._running += 1
        self._idle.clear()
        try:
            return await self._run_rules(rules, now)
        finally:
            self._running -= 1
            if self._running == 0:
                self._idle.set()

    async def _run_rules(self, rules: Sequence[Rule], now: datetime) -> int:
        queued = 0
        for rule in rules:
            # One transaction per rule: a failing rule neither blocks nor undoes the others.
            try:
                if await self._nothing_due(rule, now):
                    metrics.rule_ran(ok=True)
                    continue
                async with self.database.transaction() as session:
                    for message in await rule(now, session):
                        if await queue_for_member(
                            session, message, now=now, quiet_hours=self.quiet_hours
                        ):
                            queued += 1
                metrics.rule_ran(ok=True)
            except Exception as error:
                log.exception("rule %s failed: %s", rule_name(rule), type(error).__name__)
                metrics.rule_ran(ok=False)
        if queued and self.on_queued is not None:
            self.on_queued()
        return queued

    async def _nothing_due(self, rule: Rule, now: datetime) -> bool:
        """Whether ``rule`` has nothing to do now, asked in a read transaction, which does
        not wait for the bot's writer (most ticks find nothing). A rule that queues a message
        or writes anything (its bookkeeping) is run again, from its first read, in a write
        transaction: its reads, its writes and its messages still commit together."""
        try:
            async with self.database.reading() as session:
                return not await rule(now, session)
        except WriteInReadTransaction:
            return False

    def start(self) -> None:
        """Start ticking on the running event loop (call from inside it)."""
        zone = self.quiet_hours.zone
        scheduler = AsyncIOScheduler(timezone=zone)
        scheduler.add_job(
            self.tick,
            IntervalTrigger(seconds=TICK_EVERY.total_seconds(), timezone=zone),
            id="delivery-tick",
            next_run_time=datetime.now(zone),  # at start-up too: catch up after downtime
            coalesce=True,
            max_instances=1,
            misfire_grace_time=int(TICK_EVERY.total_seconds()),
        )
        scheduler.add_job(
            self.run_daily,
            CronTrigger(hour=self.daily_at.hour, minute=self.daily_at.minute, timezone=zone),
            id="delivery-daily",
            coalesce=True,
            max_instances=1,
            # APScheduler's default (1 s) would drop the morning's digests after a restart.
            misfire_grace_time=int(timedelta(hours=3).total_seconds()),
        )
        scheduler.start()
        self._scheduler = scheduler
        self._stopped = False

    async def stop(self) -> None:
        """Stop ticking, and let a running tick finish: a chat that quits right after it
        opened must not cut the first tick off half way (and log it as failed)."""
        scheduler, self._scheduler = self._scheduler, None
        self._stopped = True
        if scheduler is not None and scheduler.running:
            # Paused, not shut down yet: APScheduler's shutdown cancels the jobs under way.
            scheduler.pause()
        try:
            await asyncio.wait_for(self._idle.wait(), STOP_GRACE_SECONDS)
        except TimeoutError:  # a database that hangs: its transaction rolls back, whole
            log.warning("stopping the scheduler: a tick did not finish in time")
        await asyncio.sleep(0)  # a tick submitted but not yet started ends at once (_stopped)
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)
