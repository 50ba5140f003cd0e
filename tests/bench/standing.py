"""Where a province stands in its year, and its yearly report draft, on SQLite: seconds and
peak Python memory at two sizes.

The province of ``tests.bench.exports`` (50 areas per commune, a year of monthly updates, 10 %
of areas never filing, tips and model activities) is judged for the whole year with
``place_standing`` and drafted with ``write_report`` (chart and DOCX included).

Settings (environment): ANTQ_BENCH_STANDING_SIZES ("10000,120000" monthly updates).
"""

from __future__ import annotations

import os
import time
import tracemalloc
from datetime import date

from bot.movement_year.reads import place_standing
from bot.movement_year.report import write_report
from conversations.i18n import Catalogues
from conversations.movement_year import SpanOfYear
from conversations.targets import DEFAULT_TARGETS, Span, YearCalendar
from tests.bench.databases import sqlite_database
from tests.bench.exports import seed
from tests.bench.report import Report

BENCHMARK = "standing-sqlite"
TODAY = date(2026, 12, 20)
SPAN = SpanOfYear(Span.YEAR, 2026)
# A province's year judged within this many seconds at the largest size (10k areas).
SECONDS_TARGET = 30.0


async def run(report: Report) -> None:
    sizes = [
        int(size) for size in os.environ.get("ANTQ_BENCH_STANDING_SIZES", "10000,120000").split(",")
    ]
    catalogues = Catalogues.load()
    seconds = 0.0
    for size in sizes:
        label = f"{size // 12}-areas"
        async with sqlite_database() as database:
            province = await seed(database, size)
            async with database.transaction() as session:
                started = time.perf_counter()
                tracemalloc.start()
                standing = await place_standing(session, province, SPAN, TODAY)
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                seconds = time.perf_counter() - started
                report.figure(BENCHMARK, f"standing-seconds-{label}", seconds, "s")
                report.figure(BENCHMARK, f"standing-peak-{label}", peak / 2**20, "MiB")
                report.figure(BENCHMARK, f"units-{label}", standing.units, "communes")
                started = time.perf_counter()
                tracemalloc.start()
                draft = await write_report(
                    session,
                    province,
                    SPAN,
                    TODAY,
                    catalogues,
                    book=DEFAULT_TARGETS,
                    calendar=YearCalendar(),
                )
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                report.figure(
                    BENCHMARK, f"report-seconds-{label}", time.perf_counter() - started, "s"
                )
                report.figure(BENCHMARK, f"report-peak-{label}", peak / 2**20, "MiB")
                report.figure(BENCHMARK, f"report-bytes-{label}", len(draft), "bytes")
    report.target(
        BENCHMARK,
        f"a province's year judged in at most {SECONDS_TARGET:.0f} s at the largest size",
        met=seconds <= SECONDS_TARGET,
    )
