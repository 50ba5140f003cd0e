"""The 24-hour rule: tips nobody acknowledged in time go up to the admins of their place.

Commune police must record a tip and pass it on within 24 hours. A tip still unacknowledged
after ``ESCALATE_AFTER`` is escalated once: the admins of the nearest place above it that has
admins (the commune's, else the province's) are told its code, category and how long it has
waited. The claim sets ``escalated_at`` in the rule's transaction, so two processes never
escalate a tip twice. Kept a module constant (like the scheduler's other rule windows) because
rules are plain functions without settings.

Also the daily upkeep DESIGN.md promises: the sealed route back to an anonymous sender is
erased once the tip has been closed for ``ROUTE_RETENTION``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import MemberMessage
from bot.tip_inbox import category_label, render
from conversations.fields import format_tip_code
from conversations.i18n import N_
from storage.outbox import TIP_NOTICE
from storage.tips import (
    StaffMember,
    claim_unacknowledged,
    erase_routes_closed_before,
    staff_over,
)

log = logging.getLogger(__name__)

TIP_ESCALATE_HOURS = 24
ESCALATE_AFTER = timedelta(hours=TIP_ESCALATE_HOURS)
TIP_ROUTE_RETENTION_DAYS = 90
ROUTE_RETENTION = timedelta(days=TIP_ROUTE_RETENTION_DAYS)


def nearest(admins: list[StaffMember]) -> list[StaffMember]:
    """The admins of the deepest place that has any (``staff_over`` lists the nearest first)."""
    if not admins:
        return []
    depth = len(admins[0].area_path)
    return [admin for admin in admins if len(admin.area_path) == depth]


async def escalate_unacknowledged_tips(
    now: datetime, session: AsyncSession
) -> Sequence[MemberMessage]:
    """Claim the tips waiting past the deadline and tell their admins (once per tip)."""
    messages: list[MemberMessage] = []
    unreached = 0
    for tip in await claim_unacknowledged(session, received_before=now - ESCALATE_AFTER, now=now):
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
    return messages


async def erase_old_tip_routes(now: datetime, session: AsyncSession) -> Sequence[MemberMessage]:
    """Forget how to reach the senders of tips closed more than ``ROUTE_RETENTION`` ago."""
    erased = await erase_routes_closed_before(session, now - ROUTE_RETENTION)
    if erased:
        log.info("erased the sender routes of %d closed tips", erased)
    return []
