"""``antq export``: monthly reports, tips, activities and events of a place, as XLSX or CSV.

The command line is the operator's: no role is needed, and every export is audited with no
actor. Rows are read page by page, each page in a short transaction of its own, and written
straight into the file, so a province's year needs no more memory than a month's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from bot.commandline import audit_operator
from bot.exports.service import (
    EXPORT_MADE,
    ExportRequest,
    ExportSubject,
    file_name,
    write_export,
)
from bot.places import place_of
from bot.private_files import open_private
from bot.settings import Settings
from conversations.calendar import is_period, next_period, period_of
from conversations.exports import recent_days
from conversations.i18n import SUPPORTED_LOCALES, Catalogues
from conversations.localtime import local_today
from conversations.places import Place
from storage.areas import area_by_code
from storage.database import Database
from storage.exports import latest_period_filed
from storage.tables import utcnow

export_cli = typer.Typer(
    help="Export records of a place as XLSX or CSV (never who sent a tip).", no_args_is_help=True
)

FORMATS = ("xlsx", "csv")

AreaOption = Annotated[str, typer.Option("--area", help="code of the province, commune or area")]
FormatOption = Annotated[str, typer.Option("--format", help="xlsx or csv")]
LangOption = Annotated[str, typer.Option("--lang", help="language of the headings: vi or en")]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="file to write (default: a name that says what it holds)"),
]
FromOption = Annotated[
    str | None,
    typer.Option(
        "--from",
        help="first day, YYYY-MM-DD (default: tips 30 days back, activities and events 90)",
    ),
]
ToOption = Annotated[str | None, typer.Option("--to", help="last day, YYYY-MM-DD (default: today)")]


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(1)


def _check(format: str, lang: str) -> None:
    if format not in FORMATS:
        raise _fail(f"unknown format {format!r}; one of: {', '.join(FORMATS)}")
    if lang not in SUPPORTED_LOCALES:
        raise _fail(f"unknown language {lang!r}; one of: {', '.join(SUPPORTED_LOCALES)}")


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _fail(f"{option} must be a date such as 2026-10-31, not {text!r}") from None


def periods_between(first: str, last: str) -> tuple[str, ...]:
    """Every period from ``first`` to ``last``, both included."""
    periods = [first]
    while periods[-1] < last:
        periods.append(next_period(periods[-1]))
    return tuple(periods)


def _periods(
    period: str | None, first: str | None, last: str | None, current: str
) -> tuple[str, ...]:
    """The months asked for; ``current`` (the month shown by default) when none is given."""
    if period is not None and (first or last):
        raise _fail("give either --period or --from/--to, not both")
    if period is not None:
        first = last = period
    first = first or current
    last = last or first
    for value, option in ((first, "--from"), (last, "--to")):
        if not is_period(value):
            raise _fail(f"{option} must be a month such as 2026-10, not {value!r}")
    if last < first:
        raise _fail("--to comes before --from")
    return periods_between(first, last)


def _run_export(request_for: RequestFor, area: str, output: Path | None) -> None:
    settings = Settings()
    catalogues = Catalogues.load()

    async def run() -> tuple[int, Path]:
        database = Database(settings.database_url)
        try:
            today = local_today(utcnow())
            async with database.transaction() as session:
                found = await area_by_code(session, area)
                if found is None:
                    raise _fail(f"no place with code {area!r} (try: antq areas find NAME)")
                latest = await latest_period_filed(session, found.path, period_of(today))
            default = settings.report_calendar.default_period(today, found.path, latest)
            request = request_for(place_of(found), default)
            path = output_path(request, output)
            with open_private(path) as target:
                result = await write_export(
                    request,
                    database.transaction,
                    target,
                    catalogues=catalogues,
                    today=today,
                    calendar=settings.report_calendar,
                    targets=settings.target_book,
                )
            async with database.transaction() as session:
                await audit_operator(session, EXPORT_MADE, "export", area_id=found.id)
            return result.rows, path
        finally:
            await database.dispose()

    rows, path = asyncio.run(run())
    typer.echo(f"wrote {rows} {'row' if rows == 1 else 'rows'} to {path}")
    if output is not None and path != output:
        typer.echo(f"(several sheets: CSV files in one ZIP, so {path.name}, not {output.name})")


def _zipped(request: ExportRequest) -> bool:
    # Several CSV sheets travel as one zip of CSV files.
    return request.format == "csv" and request.subject in (
        ExportSubject.REPORTS,
        ExportSubject.YEAR,
    )


def output_path(request: ExportRequest, output: Path | None) -> Path:
    """Where the file goes: ``--output``, or a name that says what it holds; a ZIP always
    ends in .zip, so that nobody opens a ZIP as a spreadsheet."""
    suffix = "zip" if _zipped(request) else request.format
    if output is None:
        return Path(file_name(request, suffix))
    return output if output.suffix.lower() == f".{suffix}" else output.with_suffix(f".{suffix}")


class RequestFor:
    """Builds the request once the place is known (the place is read from the database)."""

    def __init__(
        self,
        subject: ExportSubject,
        format: str,
        lang: str,
        *,
        periods_from: Callable[[str], tuple[str, ...]] | None = None,
        **span: object,
    ) -> None:
        self.subject = subject
        self.format = format
        self.lang = lang
        self.periods_from = periods_from  # the months, given the place's default one
        self.span = span

    def __call__(self, place: Place, default: str) -> ExportRequest:
        """The request for ``place``; ``default``: its month shown by default."""
        span = dict(self.span)
        if self.periods_from is not None:
            span["periods"] = self.periods_from(default)
        return ExportRequest(
            self.subject,
            (place,),
            format=self.format,
            locale=self.lang,
            **span,  # type: ignore[arg-type]
        )


@export_cli.command("reports")
def export_reports(
    area: AreaOption,
    period: Annotated[
        str | None,
        typer.Option(help="one month, YYYY-MM (default: the latest due or filed, as /tongquan)"),
    ] = None,
    first: Annotated[str | None, typer.Option("--from", help="first month, YYYY-MM")] = None,
    last: Annotated[str | None, typer.Option("--to", help="last month, YYYY-MM")] = None,
    format: FormatOption = "xlsx",
    lang: LangOption = "vi",
    output: OutputOption = None,
) -> None:
    """Monthly updates of the place's subtree, which areas filed on time, late or not at all,
    household pledge coverage against 80 % and active models per commune (target: one)."""
    _check(format, lang)

    def periods_from(default: str) -> tuple[str, ...]:
        # By default the month /tongquan shows: the latest due or filed in the place.
        return _periods(period, first, last, default)

    request_for = RequestFor(ExportSubject.REPORTS, format, lang, periods_from=periods_from)
    _run_export(request_for, area, output)


def _dated(subject: ExportSubject) -> Callable[..., None]:
    def command(
        area: AreaOption,
        first: FromOption = None,
        last: ToOption = None,
        format: FormatOption = "xlsx",
        lang: LangOption = "vi",
        output: OutputOption = None,
    ) -> None:
        _check(format, lang)
        today = local_today(utcnow())
        date_to = _day(last, "--to") if last else today
        days = recent_days(subject.value)
        date_from = _day(first, "--from") if first else date_to - timedelta(days=days - 1)
        if date_to < date_from:
            raise _fail("--to comes before --from")
        request_for = RequestFor(subject, format, lang, date_from=date_from, date_to=date_to)
        _run_export(request_for, area, output)

    return command


_HELP = {
    ExportSubject.TIPS: "Tips placed in the place's subtree: code, category, status, times, "
    "place and text; never who sent them.",
    ExportSubject.ACTIVITIES: "Activities logged by the models of the place's subtree.",
    ExportSubject.EVENTS: "Events for the place's subtree, with registrations and turnout.",
}
for _subject, _help in _HELP.items():
    export_cli.command(_subject.value, help=_help)(_dated(_subject))


@export_cli.command("year")
def export_year(
    area: AreaOption,
    year: Annotated[
        int | None,
        typer.Option(help="the year (default: the one being assessed, last year until March)"),
    ] = None,
    format: FormatOption = "xlsx",
    lang: LangOption = "vi",
    output: OutputOption = None,
) -> None:
    """The movement's year: the targets in force (a province's own where it set them) and
    every commune and area with its registration for the standard, recognition and grade."""
    _check(format, lang)
    # By default the year being assessed: the previous one in January and February.
    chosen = year or Settings().year_calendar.assessed_year(local_today(utcnow()))
    request_for = RequestFor(ExportSubject.YEAR, format, lang, periods=(f"{chosen:04d}",))
    _run_export(request_for, area, output)
