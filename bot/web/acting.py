"""The console's actions are the chat's: the same effects, through the one effect table.

A button in the browser builds the effect the chat's flow would (``TakeTip``,
``ChangeTipStatus``, ``AskTipster``, ``CancelBroadcast``, ``RecordTipView``) and has the bot
perform it in one transaction, exactly as the processor does for a message; the handlers ask
the policy again and write the audit log. What a handler says (somebody else was quicker) is
returned to be shown on the page.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.effect_context import EffectContext
from bot.effects import EFFECT_HANDLERS
from bot.sealing import Sealer
from bot.targets import YearSettings
from conversations.effects import Effect
from conversations.i18n import Catalogues
from conversations.ports import Member
from conversations.replies import Inbound

# The channel an effect's context names when the console caused it (no chat to answer in).
WEB_CHANNEL = "web"


async def perform(
    session: AsyncSession,
    member: Member,
    effect: Effect,
    *,
    now: datetime,
    sealer: Sealer,
    catalogues: Catalogues,
    year: YearSettings,
) -> list[str]:
    """Perform ``effect`` for ``member`` in ``session``'s transaction; what its handler said."""
    caller = str(member.id)
    message = Inbound(WEB_CHANNEL, chat_id=caller, user_id=caller)
    context = EffectContext(session, member, message, now, sealer, catalogues=catalogues, year=year)
    await EFFECT_HANDLERS[type(effect)](context, effect)
    return [reply.text for reply in context.replies]
