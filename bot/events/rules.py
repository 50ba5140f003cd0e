"""Registered participants are reminded the day before an event.

The rule runs on every tick; the dedup key names the occasion (one event, one member), so
however often it runs, and in however many processes, each participant is reminded once.
The reminder is due at 09:00 local time the day before (at once when registering later);
quiet hours and "reminders off" are the queue's business.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import MemberMessage
from bot.rules import REMIND_AT
from conversations.events import shown_range
from conversations.i18n import N_
from conversations.localtime import LOCAL_TIME
from storage.events import participants_starting_between
from storage.outbox import REMINDER


def reminder_prefix(event_id: int) -> str:
    """What the dedup keys of an event's reminders start with."""
    return f"reminder:event:{event_id}:member:"


def reminder_key(event_id: int, member_id: int) -> str:
    return f"{reminder_prefix(event_id)}{member_id}"


async def remind_event_participants(
    now: datetime, session: AsyncSession
) -> Sequence[MemberMessage]:
    """A reminder for every registered participant of the events starting tomorrow."""
    today = now.astimezone(LOCAL_TIME).date()
    tomorrow = datetime.combine(today + timedelta(days=1), time(0), tzinfo=LOCAL_TIME)
    due = max(now, datetime.combine(today, REMIND_AT, tzinfo=LOCAL_TIME).astimezone(UTC))
    found = await participants_starting_between(
        session, tomorrow.astimezone(UTC), (tomorrow + timedelta(days=1)).astimezone(UTC)
    )
    return [
        MemberMessage(
            member_id=item.member_id,
            kind=REMINDER,
            dedup_key=reminder_key(item.event_id, item.member_id),
            message_key=N_("events.reminder"),
            params={
                "title": item.title,
                "when": shown_range(item.starts_at, item.ends_at),
                "place": item.place_text,
            },
            due=due,
        )
        for item in found
    ]
