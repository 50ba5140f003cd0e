"""The bot's side of the movement's year: registrations, recognitions and grades stored, a
standing answered in a few lines and a chart, a report draft made and sent as a file.

Each handler asks the policy again, against the roles loaded in this very transaction, so a
stale conversation never writes what the member may no longer do. Zalo's bot platform cannot
send files: there the chart and the draft are replaced by a line saying where to get them.
"""

from __future__ import annotations

import asyncio

from bot.channels import CHANNELS_WITHOUT_FILES
from bot.effect_context import EffectContext, EffectHandler
from bot.movement_year.chart import coverage_chart, render_png
from bot.movement_year.reads import place_standing
from bot.movement_year.report import REPORT_DRAFTED, report_file_name, write_report
from bot.places import place_of
from bot.standard import store_registration
from conversations.effects import Effect
from conversations.i18n import N_
from conversations.localtime import local_today
from conversations.movement_year import (
    MakeReportDraft,
    RecordGrade,
    RecordRecognition,
    RegisterForStandard,
    ShowStanding,
    SpanOfYear,
    may_assess,
)
from conversations.movement_year.describe import describe_standing
from conversations.places import Place
from conversations.policy import Action, PolicyViolation
from conversations.replies import Document, Text
from storage.areas import area_by_id
from storage.movement_year import set_grade, set_recognition

GRADE_RECORDED = "year.grade"
RECOGNITION_RECORDED = "year.recognition"
OUTSIDE = "a standing outside the member's places"


async def register_for_standard(ctx: EffectContext, effect: RegisterForStandard) -> None:
    refused = "registering an area the member does not lead"
    await store_registration(
        ctx,
        Action.REGISTER_STANDARD,
        refused,
        effect.area_id,
        effect.year,
        households=effect.households,
        registered_on=effect.registered_on,
        late=effect.late,
    )


async def assessed_place(ctx: EffectContext, area_id: int) -> Place:
    area = await area_by_id(ctx.session, area_id)
    if area is None or not may_assess(ctx.member.roles, place_of(area)):
        raise PolicyViolation("assessing a unit the member is not above")
    return place_of(area)


async def record_recognition(ctx: EffectContext, effect: RecordRecognition) -> None:
    place = await assessed_place(ctx, effect.area_id)
    await set_recognition(
        ctx.session,
        place.id,
        effect.year,
        recognised=effect.recognised,
        member_id=ctx.member.id,
        now=ctx.now,
    )
    await ctx.audit(
        RECOGNITION_RECORDED, subject_kind="area", subject_id=place.id, area_id=place.id
    )


async def record_grade(ctx: EffectContext, effect: RecordGrade) -> None:
    place = await assessed_place(ctx, effect.area_id)
    await set_grade(
        ctx.session, place.id, effect.year, grade=effect.grade, member_id=ctx.member.id, now=ctx.now
    )
    await ctx.audit(GRADE_RECORDED, subject_kind="area", subject_id=place.id, area_id=place.id)


async def show_standing(ctx: EffectContext, effect: ShowStanding) -> None:
    span = SpanOfYear.parse(effect.span)
    if span is None:
        raise ValueError(f"not a span: {effect.span!r}")

    today = local_today(ctx.now)
    files = ctx.message.channel not in CHANNELS_WITHOUT_FILES
    for path in effect.place_paths:
        place = await ctx.place_where(Action.LATE_REPORTS, OUTSIDE, path=path)
        year = ctx.year
        standing = await place_standing(
            ctx.session, place, span, today, book=year.book, calendar=year.calendar
        )
        ctx.replies.append(Text(describe_standing(standing, ctx.text, ctx.locale)))
        if files and standing.bars:
            png = await asyncio.to_thread(render_png, coverage_chart(standing, ctx.text))
            caption = ctx.text(N_("year.chart.caption"), place=standing.place_name)
            ctx.replies.append(Document(caption, f"chitieu-{place.code}-{span.key}.png", png))
    if not files:
        ctx.say(N_("year.no_files_here"))


async def make_report_draft(ctx: EffectContext, effect: MakeReportDraft) -> None:
    if ctx.message.channel in CHANNELS_WITHOUT_FILES:
        ctx.say(N_("year.no_files_here"))
        return
    place = await ctx.place_where(Action.ASSESS_UNITS, OUTSIDE, path=effect.place_path)
    span = SpanOfYear.parse(effect.span)
    if span is None:
        raise ValueError(f"not a span: {effect.span!r}")
    data = await write_report(
        ctx.session,
        place,
        span,
        local_today(ctx.now),
        ctx.catalogues,
        book=ctx.year.book,
        calendar=ctx.year.calendar,
        reports=ctx.year.reports,
        recipients=ctx.year.recipients,
    )
    await ctx.audit(REPORT_DRAFTED, subject_kind="report", area_id=place.id)
    caption = ctx.text(N_("year.report.ready"), place=place.full_name)
    ctx.replies.append(Document(caption, report_file_name(place, span), data))


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {
    RegisterForStandard: register_for_standard,
    RecordRecognition: record_recognition,
    RecordGrade: record_grade,
    ShowStanding: show_standing,
    MakeReportDraft: make_report_draft,
}
