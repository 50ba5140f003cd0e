"""The bot's side of the monthly update of residential areas.

Reads for the engine (a reader the processor's records hold) and the effects' handlers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.effect_context import EffectContext, EffectHandler
from conversations.effects import Effect
from conversations.monthly_reports import FiledReport, FileMonthlyReport
from conversations.policy import Action, PolicyViolation, may
from storage.areas import area_by_id
from storage.monthly_reports import NewReport, correct_report, find_report, insert_report


@dataclass(frozen=True)
class ReportRecords:
    """Reads of the monthly update of residential areas."""

    session: AsyncSession

    async def monthly_report(self, area_id: int, period: str) -> FiledReport | None:
        record = await find_report(self.session, area_id, period)
        if record is None:
            return None
        return FiledReport(
            id=record.id,
            area_id=record.area_id,
            period=record.period,
            version=record.version,
            late=record.late,
            filed_at=record.filed_at,
            filed_by_name=record.filed_by_name,
            updated_at=record.updated_at,
            values=record.values,
        )


async def file_monthly_report(ctx: EffectContext, effect: FileMonthlyReport) -> None:
    """Store a new update or a correction; a race with another leader raises ReportTaken,
    and the processor runs the message again (the flow then shows what was filed)."""
    area = await area_by_id(ctx.session, effect.area_id)
    if area is None or not may(ctx.member.roles, Action.MONTHLY_UPDATE, area.path):
        raise PolicyViolation("monthly update outside the member's areas")
    if effect.version is None:
        report = NewReport(
            area_id=effect.area_id,
            period=effect.period,
            deadline=effect.deadline,
            late=effect.late,
            member_id=ctx.member.id,
            values=effect.values,
        )
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
