"""``antq survey list|results|close|export``: surveys from the server's command line.

The command line is the operator's: it needs no role, and a closing is audited with no actor.
The results and the files are the ones an admin gets in chat (``bot.surveys.files``): an
anonymous survey's texts are written without any author.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commandline import audit_operator, in_transaction
from bot.surveys.files import rows, write_csv, write_xlsx
from bot.surveys.handlers import SURVEY_CLOSED
from bot.surveys.reads import load_results
from conversations.i18n import Catalogues
from conversations.localtime import shown
from conversations.surveys import SurveyResults
from storage.areas import area_by_code
from storage.surveys import SurveyRecord, close_survey, count_responses, list_surveys, survey_by_id
from storage.tables import utcnow

survey_cli = typer.Typer(help="Surveys: list, results, closing early, files.", no_args_is_help=True)
SurveyArgument = Annotated[int, typer.Argument(help="the survey's number")]
LocaleOption = Annotated[str, typer.Option(help="language of the results: vi or en")]
FILE_WRITERS = {"csv": write_csv, "xlsx": write_xlsx}


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(1)


def _locale(locale: str) -> str:
    if locale not in ("vi", "en"):
        raise typer.BadParameter("vi or en")
    return locale


async def _record(session: AsyncSession, survey_id: int) -> SurveyRecord:
    record = await survey_by_id(session, survey_id)
    if record is None:
        raise _fail(f"no survey {survey_id} (antq survey list)")
    return record


async def _results(session: AsyncSession, survey_id: int, locale: str) -> SurveyResults:
    record = await _record(session, survey_id)
    results = await load_results(session, record)
    if locale == "en" and record.title_en:
        results.title = record.title_en
    return results


@survey_cli.command("list")
def list_command(
    area: Annotated[str, typer.Option("--area", help="only those sent within this place")] = "",
    limit: Annotated[int, typer.Option(min=1, max=1000, help="how many, newest first")] = 20,
) -> None:
    """The newest surveys: number, status, answers, closing time, place and title."""

    async def work(session: AsyncSession) -> list[tuple[SurveyRecord, int]]:
        within = None
        if area:
            place = await area_by_code(session, area)
            if place is None:
                raise _fail(f"no place with code {area!r} (antq areas find NAME)")
            within = place.path
        found = await list_surveys(session, within_path=within, limit=limit)
        return [(record, await count_responses(session, record.id)) for record in found]

    listed = in_transaction(work)
    if not listed:
        typer.echo("no surveys")
    for record, answered in listed:
        privacy = "anonymous" if record.anonymous else "named"
        typer.echo(
            f"{record.id}\t{record.status}\t{answered} answered\t{privacy}\t"
            f"closes {shown(record.closes_at)}\t{record.area_name}\t{record.title_vi}"
        )


@survey_cli.command("results")
def results_command(survey_id: SurveyArgument, locale: LocaleOption = "vi") -> None:
    """The results so far, one line per option, place, number or text (as the files)."""
    chosen = _locale(locale)
    catalogues = Catalogues.load()

    def t(key: str, **params: object) -> str:
        return catalogues.text(chosen, key, **params)

    results = in_transaction(lambda session: _results(session, survey_id, chosen))
    answered = f"{results.respondents} answered"
    typer.echo(f"{results.survey_id}\t{results.status}\t{answered}\t{results.title}")
    for row in rows(results, chosen, t):
        typer.echo("\t".join("" if value is None else str(value) for value in row))


@survey_cli.command("close")
def close_command(survey_id: SurveyArgument) -> None:
    """Close a survey now: no answer is taken after; the answers half given are dropped."""

    async def work(session: AsyncSession) -> int:
        record = await _record(session, survey_id)
        if not await close_survey(session, record.id, now=utcnow()):
            raise _fail(f"survey {survey_id} is closed already")
        await audit_operator(session, SURVEY_CLOSED, "survey", record.id, area_id=record.area_id)
        return await count_responses(session, record.id)

    answered = in_transaction(work)
    typer.echo(f"survey {survey_id} closed; {answered} answered")


@survey_cli.command("export")
def export_command(
    survey_id: SurveyArgument,
    output: Annotated[Path, typer.Option("--output", "-o", help="the file to write")],
    format: Annotated[str, typer.Option("--format", help="csv or xlsx")] = "xlsx",
    locale: LocaleOption = "vi",
) -> None:
    """Write the results as CSV or XLSX (an anonymous survey's texts without authors)."""
    if format not in FILE_WRITERS:
        raise typer.BadParameter("csv or xlsx")
    chosen = _locale(locale)
    catalogues = Catalogues.load()

    def t(key: str, **params: object) -> str:
        return catalogues.text(chosen, key, **params)

    results = in_transaction(lambda session: _results(session, survey_id, chosen))
    output.write_bytes(FILE_WRITERS[format](results, chosen, t))
    typer.echo(f"survey {survey_id}: {results.respondents} answered, written to {output}")
