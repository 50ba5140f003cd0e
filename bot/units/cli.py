"""``antq units``: import, add and list agencies, businesses and schools, and record their
year (registration, propaganda reach, recognition, grade) as the operator.

The command line is the operator's: no role is needed; what it records is audited with no
actor, as the other commands' writes are.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commandline import audit_operator, in_transaction
from bot.csv_import import BadFile, ImportReport
from bot.rows import same_session
from bot.units.handlers import UNIT_REACH, UNIT_REGISTERED
from bot.units.service import UnitFigures, add_units, file_reach, file_registration
from bot.units.unit_import import import_units
from conversations.movement_year import Grade
from conversations.places import COMMUNE, PROVINCE, UNITS
from conversations.units import HALF_YEAR_REPORT, LEVELS, YEAR_REPORT
from storage.areas import AreaRecord, area_by_code
from storage.audit import AREA_ADDED
from storage.movement_year import set_grade, set_recognition
from storage.tables import utcnow
from storage.units import iter_units_of_year

units_cli = typer.Typer(
    help="Agencies, businesses and schools: the list and their year.", no_args_is_help=True
)


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(1)


async def _unit(session: AsyncSession, code: str) -> AreaRecord:
    found = await area_by_code(session, code)
    if found is None or found.kind not in UNITS:
        raise _fail(f"no agency, business or school has the code {code!r}")
    return found


@units_cli.command("import")
def units_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="a UTF-8 CSV file")],
    skip_bad_lines: Annotated[bool, typer.Option("--skip-bad-lines")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="check only, write nothing")] = False,
) -> None:
    """Add units from CSV: parent_code,name,kind[,level,staff,students]."""
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise _fail("the file is not UTF-8 (save it as 'CSV UTF-8')") from None

    async def work(session: AsyncSession) -> ImportReport:
        return await import_units(session, text, skip_bad_lines=skip_bad_lines, dry_run=dry_run)

    try:
        report = in_transaction(work)
    except BadFile as problem:
        typer.echo(str(problem), err=True)
        raise typer.Exit(2) from None
    for error in report.errors:
        typer.echo(str(error), err=True)
    if report.dry_run:
        typer.echo(f"dry run: {report.valid} of {report.lines} lines would be imported")
    elif report.errors and not skip_bad_lines:
        typer.echo(f"nothing imported: {len(report.errors)} bad line(s) of {report.lines}")
        raise typer.Exit(1)
    else:
        typer.echo(f"imported {report.imported} of {report.lines} lines")


@units_cli.command("add")
def units_add(
    parent: Annotated[str, typer.Argument(help="the commune's (or province's) code")],
    name: Annotated[str, typer.Argument()],
    kind: Annotated[str, typer.Option(help="agency | business | school")],
    level: Annotated[
        str | None, typer.Option(help=f"a school's: {', '.join(sorted(LEVELS))}")
    ] = None,
    staff: Annotated[int | None, typer.Option(min=0)] = None,
    students: Annotated[int | None, typer.Option(min=0)] = None,
) -> None:
    """Add one unit below a commune or a province."""
    if kind not in UNITS:
        raise _fail(f"kind: one of {', '.join(sorted(UNITS))}")
    if level is not None and (kind != "school" or level not in LEVELS):
        raise _fail(f"level: a school's, one of {', '.join(sorted(LEVELS))}")

    async def work(session: AsyncSession) -> str:
        found = await area_by_code(session, parent)
        if found is None or found.kind not in (COMMUNE, PROVINCE):
            raise _fail(f"no commune or province has the code {parent!r}")
        figures = UnitFigures(parent, name, kind, level, staff, students)
        (area_id,) = await add_units(session, [figures], now=utcnow())
        await audit_operator(session, AREA_ADDED, "unit", area_id, area_id=found.id)
        return f"added {name} below {found.name}"

    typer.echo(in_transaction(work))


@units_cli.command("list")
def units_list(
    area: Annotated[str, typer.Option("--area", help="a commune's or province's code")],
    year: Annotated[int, typer.Option(min=2000, max=2999)],
) -> None:
    """The units of a place with their people and their year."""

    async def work(session: AsyncSession) -> list[str]:
        found = await area_by_code(session, area)
        if found is None:
            raise _fail(f"no place has the code {area!r}")
        lines = []
        async for unit in iter_units_of_year(same_session(session), found.path, year, UNITS):
            reach = unit.year or unit.half_year
            people = "-" if unit.people is None else unit.people
            lines.append(
                f"{unit.code:<14} {unit.kind:<9} {unit.name} | people {people}"
                f" | registered {'yes' if unit.registered else 'no'}"
                f" | reach {f'{reach.reached}/{reach.total}' if reach else '-'}"
                f" | recognised {'-' if unit.recognised is None else unit.recognised}"
                f" | grade {unit.grade or '-'}"
            )
        return lines

    lines = in_transaction(work)
    for line in lines or ["no unit"]:
        typer.echo(line)


@units_cli.command("register")
def units_register(
    code: Annotated[str, typer.Argument(help="the unit's code")],
    people: Annotated[int, typer.Option(min=1, help="staff and students who signed")],
    on: Annotated[str, typer.Option(help="the day, YYYY-MM-DD")],
    late: Annotated[bool, typer.Option("--late")] = False,
) -> None:
    """Record a unit's registration for the "An toàn về ANTT" standard."""
    try:
        day = date.fromisoformat(on)
    except ValueError:
        raise _fail(f"--on {on!r}: write the day as YYYY-MM-DD") from None

    async def work(session: AsyncSession) -> str:
        unit = await _unit(session, code)
        await file_registration(
            session,
            unit.id,
            day.year,
            people=people,
            registered_on=day,
            late=late,
            member_id=None,
            now=utcnow(),
        )
        await audit_operator(session, UNIT_REGISTERED, "unit", unit.id, area_id=unit.id)
        return f"{unit.name}: registered for {day.year}, {people} people"

    typer.echo(in_transaction(work))


@units_cli.command("reach")
def units_reach(
    code: Annotated[str, typer.Argument(help="the unit's code")],
    year: Annotated[int, typer.Option(min=2000, max=2999)],
    report: Annotated[str, typer.Option(help="H1 (the 6-month report) or year")],
    reached: Annotated[int, typer.Option(min=0)],
    total: Annotated[int, typer.Option(min=1)],
    document: Annotated[str, typer.Option(help="the document the figures rest on")],
    late: Annotated[bool, typer.Option("--late")] = False,
) -> None:
    """Record a unit's propaganda reach for its 6-month or yearly report."""
    if report not in (HALF_YEAR_REPORT, YEAR_REPORT):
        raise _fail("--report: H1 or year")
    if reached > total:
        raise _fail("--reached cannot be more than --total")
    if len(document.strip()) < 3:
        raise _fail("--document: name the document the figures rest on")

    async def work(session: AsyncSession) -> str:
        unit = await _unit(session, code)
        await file_reach(
            session,
            unit.id,
            year,
            report,
            reached=reached,
            total=total,
            document=" ".join(document.split()),
            late=late,
            member_id=None,
            now=utcnow(),
        )
        await audit_operator(session, UNIT_REACH, "unit", unit.id, area_id=unit.id)
        return f"{unit.name}: {report} {year}, reached {reached}/{total}"

    typer.echo(in_transaction(work))


@units_cli.command("recognise")
def units_recognise(
    code: Annotated[str, typer.Argument(help="the unit's code")],
    year: Annotated[int, typer.Option(min=2000, max=2999)],
    recognised: Annotated[bool, typer.Option("--yes/--no")],
) -> None:
    """Record whether a registered unit was recognised as meeting the standard."""

    async def work(session: AsyncSession) -> str:
        unit = await _unit(session, code)
        await set_recognition(
            session, unit.id, year, recognised=recognised, member_id=None, now=utcnow()
        )
        await audit_operator(session, "year.recognition", "unit", unit.id, area_id=unit.id)
        return f"{unit.name}: {'recognised' if recognised else 'not recognised'} for {year}"

    typer.echo(in_transaction(work))


@units_cli.command("grade")
def units_grade(
    code: Annotated[str, typer.Argument(help="the unit's code")],
    year: Annotated[int, typer.Option(min=2000, max=2999)],
    grade: Annotated[str, typer.Option(help="excellent | good | average | weak")],
) -> None:
    """Record a unit's grade of the year."""
    if grade not in set(Grade):
        raise _fail(f"--grade: one of {', '.join(Grade)}")

    async def work(session: AsyncSession) -> str:
        unit = await _unit(session, code)
        await set_grade(session, unit.id, year, grade=grade, member_id=None, now=utcnow())
        await audit_operator(session, "year.grade", "unit", unit.id, area_id=unit.id)
        return f"{unit.name}: graded {grade} for {year}"

    typer.echo(in_transaction(work))
