"""``antq overview``, ``antq report`` and ``antq targets``: where a place stands against the
plan's targets (text, and a PNG chart), the 6-month or yearly report draft as DOCX, and the
targets in force.

The command line is the operator's: no role is needed; a report drafted here is audited with
no actor, as exports are.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commandline import audit_operator, in_transaction
from bot.movement_year.chart import coverage_chart, render_png
from bot.movement_year.reads import place_standing
from bot.movement_year.report import REPORT_DRAFTED, report_file_name, write_report
from bot.places import place_of
from bot.settings import Settings
from bot.targets import YearSettings
from conversations.calendar import ReportCalendar, period_of
from conversations.i18n import SUPPORTED_LOCALES, Catalogues
from conversations.localtime import local_today
from conversations.movement_year import SpanOfYear, Standing
from conversations.movement_year.describe import describe_standing, whole_percent
from conversations.places import COMMUNE, PROVINCE, Place
from conversations.targets import TARGETS, BadTargets, Measure, Span, read_overrides_file
from storage.areas import area_by_code
from storage.exports import latest_period_filed
from storage.tables import utcnow

AreaOption = Annotated[str, typer.Option("--area", help="code of the commune or province")]
LangOption = Annotated[str, typer.Option("--lang", help="vi or en")]


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(1)


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:  # a wrong threshold or deadline, with its reason
        reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise _fail(f"settings refused: {reasons}") from None


async def _place(session: AsyncSession, code: str) -> Place:
    area = await area_by_code(session, code)
    if area is None or area.kind not in (COMMUNE, PROVINCE):
        raise _fail(f"no commune or province with code {code!r} (antq areas find NAME)")
    return place_of(area)


async def default_span(
    session: AsyncSession, place: Place, today: date, calendar: ReportCalendar
) -> SpanOfYear:
    """The month shown when none is asked for, as the chat and the web console show it
    (``ReportCalendar.default_period``)."""
    latest = await latest_period_filed(session, place.path, period_of(today))
    return SpanOfYear.of_period(calendar.default_period(today, place.path, latest))


def _span(text: str) -> SpanOfYear:
    span = SpanOfYear.parse(text)
    if span is None:
        raise _fail(
            f"--period is a year (2026), a first half (2026-H1) or a month (2026-05), not {text!r}"
        )
    return span


def overview(
    area: AreaOption,
    period: Annotated[
        str | None,
        typer.Option(
            help="2026 (the year), 2026-H1 (the first half) or 2026-05 (default: the latest"
            " month whose updates are due or filed, as /tongquan and the web console)"
        ),
    ] = None,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="also write the chart as a PNG file")
    ] = None,
    lang: LangOption = "vi",
) -> None:
    """Where a commune or province stands against the plan's targets: each target's figure,
    threshold and verdict (met, not met, or unknown and what is missing)."""
    if lang not in SUPPORTED_LOCALES:
        raise _fail(f"unknown language {lang!r}; one of: {', '.join(SUPPORTED_LOCALES)}")
    settings = _settings()
    catalogues = Catalogues.load()
    today = local_today(utcnow())
    asked = _span(period) if period is not None else None

    def t(key: str, **params: object) -> str:
        return catalogues.text(lang, key, **params)

    year = YearSettings.of(settings)

    async def read(session: AsyncSession) -> Standing:
        place = await _place(session, area)
        span = asked or await default_span(session, place, today, settings.report_calendar)
        return await place_standing(
            session, place, span, today, book=year.book, calendar=year.calendar
        )

    standing = in_transaction(read)
    typer.echo(describe_standing(standing, t, lang))
    if chart is not None:
        chart.write_bytes(render_png(coverage_chart(standing, t)))
        typer.echo(f"chart: {chart}")


class ReportKind(StrEnum):
    HALF_YEAR = "half-year"
    YEAR = "year"


def report(
    kind: Annotated[ReportKind, typer.Argument(help="half-year or year")],
    area: AreaOption,
    year: Annotated[int | None, typer.Option(help="the year (default: this one)")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="file to write (default: a telling name)")
    ] = None,
) -> None:
    """The draft of the 6-month or yearly report of a commune or province, as DOCX (in
    Vietnamese, every figure from the database; the number and date lines left blank)."""
    settings = _settings()
    catalogues = Catalogues.load()
    today = local_today(utcnow())
    chosen = year or today.year
    span = SpanOfYear(Span.HALF_YEAR if kind is ReportKind.HALF_YEAR else Span.YEAR, chosen)

    year = YearSettings.of(settings)

    async def draft(session: AsyncSession) -> tuple[Place, bytes]:
        place = await _place(session, area)
        data = await write_report(
            session,
            place,
            span,
            today,
            catalogues,
            book=year.book,
            calendar=year.calendar,
            reports=year.reports,
            recipients=year.recipients,
        )
        await audit_operator(session, REPORT_DRAFTED, "report", area_id=place.id)
        return place, data

    place, data = in_transaction(draft)
    target = output or Path(report_file_name(place, span))
    target.write_bytes(data)
    typer.echo(f"report draft: {target}")


targets_cli = typer.Typer(help="The movement plan's targets.", no_args_is_help=True)


@targets_cli.command("show")
def targets_show(
    area: Annotated[
        str | None, typer.Option("--area", help="a place whose province's thresholds to show")
    ] = None,
    lang: LangOption = "vi",
) -> None:
    """The targets in force: the plan's defaults, or a province's own (ANTQ_TARGETS,
    ANTQ_TARGETS_FILE)."""
    settings = _settings()
    catalogues = Catalogues.load()
    book = settings.target_book
    path = f"/{area.split('-')[0]}/" if area else None
    if area:

        async def find(session: AsyncSession) -> str:
            return (await _place(session, area)).path

        path = in_transaction(find)
    for target in TARGETS:
        threshold = book.threshold(target.key, path)
        shown = whole_percent(threshold) if target.measure is Measure.SHARE else f"{threshold:g}"
        name = catalogues.text(lang, target.name)
        when = catalogues.text(lang, target.period)
        typer.echo(f"{target.key:<17} {shown:>5}  {name} — {when}")


@targets_cli.command("check")
def targets_check(
    file: Annotated[Path, typer.Argument(help="a TOML file: [40] then propaganda = 0.85")],
) -> None:
    """Read a file of provinces' thresholds as ANTQ_TARGETS_FILE would, and say what it sets
    (or what is wrong with it, by province and target)."""
    try:
        overrides = read_overrides_file(file)
    except BadTargets as error:
        raise _fail(str(error)) from None
    for province, own in sorted(overrides.items()):
        shown = ", ".join(f"{key}={value:g}" for key, value in sorted(own.items()))
        typer.echo(f"{province}: {shown}")
    typer.echo(f"set ANTQ_TARGETS_FILE={file} to use it")
