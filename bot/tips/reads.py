"""The engine's reads of tips: the officers' inbox, one tip, and the sender's own status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.rows import from_row
from bot.sealing import Sealer
from conversations.localtime import shown_date
from conversations.tips import (
    REJECTED,
    STATUS_THREAD_LINES,
    InboxAttachment,
    InboxLine,
    InboxTip,
    ThreadLine,
    TipHandler,
    TipStatus,
    handler_role,
)
from storage.areas import area_by_id
from storage.delivery.outbox import TIP_NOTICE, reachable_identity
from storage.people.roles import active_roles
from storage.tips import (
    ThreadMessage,
    TipRecord,
    find_tip_by_code,
    last_outcome,
    list_inbox_within,
    member_display_name,
    thread_messages_since,
    tip_thread,
)
from storage.tips.invites import invited


def thread_lines(messages: list[ThreadMessage]) -> tuple[ThreadLine, ...]:
    """A thread as the conversations see it: the side, the text, how many files, when."""
    return tuple(
        ThreadLine(
            m.direction,
            m.text,
            len(m.attachments),
            m.created_at,
            m.important,
            None if m.latitude is None or m.longitude is None else (m.latitude, m.longitude),
            tuple(str(f["caption"]) for f in m.attachments if f.get("caption")),
        )
        for m in messages
    )


def _occurred(tip: TipRecord) -> str | None:
    parts = []
    if tip.occurred_time:
        parts.append(tip.occurred_time)
    if tip.occurred_date:
        parts.append(shown_date(tip.occurred_date))
    return " ".join(parts) or None


async def load_inbox_tip(session: AsyncSession, tip: TipRecord) -> InboxTip:
    """``tip`` as staff see it: place, handler, the reason of a rejection and its thread."""
    area = await area_by_id(session, tip.area_id) if tip.area_id is not None else None
    handler = None
    handler_grants: frozenset[int] = frozenset()
    if tip.handler_member_id is not None:
        name = await member_display_name(session, tip.handler_member_id)
        roles = await active_roles(session, tip.handler_member_id)
        handler_grants = frozenset(role.id for role in roles)
        role = handler_role(held.role for held in roles)
        handler = TipHandler(tip.handler_member_id, name, role)
    outcome = tip.status
    if tip.status == REJECTED:
        outcome = await last_outcome(session, tip.id) or REJECTED
    place_name = None
    if area is not None:
        place_name = f"{area.name}, {area.parent_name}" if area.parent_name else area.name
    return from_row(
        InboxTip,
        tip,
        outcome=outcome,
        place_path=area.path if area is not None else "",
        place_name=place_name,
        occurred=_occurred(tip),
        contact_phone=None if tip.anonymous else tip.contact_phone,
        attachments=tuple(
            InboxAttachment(item.kind, item.channel, item.file_id, item.caption)
            for item in tip.attachments
        ),
        handler=handler,
        handler_grant_ids=handler_grants,
        note=tip.status_note,
        thread=thread_lines(await tip_thread(session, tip.id)),
        reachable=await sender_reachable(session, tip),
    )


async def sender_reachable(session: AsyncSession, tip: TipRecord) -> bool:
    """Does anything still reach the tip's sender: a named sender's account that accepts tip
    news, or an anonymous tip's sealed route? Not once they erased their data, blocked the
    bot on every account, or the route was erased after the tip was closed."""
    if tip.member_id is not None:
        return await reachable_identity(session, tip.member_id, kind=TIP_NOTICE) is not None
    return tip.sender_route is not None


async def tip_handler(
    session: AsyncSession, member_id: int | None, name: str | None
) -> TipHandler | None:
    """The handler ``member_id`` (named ``name``) as staff see them; an unnamed one by role."""
    if member_id is None:
        return None
    role = None
    if not name:
        role = handler_role(held.role for held in await active_roles(session, member_id))
    return TipHandler(member_id, name, role)


@dataclass(frozen=True)
class TipInboxRecords:
    """Reads of the officers' tip inbox."""

    session: AsyncSession
    sealer: Sealer

    async def tip_status(self, code: str) -> TipStatus | None:
        tip = await find_tip_by_code(self.session, code)
        if tip is None:
            return None
        thread = await tip_thread(self.session, tip.id)
        return TipStatus(
            tip.code,
            tip.status,
            tip.received_at,
            thread_lines(thread[-STATUS_THREAD_LINES:]),
            thread_ended=tip.thread_ended_at is not None,
            commendation_invited=await invited(self.session, tip.id),
        )

    async def thread_messages_since(self, code: str, direction: str, since: datetime) -> int:
        tip = await find_tip_by_code(self.session, code)
        if tip is None:
            return 0
        return await thread_messages_since(self.session, tip.id, direction=direction, since=since)

    async def inbox_tip(self, code: str) -> InboxTip | None:
        tip = await find_tip_by_code(self.session, code)
        return None if tip is None else await load_inbox_tip(self.session, tip)

    async def inbox_lines(self, path: str, *, limit: int) -> list[InboxLine]:
        rows = await list_inbox_within(self.session, path, limit=limit)
        return [
            InboxLine(
                row.code,
                row.category,
                row.status,
                row.received_at,
                await tip_handler(self.session, row.handler_member_id, row.handler_name),
            )
            for row in rows
        ]
