"""Scheduler rules of surveys: the one reminder to those who have not answered, and the
closing (its admin is told how many answered).

The invitation itself is a broadcast row: the broadcasts' rules send it. The reminder reads
the audience in pages by member id, as a broadcast's fan-out does, skips those whose
"answered" digest is stored, and writes a page of outbox rows at a time (campaign messages:
opt-outs, quiet hours and the platform's rate apply); each survey is reminded once, claimed
by ``mark_reminded`` in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import PRIORITIES, MemberMessage
from bot.delivery.quiet_hours import DEFAULT_QUIET_HOURS, QuietHours
from bot.rules import Rule
from bot.sealing import Sealer
from bot.surveys import answered_digest
from conversations.i18n import N_
from conversations.localtime import shown
from conversations.surveys import REMINDER_KEY, pick
from storage.broadcasts import recipients_page
from storage.delivery.outbox import BROADCAST, NOTICE, NewMessage, enqueue_many
from storage.surveys import (
    SurveyRecord,
    answered_among,
    close_survey,
    count_responses,
    due_to_close,
    due_to_remind,
    mark_reminded,
)

REMIND_BATCH = 5_000


def reminder_dedup_key(survey_id: int, member_id: int) -> str:
    return f"survey:{survey_id}:remind:{member_id}"


async def remind(
    session: AsyncSession,
    sealer: Sealer,
    record: SurveyRecord,
    *,
    now: datetime,
    quiet_hours: QuietHours = DEFAULT_QUIET_HOURS,
    batch: int = REMIND_BATCH,
) -> int:
    """Queue the reminder of ``record`` for everyone in its audience who has not answered;
    how many were queued."""
    after, queued = 0, 0
    not_before = quiet_hours.not_before(BROADCAST, now)
    while True:
        page = await recipients_page(session, record.audience, after_member_id=after, limit=batch)
        if not page:
            return queued
        after = page[-1].member_id
        digests = {
            person.member_id: answered_digest(sealer, record.id, person.member_id)
            for person in page
        }
        answered = await answered_among(session, record.id, list(digests.values()))
        messages = [
            NewMessage(
                channel=person.channel,
                kind=BROADCAST,
                not_before=not_before,
                identity_id=person.identity_id,
                member_id=person.member_id,
                message_key=REMINDER_KEY,
                params={
                    "title": pick(record.title_vi, record.title_en, person.locale),
                    "number": record.id,
                    "closes": shown(record.closes_at),
                },
                dedup_key=reminder_dedup_key(record.id, person.member_id),
                priority=PRIORITIES[BROADCAST],
            )
            for person in page
            if digests[person.member_id] not in answered
        ]
        await enqueue_many(session, messages, now=now)
        queued += len(messages)
        if len(page) < batch:
            return queued


def remind_surveys(sealer: Sealer, quiet_hours: QuietHours = DEFAULT_QUIET_HOURS) -> Rule:
    """Rule: the one reminder of each survey whose reminder time has come."""

    async def remind_surveys(now: datetime, session: AsyncSession) -> Sequence[MemberMessage]:
        for record in await due_to_remind(session, now=now):
            if await mark_reminded(session, record.id, now=now):
                await remind(session, sealer, record, now=now, quiet_hours=quiet_hours)
        return []

    return remind_surveys


async def close_surveys(now: datetime, session: AsyncSession) -> Sequence[MemberMessage]:
    """Rule: a survey past its closing time stops taking answers; its admin is told."""
    notices: list[MemberMessage] = []
    for record in await due_to_close(session, now=now):
        if not await close_survey(session, record.id, now=now) or record.created_by is None:
            continue
        notices.append(
            MemberMessage(
                member_id=record.created_by,
                kind=NOTICE,
                dedup_key=f"survey:{record.id}:closed",
                message_key=N_("surveys.closed_notice"),
                params={
                    "number": record.id,
                    "title": record.title_vi,
                    "count": await count_responses(session, record.id),
                },
            )
        )
    return notices


def survey_rules(sealer: Sealer) -> list[Rule]:
    """The rules of surveys checked every minute."""
    return [remind_surveys(sealer), close_surveys]
