"""A province with agencies, businesses and schools beside its areas, on SQLite: its year
judged (``place_standing``) and drafted (``write_report``) with 2,000 units, against the same
province without units, in the same run. The target: at most twice the time.

The province is ``tests.bench.exports``' (10,000 areas at the default size, a year of monthly
updates); the units are spread over its communes (schools, agencies, businesses in turn),
with their figures, most registered, half with a 6-month and a yearly reach, a quarter
recognised, most graded. The province is measured without and with its units in turn (the
units added, then taken away again; which goes first alternates), ``ROUNDS`` times; the best
round of each counts, as the machine is shared.

Settings (environment): ANTQ_BENCH_UNITS_SIZE ("120000" monthly updates, "2000" units:
"120000,2000").
"""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime

from sqlalchemy import delete, func, select

from bot.movement_year.reads import place_standing
from bot.movement_year.report import write_report
from conversations.i18n import Catalogues
from conversations.movement_year import SpanOfYear, Standing
from conversations.places import Place
from conversations.targets import DEFAULT_TARGETS, Span, YearCalendar, unit_aspect
from storage._sql import areas, standard_recognitions, standard_registrations, unit_grades
from storage.database import Database
from storage.units import unit_profiles, unit_reach
from tests.bench.databases import sqlite_database
from tests.bench.exports import _bulk, seed
from tests.bench.report import Report

BENCHMARK = "units-sqlite"
TODAY = date(2026, 12, 20)
SPAN = SpanOfYear(Span.YEAR, 2026)
ROUNDS = 4
RATIO_TARGET = 2.0
KINDS = ("school", "agency", "business")
GRADES = ("excellent", "good", "average", "weak")
NOW = datetime(2026, 12, 1, tzinfo=UTC)


async def add_units(database: Database, count: int) -> None:
    """``count`` units spread over the province's communes, with their year."""
    async with database.transaction() as session:
        communes = list(
            await session.execute(
                select(areas.c.id, areas.c.code, areas.c.path)
                .where(areas.c.kind == "commune")
                .order_by(areas.c.id)
            )
        )
        first = int((await session.execute(select(func.max(areas.c.id)))).scalar_one()) + 1
    places, profiles, registered, reach, recognised, grades = [], [], [], [], [], []
    for n in range(count):
        commune_id, commune_code, commune_path = communes[n % len(communes)]
        area_id, kind, code = first + n, KINDS[n % 3], f"{commune_code}-u{n:05d}"
        places.append(
            {
                "id": area_id,
                "code": code,
                "name": f"Đơn vị {n}",
                "name_folded": f"don vi {n}",
                "kind": kind,
                "parent_id": commune_id,
                "path": f"{commune_path}{code}/",
            }
        )
        profiles.append(
            {
                "area_id": area_id,
                "level": "thcs" if kind == "school" else None,
                "staff": 40,
                "students": 600 if kind == "school" else None,
                "updated_at": NOW,
            }
        )
        if n % 10:
            registered.append(
                {
                    "area_id": area_id,
                    "year": 2026,
                    "people_signed": 30,  # a unit counts who signed, not households
                    "registered_on": date(2026, 3, 1),
                    "late": False,
                    "registered_at": NOW,
                }
            )
        if n % 2:
            for span, reached in (("H1", 30), ("year", 36)):
                reach.append(
                    {
                        "area_id": area_id,
                        "year": 2026,
                        "span": span,
                        "reached": reached,
                        "total": 40,
                        "document": f"Báo cáo số {n}/BC",
                        "late": False,
                        "reported_at": NOW,
                    }
                )
        if n % 4 == 1:
            recognised.append(
                {"area_id": area_id, "year": 2026, "recognised": True, "decided_at": NOW}
            )
        if n % 5:
            grades.append(
                {"area_id": area_id, "year": 2026, "grade": GRADES[n % 4], "graded_at": NOW}
            )
    for table, rows in (
        (areas, places),
        (unit_profiles, profiles),
        (standard_registrations, registered),
        (unit_reach, reach),
        (standard_recognitions, recognised),
        (unit_grades, grades),
    ):
        await _bulk(database, table, rows)


async def timed(
    database: Database, province: Place, catalogues: Catalogues
) -> tuple[float, float, Standing]:
    """Seconds to judge the year and to draft its report, once."""
    async with database.transaction() as session:
        started = time.perf_counter()
        standing = await place_standing(session, province, SPAN, TODAY)
        judged = time.perf_counter() - started
        started = time.perf_counter()
        await write_report(
            session, province, SPAN, TODAY, catalogues,
            book=DEFAULT_TARGETS, calendar=YearCalendar(),
        )  # fmt: skip
        return judged, time.perf_counter() - started, standing


async def remove_units(database: Database) -> None:
    """Take the units and their year away again (the province as it was)."""
    async with database.transaction() as session:
        ids = select(areas.c.id).where(areas.c.kind.in_(KINDS)).scalar_subquery()
        for table in (
            unit_grades,
            standard_recognitions,
            unit_reach,
            standard_registrations,
            unit_profiles,
        ):
            await session.execute(delete(table).where(table.c.area_id.in_(ids)))
        await session.execute(delete(areas).where(areas.c.kind.in_(KINDS)))


async def run(report: Report) -> None:
    rows_text, _, units_text = os.environ.get("ANTQ_BENCH_UNITS_SIZE", "120000,2000").partition(",")
    report_rows, unit_count = int(rows_text), int(units_text or 2000)
    catalogues = Catalogues.load()
    async with sqlite_database() as database:
        province = await seed(database, report_rows)
        # Without and with the units in turn, on the same database, so that a busy moment of
        # the shared machine falls on both alike; the best round of each counts.
        best: dict[str, list[float]] = {"without": [], "with": []}
        standings: dict[str, Standing] = {}
        for round_number in range(ROUNDS):
            # Which goes first alternates, so that neither always meets the caches cold.
            order = ("without", "with") if round_number % 2 == 0 else ("with", "without")
            for name in order:
                if name == "with":
                    await add_units(database, unit_count)
                judged, drafted, standings[name] = await timed(database, province, catalogues)
                if name == "with":
                    await remove_units(database)
                if not best[name] or judged + drafted < sum(best[name]):
                    best[name] = [judged, drafted]
    before, after = standings["without"], standings["with"]
    unit_lines = [target for target in after.targets if unit_aspect(target.key) is not None]
    if len(after.targets) <= len(before.targets) or not unit_lines:
        raise AssertionError("the units' targets are missing from the province's standing")
    label = f"{report_rows // 12}-areas-{unit_count}-units"
    (judged_before, drafted_before), (judged_after, drafted_after) = best["without"], best["with"]
    report.figure(BENCHMARK, f"standing-seconds-without-units-{label}", judged_before, "s")
    report.figure(BENCHMARK, f"standing-seconds-with-units-{label}", judged_after, "s")
    report.figure(BENCHMARK, f"report-seconds-without-units-{label}", drafted_before, "s")
    report.figure(BENCHMARK, f"report-seconds-with-units-{label}", drafted_after, "s")
    ratio = (judged_after + drafted_after) / (judged_before + drafted_before)
    report.figure(BENCHMARK, "judged-and-drafted-ratio-with-to-without-units", ratio, "x", 2)
    report.target(
        BENCHMARK,
        f"a province judged and drafted with its units within {RATIO_TARGET:.0f}x the time "
        "without them",
        met=ratio <= RATIO_TARGET,
    )
