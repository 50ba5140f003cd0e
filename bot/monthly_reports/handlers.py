"""The bot's side of the monthly update of residential areas.

Reads for the engine (a reader the processor's records hold) and the effects' handlers."""

from __future__ import annotations

from bot.effect_context import EffectContext, EffectHandler
from bot.rows import from_row
from conversations.effects import Effect
from conversations.monthly_reports import FileMonthlyReport
from conversations.policy import Action
from storage.monthly_reports import NewReport, correct_report, insert_report


async def file_monthly_report(ctx: EffectContext, effect: FileMonthlyReport) -> None:
    """Store a new update or a correction; a race with another leader raises ReportTaken,
    and the processor runs the message again (the flow then shows what was filed)."""
    refused = "monthly update outside the member's areas"
    await ctx.place_where(Action.MONTHLY_UPDATE, refused, area_id=effect.area_id)
    if effect.version is None:
        report = from_row(NewReport, effect, member_id=ctx.member.id)
        await insert_report(ctx.session, report, now=ctx.now)
    else:
        await correct_report(
            ctx.session,
            area_id=effect.area_id,
            period=effect.period,
            version=effect.version,
            member_id=ctx.member.id,
            values=effect.values,
            now=ctx.now,
        )


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {FileMonthlyReport: file_monthly_report}
