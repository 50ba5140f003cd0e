"""The bot's side of the monthly update of residential areas.

Reads for the engine (a reader the processor's records hold) and the effects' handlers."""

from __future__ import annotations

from bot.effect_context import EffectContext, EffectHandler
from bot.rows import from_row
from conversations.effects import Effect
from conversations.localtime import local_today
from conversations.monthly_reports import FileMonthlyReport
from conversations.policy import Action
from storage.monthly_reports import NewReport, correct_report, insert_report

# The audit log's actions for a filed update changed: before its deadline, and after it (in
# the correction window of ``ReportCalendar.correction_hours``), so that figures that moved
# after a commune may have compiled them can be found.
REPORT_CORRECTED = "report.corrected"
REPORT_CORRECTED_LATE = "report.corrected_late"


async def file_monthly_report(ctx: EffectContext, effect: FileMonthlyReport) -> None:
    """Store a new update or a correction (audited); a race with another leader raises
    ReportTaken, and the processor runs the message again (the flow then shows what was
    filed)."""
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
        late = local_today(ctx.now) > effect.deadline
        await ctx.audit(
            REPORT_CORRECTED_LATE if late else REPORT_CORRECTED,
            subject_kind="monthly_report",
            area_id=effect.area_id,
        )


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {FileMonthlyReport: file_monthly_report}
