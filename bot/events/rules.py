"""Registered participants are reminded the day before an event: a campaign of one row (run
by ``bot.reminders``).

The campaign is not claimed: its audience is read on every tick, so a participant who
registers during the day before is reminded too, and the dedup key names the occasion (one
event, one member), so however often it runs, and in however many processes, each participant
is reminded once. The reminder is due at 09:00 local time the day before (at once when
registering later); quiet hours and "reminders off" are the queue's business.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.reminders import Campaign, CampaignRule, Occasion, Recipient, Reminder, Unit
from bot.rules import REMIND_AT
from conversations.events import shown_range
from conversations.i18n import N_
from conversations.localtime import LOCAL_TIME
from storage.events import participants_starting_between

START = "start of the event"
PARTICIPANTS = "registered participants"


def reminder_prefix(event_id: int) -> str:
    """What the dedup keys of an event's reminders start with."""
    return f"reminder:event:{event_id}:member:"


def reminder_key(event_id: int, member_id: int) -> str:
    return f"{reminder_prefix(event_id)}{member_id}"


async def participants(session: AsyncSession, occasion: Occasion) -> list[Recipient]:
    """The registered participants of the events starting on the occasion's day."""
    starts = datetime.combine(occasion.day, time(0), tzinfo=LOCAL_TIME)
    found = await participants_starting_between(
        session, starts.astimezone(UTC), (starts + timedelta(days=1)).astimezone(UTC)
    )
    return [
        Recipient(
            item.member_id,
            reminder_key(item.event_id, item.member_id),
            {
                "title": item.title,
                "when": shown_range(item.starts_at, item.ends_at),
                "place": item.place_text,
            },
        )
        for item in found
    ]


EVENT_REMINDERS = Campaign(
    "event-reminders",
    (Reminder("day before", START, -1, Unit.DAYS, REMIND_AT, PARTICIPANTS, N_("events.reminder")),),
    dates={START: None},
    audiences={PARTICIPANTS: participants},
    claimed=False,
)
remind_event_participants = CampaignRule(EVENT_REMINDERS)
