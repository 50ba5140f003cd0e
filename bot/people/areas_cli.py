"""``antq areas``: load the official places, import residential areas, find a place."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commandline import in_transaction
from bot.people.area_import import BadFile, ImportReport, import_areas
from bot.people.areas import seed_official_areas
from bot.places import find_places
from storage.areas import count_by_kind

areas_cli = typer.Typer(
    help="The area tree: provinces, communes, residential areas.", no_args_is_help=True
)


@areas_cli.command("seed")
def areas_seed() -> None:
    """Load the 34 provinces and 3,321 communes (idempotent: a second run changes nothing)."""
    started = time.perf_counter()
    result = in_transaction(seed_official_areas)
    counts = in_transaction(count_by_kind)
    elapsed = time.perf_counter() - started
    typer.echo(
        f"inserted {result.inserted}, updated {result.updated}, unchanged {result.unchanged} "
        f"in {elapsed:.2f} s; now {counts.get('province', 0)} provinces and "
        f"{counts.get('commune', 0)} communes"
    )


def _print_report(report: ImportReport, skip_bad_lines: bool) -> None:
    for error in report.errors:
        typer.echo(str(error), err=True)
    if report.dry_run:
        typer.echo(f"dry run: {report.valid} of {report.lines} lines would be imported")
    elif report.errors and not skip_bad_lines:
        typer.echo(
            f"nothing imported: {len(report.errors)} bad line(s) of {report.lines} "
            "(fix them, or pass --skip-bad-lines)"
        )
    else:
        skipped = f", {len(report.errors)} bad line(s) skipped" if report.errors else ""
        typer.echo(f"imported {report.imported} of {report.lines} lines{skipped}")


@areas_cli.command("import")
def areas_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="a UTF-8 CSV file")],
    skip_bad_lines: Annotated[
        bool, typer.Option("--skip-bad-lines", help="import the good lines anyway")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="check only, write nothing")] = False,
) -> None:
    """Add residential areas from CSV: parent_code,name,kind[,households,former_name]."""
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        typer.echo("the file is not UTF-8 (save it as 'CSV UTF-8')", err=True)
        raise typer.Exit(2) from None

    async def work(session: AsyncSession) -> ImportReport:
        return await import_areas(session, text, skip_bad_lines=skip_bad_lines, dry_run=dry_run)

    try:
        report = in_transaction(work)
    except BadFile as problem:
        typer.echo(str(problem), err=True)
        raise typer.Exit(2) from None
    _print_report(report, skip_bad_lines)
    if report.errors and not skip_bad_lines:
        raise typer.Exit(1)


@areas_cli.command("find")
def areas_find(
    query: Annotated[str, typer.Argument(help='a name, with or without accents: "do luong"')],
    limit: Annotated[int, typer.Option(min=1, max=200)] = 20,
) -> None:
    """Find places by name (or former name), accents optional."""

    async def work(session: AsyncSession) -> list[str]:
        found = await find_places(session, query, limit=limit)
        return [
            f"{area.code:<12} {area.kind:<10} {area.name}"
            + (f", {area.parent_name}" if area.parent_name else "")
            + (f" (formerly {area.former_name})" if area.former_name else "")
            for area in found
        ]

    lines = in_transaction(work)
    if not lines:
        typer.echo("no place found")
    for line in lines:
        typer.echo(line)
