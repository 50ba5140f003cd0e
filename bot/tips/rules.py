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
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import MemberMessage
from bot.reminders import names_list
from bot.rules import Rule
from bot.tips.handlers import category_label
from conversations.fields import format_tip_code
from conversations.i18n import N_, Catalogues
from conversations.localtime import LOCAL_TIME
from storage.delivery.outbox import DIGEST, TIP_NOTICE
from storage.tips import (
    StaffMember,
    UnacknowledgedTip,
    UnansweredMessage,
    claim_unacknowledged,
    claim_unanswered_messages,
    staff_over,
    tipster_messages_between,
)

log = logging.getLogger(__name__)


def nearest(admins: list[StaffMember]) -> list[StaffMember]:
    """The admins of the deepest place that has any (``staff_over`` lists the nearest first)."""
    if not admins:
        return []
    depth = len(admins[0].area_path)
    return [admin for admin in admins if len(admin.area_path) == depth]


def tell_admin(
    catalogues: Catalogues,
    admin: StaffMember,
    key: str,
    tip: UnacknowledgedTip | UnansweredMessage,
    hours: int,
    occasion: str,
) -> MemberMessage:
    """A tip notice to ``admin`` that ``tip`` waited ``hours``: its code and category only."""
    text = catalogues.text(
        admin.locale,
        key,
        code=format_tip_code(tip.code),
        category=category_label(catalogues, admin.locale, tip.category),
        hours=hours,
        command=f"/xemtin {format_tip_code(tip.code)}",
    )
    return MemberMessage(admin.member_id, TIP_NOTICE, f"{occasion}:{admin.member_id}", text=text)


def waited(now: datetime, since: datetime) -> int:
    """Whole hours from ``since`` to ``now``, as the notice tells them."""
    return int((now - since).total_seconds() // 3600)


class TipEscalation:
    """Claim the tips waiting past ``after`` and tell their admins (once per tip); a rule run
    on every tick."""

    name = "tip-escalation"

    def __init__(self, after: timedelta, catalogues: Catalogues) -> None:
        self.after = after
        self.catalogues = catalogues

    async def __call__(self, now: datetime, session: AsyncSession) -> Sequence[MemberMessage]:
        messages: list[MemberMessage] = []
        unreached = 0
        waiting = await claim_unacknowledged(session, received_before=now - self.after, now=now)
        for tip in waiting:
            admins = nearest(await staff_over(session, tip.area_path, ("admin",)))
            if not admins:
                unreached += 1
            hours = waited(now, tip.received_at)
            key, occasion = N_("inbox.notice.escalated"), f"tip-escalated:{tip.id}"
            messages += [
                tell_admin(self.catalogues, admin, key, tip, hours, occasion) for admin in admins
            ]
        if unreached:
            log.warning("%d unacknowledged tips have no admin above them to escalate to", unreached)
        messages.extend(await self.unanswered(now, session))
        return messages

    async def unanswered(self, now: datetime, session: AsyncSession) -> list[MemberMessage]:
        """Tipsters' messages nobody answered past ``after``: their tips' admins are told."""
        messages: list[MemberMessage] = []
        claimed = await claim_unanswered_messages(session, written_before=now - self.after, now=now)
        for message in claimed:
            hours = waited(now, message.created_at)
            key, occasion = N_("inbox.notice.unanswered"), f"tip-unanswered:{message.id}"
            admins = nearest(await staff_over(session, message.area_path, ("admin",)))
            messages += [
                tell_admin(self.catalogues, admin, key, message, hours, occasion)
                for admin in admins
            ]
        return messages


def tip_rules(escalate_after: timedelta, catalogues: Catalogues) -> list[Rule]:
    """The rules checked on every tick that need the tip settings and the catalogues the
    admins' notices are written with (the wiring's, like every other handler's)."""
    return [TipEscalation(escalate_after, catalogues)]


# A digest names at most this many tips; the rest are counted.
CODES_SHOWN = 10


async def thread_digest(now: datetime, session: AsyncSession) -> Sequence[MemberMessage]:
    """The morning job: each officer who hears of a tip's thread (its handler, or while nobody
    took it, the officers of its commune and above) is told which tips' tipsters wrote since
    yesterday morning and how many messages, one digest a day; never what they wrote."""
    heard: dict[int, list[tuple[str, int]]] = defaultdict(list)
    locales: dict[int, str | None] = {}
    for tip in await tipster_messages_between(session, since=now - timedelta(days=1), until=now):
        if tip.handler_member_id is not None:
            listeners = [tip.handler_member_id]
        else:
            officers = await staff_over(session, tip.area_path, ("officer",))
            listeners = [officer.member_id for officer in officers]
            locales.update({officer.member_id: officer.locale for officer in officers})
        for member_id in dict.fromkeys(listeners):
            heard[member_id].append((format_tip_code(tip.code), tip.messages))
    today = now.astimezone(LOCAL_TIME).date().isoformat()
    messages = []
    for member_id, tips in heard.items():
        shown = names_list([f"{code} ({count})" for code, count in tips], CODES_SHOWN)
        messages.append(
            MemberMessage(
                member_id,
                DIGEST,
                f"digest:{today}:tip-threads:member-{member_id}",
                message_key=N_("digest.thread_messages"),
                params={
                    "count": sum(count for _, count in tips),
                    "tips": len(tips),
                    "codes": shown,
                },
            )
        )
    return messages


def tip_daily_jobs() -> list[Rule]:
    """The tip jobs of the morning run (with the officers' other digests)."""
    return [thread_digest]
