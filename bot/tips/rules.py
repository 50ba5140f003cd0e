"""The 24-hour rule: tips nobody acknowledged in time go up to the admins of their place.

Commune police must record a tip and pass it on within 24 hours (48 in remote areas: the
deployment's ``ANTQ_TIP_ESCALATE_HOURS``). A tip still unacknowledged after that is escalated
once: the admins of the nearest place above it that has admins (the commune's, else the
province's) are told its code, category and how long it has waited. The claim sets
``escalated_at`` in the rule's transaction, so two processes never escalate a tip twice.
A tipster's message in the tip's thread that no officer answered within the same hours is
escalated the same way, once per unanswered run of messages (``tip_messages.escalated_at``).

It needs the settings, so it is an object built from them (``tip_rules``) that
``bot.delivery.service.start_delivery`` adds to the scheduler, like the report reminders.
(The sealed route back to a sender is erased by the retention schedule, bot/privacy.)
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import MemberMessage
from bot.tips.handlers import category_label, render
from conversations.fields import format_tip_code
from conversations.i18n import N_
from storage.outbox import TIP_NOTICE
from storage.tips import (
    StaffMember,
    claim_unacknowledged,
    claim_unanswered_messages,
    staff_over,
)

log = logging.getLogger(__name__)

Rule = Callable[[datetime, AsyncSession], Awaitable[Sequence[MemberMessage]]]


def nearest(admins: list[StaffMember]) -> list[StaffMember]:
    """The admins of the deepest place that has any (``staff_over`` lists the nearest first)."""
    if not admins:
        return []
    depth = len(admins[0].area_path)
    return [admin for admin in admins if len(admin.area_path) == depth]


class TipEscalation:
    """Claim the tips waiting past ``after`` and tell their admins (once per tip); a rule run
    on every tick."""

    __qualname__ = "TipEscalation"

    def __init__(self, after: timedelta) -> None:
        self.after = after

    async def __call__(self, now: datetime, session: AsyncSession) -> Sequence[MemberMessage]:
        messages: list[MemberMessage] = []
        unreached = 0
        waiting = await claim_unacknowledged(session, received_before=now - self.after, now=now)
        for tip in waiting:
            admins = nearest(await staff_over(session, tip.area_path, ("admin",)))
            if not admins:
                unreached += 1
            hours = int((now - tip.received_at).total_seconds() // 3600)
            for admin in admins:
                text = render(
                    admin.locale,
                    N_("inbox.notice.escalated"),
                    code=format_tip_code(tip.code),
                    category=category_label(admin.locale, tip.category),
                    hours=hours,
                    command=f"/xemtin {tip.code}",
                )
                messages.append(
                    MemberMessage(
                        admin.member_id,
                        TIP_NOTICE,
                        f"tip-escalated:{tip.id}:{admin.member_id}",
                        text=text,
                    )
                )
        if unreached:
            log.warning("%d unacknowledged tips have no admin above them to escalate to", unreached)
        messages.extend(await self.unanswered(now, session))
        return messages

    async def unanswered(self, now: datetime, session: AsyncSession) -> list[MemberMessage]:
        """Tipsters' messages nobody answered past ``after``: their tips' admins are told."""
        messages: list[MemberMessage] = []
        claimed = await claim_unanswered_messages(session, written_before=now - self.after, now=now)
        for waiting in claimed:
            hours = int((now - waiting.created_at).total_seconds() // 3600)
            for admin in nearest(await staff_over(session, waiting.area_path, ("admin",))):
                text = render(
                    admin.locale,
                    N_("inbox.notice.unanswered"),
                    code=format_tip_code(waiting.code),
                    category=category_label(admin.locale, waiting.category),
                    hours=hours,
                    command=f"/xemtin {waiting.code}",
                )
                messages.append(
                    MemberMessage(
                        admin.member_id,
                        TIP_NOTICE,
                        f"tip-unanswered:{waiting.id}:{admin.member_id}",
                        text=text,
                    )
                )
        return messages


def tip_rules(escalate_after: timedelta) -> list[Rule]:
    """The rules checked on every tick that need the tip settings."""
    return [TipEscalation(escalate_after)]
