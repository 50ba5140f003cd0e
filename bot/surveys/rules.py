"""Scheduler rules of surveys: the one reminder to those who have not answered, and the
closing (its admin is told how many answered).

The invitation itself is a broadcast row: the broadcasts' rules send it. The reminder reads
the audience in pages by member id, as a broadcast's fan-out does, skips those whose
"answered" digest is stored, and writes a page of outbox rows at a time (campaign messages:
opt-outs, quiet hours and the platform's rate apply); each survey is reminded once, a page
a tick, resumable after the last member reached (``reminded_through``), as a broadcast's
fan-out resumes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import PRIORITIES, MemberMessage
from bot.delivery.quiet_hours import DEFAULT_QUIET_HOURS, QuietHours
from bot.rules import Rule
from bot.sealing import Sealer
from bot.surveys import answered_digests
from conversations.i18n import N_
from conversations.localtime import shown
from conversations.surveys import REMINDER_KEY, pick
from storage.broadcasts import broadcast_by_id, recipients_page
from storage.delivery.outbox import BROADCAST, NOTICE, NewMessage, enqueue_many
from storage.surveys import (
    SurveyRecord,
    advance_reminder,
    answered_among,
    close_survey,
    count_responses,
    due_to_close,
    due_to_remind,
    lock_survey,
    survey_by_id,
)

REMIND_BATCH = 5_000


def reminder_dedup_key(survey_id: int, member_id: int) -> str:
    return f"survey:{survey_id}:remind:{member_id}"


async def invitation_buttons(
    session: AsyncSession, record: SurveyRecord
) -> dict[str, list[list[str]]] | None:
    """The buttons under the survey's invitation, by language: the reminder has the same."""
    if record.broadcast_id is None:
        return None
    invitation = await broadcast_by_id(session, record.broadcast_id)
    return None if invitation is None else invitation.buttons


def buttons_of(
    buttons: dict[str, list[list[str]]] | None, locale: str | None
) -> dict[str, list[list[str]]]:
    """The outbox parameter of the buttons a member reading ``locale`` gets (none: {})."""
    if not buttons:
        return {}
    return {"buttons": buttons.get(locale or "vi") or buttons["vi"]}


async def remind_page(
    session: AsyncSession,
    sealer: Sealer,
    record: SurveyRecord,
    *,
    now: datetime,
    quiet_hours: QuietHours = DEFAULT_QUIET_HOURS,
    batch: int = REMIND_BATCH,
) -> int:
    """Queue the reminder of ``record`` for the next page of its audience (by member id, after
    the last one reached) who have not answered; how many members were read. A short page
    finishes the reminder."""
    page = await recipients_page(
        session, record.audience, after_member_id=record.reminded_through, limit=batch
    )
    # Each person's mark under every listed key: one made before the key was replaced counts.
    digests = {
        person.member_id: answered_digests(sealer, record.id, person.member_id) for person in page
    }
    answered = await answered_among(session, record.id, [d for ds in digests.values() for d in ds])
    not_before = quiet_hours.not_before(BROADCAST, now)
    buttons = await invitation_buttons(session, record)
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
                **buttons_of(buttons, person.locale),
            },
            dedup_key=reminder_dedup_key(record.id, person.member_id),
            priority=PRIORITIES[BROADCAST],
        )
        for person in page
        if answered.isdisjoint(digests[person.member_id])
    ]
    await enqueue_many(session, messages, now=now)
    through = page[-1].member_id if page else record.reminded_through
    await advance_reminder(session, record.id, through=through, done=len(page) < batch, now=now)
    return len(page)


def remind_surveys(
    sealer: Sealer, quiet_hours: QuietHours = DEFAULT_QUIET_HOURS, batch: int = REMIND_BATCH
) -> Rule:
    """Rule: the next page of the one reminder of a survey whose reminder time has come (a
    page a tick, as a broadcast's fan-out: the write lock is never held for long, and a crash
    or a second process neither skips nor repeats anybody)."""

    async def remind_surveys(now: datetime, session: AsyncSession) -> Sequence[MemberMessage]:
        for due in await due_to_remind(session, now=now):
            if not await lock_survey(session, due.id):
                continue  # another process is writing its page
            record = await survey_by_id(session, due.id)  # read again, under the lock
            if record is not None and record.reminded_at is None:
                await remind_page(
                    session, sealer, record, now=now, quiet_hours=quiet_hours, batch=batch
                )
            break
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
