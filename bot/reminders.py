"""Reminders as data: rows of (offset, unit, hour, audience, template), run by one runner.

As RapidPro's campaign events are: a reminder is due ``offset`` units from the date it is
``relative_to`` (a deadline, the start of an event), at ``hour`` local time, to an
``audience``, with the catalogue message ``template``. A feature declares its reminders once,
as a ``Campaign`` in its ``rules.py`` (the table of rows, with the dates and the audiences the
rows name); ``CampaignRule`` runs any campaign on the scheduler's tick (``bot.scheduler``).

A campaign runs in one of two ways:

- ``claimed`` (the monthly update, the movement's year): at the hour, the day's occasion is
  claimed in the transaction of its messages (``claim_update``), so a second tick, or a second
  process on the same database, finds it claimed and queues nothing. The audience is read at
  the hour: an area that filed at 08:00 is not reminded at 09:00.
- not claimed (events): the audience is read again on every tick of the day, and its messages
  are queued to go at the hour (at once when later), so somebody who joins it during the day
  is still told. The dedup keys tell each member once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import MemberMessage
from conversations.localtime import LOCAL_TIME
from storage.delivery.outbox import REMINDER
from storage.reply_path.updates import claim_update, is_claimed

log = logging.getLogger(__name__)

# The "channel" under which a day's occasions are claimed in processed_updates.
OCCASIONS = "scheduler"
# Names listed in one message; the rest are counted.
NAMES_SHOWN = 15


class Unit(StrEnum):
    """What a reminder's offset counts."""

    DAYS = "days"
    WEEKS = "weeks"


_DAYS_IN = {Unit.DAYS: 1, Unit.WEEKS: 7}


@dataclass(frozen=True, slots=True)
class Reminder:
    """One row of a campaign: tell ``audience`` the message ``template`` at ``hour`` local
    time, ``offset`` units after the date ``relative_to`` (before it when negative)."""

    name: str  # what the logs call it
    relative_to: str
    offset: int
    unit: Unit
    hour: time
    audience: str
    template: str

    def day_relative_to(self, today: date) -> date:
        """The date that this reminder, due ``today``, is about."""
        return today - timedelta(days=self.offset * _DAYS_IN[self.unit])


@dataclass(frozen=True, slots=True)
class Occasion:
    """A reminder due today, as its audience is asked about it."""

    reminder: Reminder
    today: date
    day: date  # the date it is relative to: the deadline, the day of the event

    @property
    def days_left(self) -> int:
        """Days from today to ``day`` (negative once it has passed)."""
        return (self.day - self.today).days


@dataclass(frozen=True, slots=True)
class Recipient:
    """A member of an audience, with what their message says and names its occasion."""

    member_id: int
    dedup_key: str
    params: dict[str, Any]


# Who is to be told of an occasion (read in the rule's transaction).
Audience = Callable[[AsyncSession, Occasion], Awaitable[list[Recipient]]]
# Whether a date fixed by a calendar (the registration deadline) falls on a day. ``None`` in
# a campaign's ``dates``: each member has their own date (their area's deadline, the start of
# the event they joined), and the audience tells who has it on the occasion's day.
FallsOn = Callable[[date], bool]


@dataclass(frozen=True)
class Campaign:
    """A feature's reminders: the rows, and the dates and audiences the rows name."""

    name: str  # of the rule in the logs, and of the day's claimed occasion
    reminders: tuple[Reminder, ...]
    dates: Mapping[str, FallsOn | None]
    audiences: Mapping[str, Audience]
    claimed: bool = True

    def __post_init__(self) -> None:
        for reminder in self.reminders:
            if reminder.relative_to not in self.dates:
                raise ValueError(f"reminder {reminder.name}: no date {reminder.relative_to!r}")
            if reminder.audience not in self.audiences:
                raise ValueError(f"reminder {reminder.name}: no audience {reminder.audience!r}")


class CampaignRule:
    """The rule runner: runs a campaign's due reminders on every tick of the scheduler."""

    def __init__(self, campaign: Campaign) -> None:
        self.campaign = campaign
        self.name = campaign.name

    async def __call__(self, now: datetime, session: AsyncSession) -> Sequence[MemberMessage]:
        local = now.astimezone(LOCAL_TIME)
        today = local.date()
        messages: list[MemberMessage] = []
        for hour in sorted({reminder.hour for reminder in self.campaign.reminders}):
            at = datetime.combine(today, hour, tzinfo=LOCAL_TIME)
            due: datetime | None = None
            if self.campaign.claimed:
                if local < at or not await self._claim(session, today, hour, now):
                    continue
            else:
                due = max(now, at.astimezone(UTC))
            for reminder in self.campaign.reminders:
                if reminder.hour == hour:
                    messages += await self._run(session, reminder, today, due)
        return messages

    async def _claim(self, session: AsyncSession, today: date, hour: time, now: datetime) -> bool:
        occasion = f"{self.name}:{today.isoformat()}:{hour:%H%M}"
        # Read first: every tick after the hour finds it claimed and so writes nothing (the
        # scheduler asks in a read transaction, which does not wait for the bot's writer).
        if await is_claimed(session, channel=OCCASIONS, update_key=occasion):
            return False
        return await claim_update(session, channel=OCCASIONS, update_key=occasion, now=now)

    async def _run(
        self, session: AsyncSession, reminder: Reminder, today: date, due: datetime | None
    ) -> list[MemberMessage]:
        occasion = Occasion(reminder, today, reminder.day_relative_to(today))
        falls_on = self.campaign.dates[reminder.relative_to]
        if falls_on is not None and not falls_on(occasion.day):
            return []
        try:
            recipients = await self.campaign.audiences[reminder.audience](session, occasion)
        except Exception:
            log.error("reminder %s (%s) failed", reminder.name, self.name)
            raise
        if recipients:
            # Once a day when claimed; on every tick otherwise, hence quieter.
            level = logging.INFO if self.campaign.claimed else logging.DEBUG
            log.log(level, "reminder %s: %d members due", reminder.name, len(recipients))
        return [
            MemberMessage(
                member_id=recipient.member_id,
                kind=REMINDER,
                dedup_key=recipient.dedup_key,
                message_key=reminder.template,
                params=recipient.params,
                due=due,
            )
            for recipient in recipients
        ]


def names_list(names: Sequence[str], shown: int = NAMES_SHOWN) -> str:
    """``names`` for a message: the first ``shown`` of them, and how many more."""
    listed = ", ".join(names[:shown])
    return listed if len(names) <= shown else f"{listed} (+{len(names) - shown})"
