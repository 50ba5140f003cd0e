"""Who hears of what happens on a tip's thread, and the notice they get: shared by the tip's
thread (``bot.tips``) and a sender's answer to an invitation to be commended
(``bot.commendations``). A notice names the tip's code, never its sender.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import MemberMessage, queue_for_member
from conversations.fields import format_tip_code
from storage.areas import area_by_id
from storage.delivery.outbox import TIP_NOTICE
from storage.tips import TipRecord, staff_over


async def officers_to_tell(session: AsyncSession, tip: TipRecord) -> list[int]:
    """Who hears of a tipster's message: the tip's handler (who took it last: taking a tip
    over hands its thread over), or while nobody has taken it, the officers of its commune
    and of the places above it (as for a new tip)."""
    if tip.handler_member_id is not None:
        return [tip.handler_member_id]
    area = await area_by_id(session, tip.area_id) if tip.area_id is not None else None
    if area is None:
        return []
    officers = await staff_over(session, area.path, ("officer",))
    return [officer.member_id for officer in officers]


async def tell_officers(
    session: AsyncSession, tip: TipRecord, key: str, occasion: str, now: datetime
) -> None:
    """A tip notice to the officers who hear of its thread: at once, at any hour."""
    code = format_tip_code(tip.code)  # shown as everywhere else, dash included
    params = {"code": code, "command": f"/xemtin {code}"}
    for officer_id in await officers_to_tell(session, tip):
        notice = MemberMessage(
            officer_id, TIP_NOTICE, f"{occasion}:{officer_id}", message_key=key, params=params
        )
        await queue_for_member(session, notice, now=now)
