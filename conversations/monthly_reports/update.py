"""A leader's monthly update (báo cáo tháng) of their residential area.

Counts come a page at a time ("3 120 2"), an amount of money and two optional texts follow,
then a summary whose every line can be changed by its number. One update per area and month:
a leader who opens the update of an area already filed sees it and may correct it until the
end of the deadline day, or for the calendar's ``correction_hours`` after it was filed when
that is later (a late update can still be put right); after that, it is shown and closed.
A draft lives a month, across restarts.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from conversations.calendar import ReportCalendar, previous_period, shown_period
from conversations.choosing import LED_AREA, ForOneLedArea, LedArea
from conversations.fields import FieldContext
from conversations.flow import SUMMARY, Answers, Completion, Flow, FlowContext, Redirect, Step
from conversations.i18n import N_
from conversations.localtime import end_of_day, shown, shown_date
from conversations.monthly_reports import (
    COUNT_FIELDS,
    MONEY_FIELD,
    PAGES,
    TEXT_FIELDS,
    FiledReport,
    FileMonthlyReport,
)
from conversations.monthly_reports.fields import (
    KNOWN_FIGURES,
    LAST_MONTH,
    Figures,
    Money,
    optional_text,
)
from conversations.policy import Action
from conversations.replies import Text

AREA = LED_AREA
DRAFT_LIFETIME = timedelta(days=31)
MAX_MODELS_COUNTED = 100  # more registered models than this in one area is not a hamlet


def answers_of(report: FiledReport) -> dict[str, Any]:
    """A filed update as the flow's answers, to show and correct it."""
    answers: dict[str, Any] = {
        page.name: {figure.key: report.values[figure.key] for figure in page.figures}
        for page in PAGES
    }
    answers[MONEY_FIELD] = report.values[MONEY_FIELD]
    for name in TEXT_FIELDS:
        answers[name] = report.values[name] or ""
    return answers


def values_of(answers: Answers) -> dict[str, Any]:
    """The flow's answers as the stored update's columns."""
    values: dict[str, Any] = {}
    for page in PAGES:
        values.update(answers[page.name])
    values[MONEY_FIELD] = answers[MONEY_FIELD]
    for name in TEXT_FIELDS:
        values[name] = answers[name] or None
    return values


def filer(filed: FiledReport, ctx: FlowContext) -> str:
    """Who filed an update, as the leader reading it is told: "anh/chị" for themselves."""
    if filed.filed_by is not None and filed.filed_by == ctx.member.id:
        return ctx.t(N_("report.you"))
    return filed.filed_by_name or ctx.t(N_("report.someone"))


class MonthlyReportFlow(ForOneLedArea):
    """The flow's hooks, bound to the report calendar (deadlines are settings)."""

    def __init__(self, calendar: ReportCalendar) -> None:
        self.calendar = calendar

    no_area = N_("report.no_area")

    async def open_area(self, area: dict[str, Any], ctx: FlowContext) -> Redirect:
        """Start the update of ``area`` for the current period, or show the one filed."""
        period = self.calendar.period_for(ctx.today, area["path"])
        deadline = self.calendar.deadline(period, area["path"])
        filed = await ctx.records.monthly_reports.monthly_report(area["area_id"], period)
        chosen = {**area, "period": period, "version": filed.version if filed else None}
        params = {
            "area": area["name"],
            "period": shown_period(period),
            "deadline": shown_date(deadline),
        }
        if filed is None:
            key = N_("report.late_start") if ctx.today > deadline else N_("report.start")
            known = {
                KNOWN_FIGURES: await self.known_figures(area, ctx),
                LAST_MONTH: await self.last_month(area, period, ctx),
            }
            return Redirect(answers={AREA: chosen, **known}, replies=[Text(ctx.t(key, **params))])
        until = self.calendar.correctable_until(period, area["path"], filed.filed_at)
        params |= {
            "who": filer(filed, ctx),
            "filed_at": shown(filed.filed_at),
            "hours": self.calendar.correction_hours,
            "until": shown(until),
        }
        if ctx.now >= until:
            closed = ctx.t(N_("report.filed_closed"), **params)
            return Redirect(replies=[Text(closed), Text(self.describe(filed, ctx))], stop=True)
        # Within the deadline the day is what a leader remembers; past it, the hours left.
        key = (
            N_("report.filed_correctable")
            if until == end_of_day(deadline)
            else N_("report.filed_correctable_after_deadline")
        )
        return Redirect(
            answers={AREA: chosen, **answers_of(filed)},
            replies=[Text(ctx.t(key, **params))],
            step=SUMMARY,
        )

    @staticmethod
    async def last_month(area: dict[str, Any], period: str, ctx: FlowContext) -> dict[str, int]:
        """The counts of the area's update of the month before, if it was filed."""
        filed = await ctx.records.monthly_reports.monthly_report(
            area["area_id"], previous_period(period)
        )
        return {key: filed.values[key] for key in COUNT_FIELDS} if filed is not None else {}

    @staticmethod
    async def known_figures(area: dict[str, Any], ctx: FlowContext) -> dict[str, int]:
        """What the records already say of the area: its households as imported, and its
        registered models (so the update's figure agrees with them unless it changed)."""
        known: dict[str, int] = {}
        households = await ctx.records.monthly_reports.area_households(area["area_id"])
        if households is not None:
            known["households"] = households
        models = await ctx.records.security_models.models_within(
            area["path"], query=None, limit=MAX_MODELS_COUNTED
        )
        if models:
            known["models_active"] = len(models)
        return known

    def describe(self, filed: FiledReport, ctx: FlowContext) -> str:
        """A filed update as lines of text (when it can no longer be changed)."""
        fields = ctx.fields
        answers = answers_of(filed)
        lines = []
        for step in report_steps(self):
            if step.name in answers:
                for label, value in step.field.summary_items(answers[step.name], fields):
                    lines.append(f"• {ctx.t(label or step.title)}: {value}")
        return "\n".join(lines)

    async def complete(self, answers: dict[str, Any], ctx: FlowContext) -> Completion:
        area = answers[AREA]
        period = area["period"]
        deadline = self.calendar.deadline(period, area["path"])
        filed = await ctx.records.monthly_reports.monthly_report(area["area_id"], period)
        late = ctx.today > deadline
        params = {"area": area["name"], "period": shown_period(period)}
        if filed is not None and ctx.now >= self.calendar.correctable_until(
            period, area["path"], filed.filed_at
        ):
            closed = ctx.t(
                N_("report.correction_closed"),
                deadline=shown_date(deadline),
                hours=self.calendar.correction_hours,
                **params,
            )
            return Completion(replies=[Text(closed), Text(self.describe(filed, ctx))])
        if filed is not None and filed.version != area["version"]:
            # Another leader of the area filed or corrected it meanwhile: show theirs.
            changed = ctx.t(N_("report.changed_meanwhile"), who=filer(filed, ctx), **params)
            return Completion(
                redirect=Redirect(
                    answers={AREA: {**area, "version": filed.version}, **answers_of(filed)},
                    replies=[Text(changed)],
                    step=SUMMARY,
                )
            )
        effect = FileMonthlyReport(
            area_id=area["area_id"],
            period=period,
            values=values_of(answers),
            version=area["version"] if filed is not None else None,
            deadline=deadline,
            late=late and filed is None,
        )
        if filed is not None:
            key = N_("report.corrected")
        elif late:
            key = N_("report.filed_late")
        else:
            key = N_("report.filed")
        return Completion(replies=[Text(ctx.t(key, **params))], effects=[effect])

    @staticmethod
    def heading(answers: Answers, fields: FieldContext) -> str:
        area = answers.get(AREA) or {}
        if not area:
            return ""
        return fields.t(
            N_("report.heading"), area=area["name"], period=shown_period(area["period"])
        )


def report_steps(hooks: MonthlyReportFlow) -> list[Step]:
    """The questions in the order a leader meets them."""
    steps = [
        Step(
            AREA,
            N_("report.ask.area"),
            # Shown in the summary's heading: another area is another report.
            LedArea(in_summary=False),
            title=N_("report.title.area"),
            after=hooks.area_chosen,
        )
    ]
    steps += [
        Step(page.name, page.prompt, Figures(page), title=page.title, help=N_("report.help.page"))
        for page in PAGES
    ]
    steps += [
        Step(
            MONEY_FIELD,
            N_("report.ask.money"),
            Money(),
            title=N_("report.field.money_mobilised"),
            help=N_("report.help.money"),
        ),
        Step(
            "notable_events",
            N_("report.ask.notable_events"),
            optional_text(),
            title=N_("report.field.notable_events"),
        ),
        Step(
            "proposals",
            N_("report.ask.proposals"),
            optional_text(),
            title=N_("report.field.proposals"),
        ),
    ]
    return steps


def monthly_report_flow(calendar: ReportCalendar | None = None) -> Flow:
    hooks = MonthlyReportFlow(calendar or ReportCalendar())
    return Flow(
        "monthly_report",
        title=N_("menu.monthly_report"),
        commands=("baocao", "baocaothang", "report"),
        action=Action.MONTHLY_UPDATE,
        complete=hooks.complete,
        steps=report_steps(hooks),
        begin=hooks.begin,
        heading=hooks.heading,
        draft_ttl=DRAFT_LIFETIME,
        edit_by_number=True,
    )
