"""/export (xuất file) and /overview (tổng quan): officers and admins of a place.

/export asks what and in which format, then the bot makes the file from the database and
sends it in the chat; /overview answers with a period's compliance in a few lines. Both cover
every place where the member's roles allow it, nested places counted once.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from conversations.calendar import (
    ReportCalendar,
    period_of,
    previous_period,
    shown_period,
)
from conversations.exports import (
    ComplianceTally,
    ExportFormat,
    ExportKind,
    MakeExport,
    OpinionTally,
    outermost,
    recent_days,
)
from conversations.fields import Choice, ChoiceOption
from conversations.flow import Completion, Flow, FlowContext, NextFlow, Step
from conversations.i18n import N_, shown_number
from conversations.places import Place
from conversations.policy import Action, scopes
from conversations.replies import Text

WHAT = Choice(
    ChoiceOption(
        ExportKind.REPORTS_CURRENT,
        N_("export.what.reports_current"),
        ("bao cao", "bao cao thang", "thang nay", "ky nay", "reports"),
    ),
    ChoiceOption(
        ExportKind.REPORTS_PREVIOUS,
        N_("export.what.reports_previous"),
        ("thang truoc", "ky truoc", "previous"),
    ),
    ChoiceOption(
        ExportKind.TIPS,
        N_("export.what.tips"),
        ("tin bao", "tips"),
        params=(("days", recent_days(ExportKind.TIPS)),),
    ),
    ChoiceOption(
        ExportKind.ACTIVITIES,
        N_("export.what.activities"),
        ("hoat dong", "mo hinh", "activities"),
        params=(("days", recent_days(ExportKind.ACTIVITIES)),),
    ),
    ChoiceOption(
        ExportKind.EVENTS,
        N_("export.what.events"),
        ("su kien", "events"),
        params=(("days", recent_days(ExportKind.EVENTS)),),
    ),
    ChoiceOption(
        ExportKind.YEAR, N_("export.what.year"), ("nam", "xep loai", "chi tieu", "grades")
    ),
)
FORMAT = Choice(
    ChoiceOption(ExportFormat.XLSX, N_("export.format.xlsx"), ("excel", "xlsx", "xls")),
    ChoiceOption(ExportFormat.CSV, N_("export.format.csv"), ("csv",)),
)

CURRENT, PREVIOUS = "current", "previous"
# The first half and the whole year are answered by the movement's year (the "standing" flow,
# started by name: the features do not import one another).
HALF_YEAR, YEAR = "half_year", "year"
STANDING_FLOW = "standing"
PERIOD = Choice(
    ChoiceOption(CURRENT, N_("overview.period.current"), ("ky nay", "thang nay", "hien tai")),
    ChoiceOption(PREVIOUS, N_("overview.period.previous"), ("ky truoc", "thang truoc")),
    ChoiceOption(HALF_YEAR, N_("overview.period.half_year"), ("6 thang", "sau thang")),
    ChoiceOption(YEAR, N_("overview.period.year"), ("ca nam", "nam nay", "nam")),
)


async def reporting_period(
    choice: str, places: list[Place], calendar: ReportCalendar, ctx: FlowContext
) -> str:
    """The month shown by default in the member's places (``ReportCalendar.default_period``,
    the latest of them), or the one before it."""
    current = period_of(ctx.today)
    shown = max(
        [
            calendar.default_period(
                ctx.today, place.path, await ctx.records.exports.latest_filed(place, current)
            )
            for place in places
        ]
    )
    return shown if choice == CURRENT else previous_period(shown)


async def make_export(
    answers: dict[str, Any], ctx: FlowContext, calendar: ReportCalendar
) -> Completion:
    places = outermost(scopes(ctx.member.roles, Action.EXPORT))
    if not places:
        return Completion(replies=[Text(ctx.t(N_("policy.denied")))])
    kind = ExportKind(answers["what"])
    period = deadline = days = None
    if kind in (ExportKind.REPORTS_CURRENT, ExportKind.REPORTS_PREVIOUS):
        choice = CURRENT if kind is ExportKind.REPORTS_CURRENT else PREVIOUS
        period = await reporting_period(choice, places, calendar, ctx)
        # One province's deadline day holds for all of its places.
        deadline = calendar.deadline(period, places[0].path)
    elif kind is ExportKind.YEAR:
        # A year's review runs into January and February of the next.
        period = str(ctx.today.year - 1 if ctx.today.month <= 2 else ctx.today.year)
    else:
        days = recent_days(kind.value)
    effect = MakeExport(
        kind=kind,
        format=ExportFormat(answers["format"]),
        place_paths=tuple(place.path for place in places),
        period=period,
        deadline=deadline,
        days=days,
    )
    return Completion(replies=[Text(ctx.t(N_("export.preparing")))], effects=[effect])


def export_flow(calendar: ReportCalendar | None = None) -> Flow:
    complete = partial(make_export, calendar=calendar or ReportCalendar())
    return Flow(
        "export",
        title=N_("menu.export"),
        steps=[
            Step("what", N_("export.ask_what"), WHAT, title=N_("export.what")),
            Step("format", N_("export.ask_format"), FORMAT, title=N_("export.format")),
        ],
        complete=complete,
        confirm=False,
        commands=("export", "xuatfile", "xuat"),
        action=Action.EXPORT,
    )


def percent(share: float, locale: str) -> str:
    """82.5 (en) or 82,5 (vi)."""
    shown = f"{share * 100:.1f}"
    return shown.replace(".", ",") if locale == "vi" else shown


def describe(tally: ComplianceTally, ctx: FlowContext) -> str:
    """A place's compliance in a few lines."""
    lines = [
        ctx.t(N_("overview.title"), place=tally.place_name, period=shown_period(tally.period)),
        ctx.t(
            N_("overview.filing"),
            areas=tally.areas,
            on_time=tally.on_time,
            late=tally.late,
            not_yet=tally.not_yet,
            missing=tally.missing,
        ),
    ]
    if tally.missing_names:
        names = ", ".join(tally.missing_names)
        unfiled = tally.not_yet + tally.missing
        if unfiled > len(tally.missing_names):
            names += ctx.t(N_("overview.and_more"), count=unfiled - len(tally.missing_names))
        lines.append(ctx.t(N_("overview.unfiled_names"), names=names))
    lines += coverage_lines(tally, ctx)
    lines.append(
        ctx.t(
            N_("overview.models_registered"),
            registered=tally.registered_models,
            active=tally.active_models,
            reported=tally.reported_models,
        )
    )
    if tally.communes:
        lines.append(
            ctx.t(
                N_("overview.models"), with_model=tally.communes_with_model, communes=tally.communes
            )
        )
    return "\n".join(lines)


COVERAGE_VERDICTS = {
    True: N_("overview.met"),
    False: N_("overview.not_met"),
    None: N_("overview.undetermined"),
}


def coverage_lines(tally: ComplianceTally, ctx: FlowContext) -> list[str]:
    """The pledge coverage over every area of the place; the areas that have not filed are
    said to be unknown rather than left out."""
    share = tally.coverage
    if share is None:
        return [ctx.t(N_("overview.coverage_unknown"))]
    lines = [
        ctx.t(
            N_("overview.coverage"),
            percent=percent(share, ctx.locale),
            pledged=shown_number(tally.pledged, ctx.locale),
            households=shown_number(tally.households, ctx.locale),
            verdict=ctx.t(COVERAGE_VERDICTS[tally.coverage_met]),
        )
    ]
    unfiled = tally.not_yet + tally.missing
    if unfiled and tally.unfiled_without_households:
        lines.append(
            ctx.t(
                N_("overview.coverage_unfiled_uncounted"),
                areas=unfiled,
                households=shown_number(tally.unfiled_households, ctx.locale),
                uncounted=tally.unfiled_without_households,
            )
        )
    elif unfiled:
        households = shown_number(tally.unfiled_households, ctx.locale)
        lines.append(ctx.t(N_("overview.coverage_unfiled"), areas=unfiled, households=households))
    return lines


def opinion_lines(tally: OpinionTally, ctx: FlowContext) -> list[str]:
    """The period's opinions and proposals, when there were any: received, answered, done,
    and per subject."""
    if not tally.received:
        return []
    subjects = ", ".join(f"{ctx.t(label)} {count}" for label, count in tally.by_subject)
    figures = {"received": tally.received, "answered": tally.answered, "done": tally.done}
    return [ctx.t(N_("opinions.overview"), subjects=subjects, **figures)]


async def show_overview(
    answers: dict[str, Any], ctx: FlowContext, calendar: ReportCalendar
) -> Completion:
    places = outermost(scopes(ctx.member.roles, Action.LATE_REPORTS))
    if not places:
        return Completion(replies=[Text(ctx.t(N_("policy.denied")))])
    if answers["period"] in (HALF_YEAR, YEAR):
        # "6 tháng" / "cả năm": the targets' standing of the span, with its chart.
        year = ctx.today.year - 1 if ctx.today.month <= 2 else ctx.today.year
        span = f"{year:04d}-H1" if answers["period"] == HALF_YEAR else f"{year:04d}"
        return Completion(next_flow=NextFlow(STANDING_FLOW, span))
    period = await reporting_period(answers["period"], places, calendar, ctx)
    texts = []
    for place in places:
        deadline = calendar.deadline(period, place.path)
        tally = await ctx.records.exports.compliance(place, period, ctx.today, deadline)
        opinions = await ctx.records.exports.opinions(place, period)
        texts.append("\n".join([describe(tally, ctx), *opinion_lines(opinions, ctx)]))
    # The month's targets and the chart follow (the movement's year's standing).
    return Completion(replies=[Text("\n\n".join(texts))], next_flow=NextFlow(STANDING_FLOW, period))


def overview_flow(calendar: ReportCalendar | None = None) -> Flow:
    complete = partial(show_overview, calendar=calendar or ReportCalendar())
    return Flow(
        "overview",
        title=N_("menu.overview"),
        steps=[Step("period", N_("overview.ask_period"), PERIOD, title=N_("overview.period"))],
        complete=complete,
        confirm=False,
        commands=("overview", "tongquan"),
        action=Action.LATE_REPORTS,
    )
