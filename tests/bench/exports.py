"""Exporting a province's year on SQLite: rows/s and peak memory at two sizes, CSV and XLSX.

A province of communes and residential areas gets a year of monthly updates (one per area and
month), tips and model activities, bulk-inserted; then the reports (updates, areas, communes
sheets), tips and activities are exported to files on disk, as ``antq export`` does, once as
CSV and once as XLSX. Rows/s counts every row written, over the three exports, wall-clock.
Memory is measured twice: the peak of Python allocations (tracemalloc, in a second run of
each format) and the process's maximum RSS. Bounded means the 200k-row peak is close to the
10k-row one.

Settings (environment): ANTQ_BENCH_EXPORT_SIZES ("10000,200000" report rows).
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from bot.exports.service import ExportRequest, ExportSubject, write_export
from conversations.i18n import Catalogues
from conversations.places import Place
from storage._sql import areas, model_activities, monthly_reports, security_models, tips
from storage.database import Database
from storage.exports import REPORT_FIGURES
from tests.bench.databases import sqlite_database
from tests.bench.report import Report

BENCHMARK = "export-sqlite"
YEAR = [f"2026-{month:02d}" for month in range(1, 13)]
AREAS_PER_COMMUNE = 50
CHUNK = 5_000
FORMATS = ("csv", "xlsx")
# Rows/s the largest size should reach on the 2-core machine: CSV, and the heavier XLSX.
THROUGHPUT_TARGETS = {"csv": 20_000, "xlsx": 10_000}


async def _bulk(database: Database, table: object, rows: list[dict[str, object]]) -> None:
    for start in range(0, len(rows), CHUNK):
        async with database.transaction() as session:
            await session.execute(insert(table), rows[start : start + CHUNK])  # type: ignore[arg-type]


async def seed(database: Database, report_rows: int) -> Place:
    """A province with ``report_rows / 12`` areas; tips and activities a quarter as many."""
    area_count = max(1, report_rows // len(YEAR))
    communes = max(1, area_count // AREAS_PER_COMMUNE)
    rows: list[dict[str, object]] = [
        {
            "id": 1,
            "code": "90",
            "name": "Tỉnh Thử",
            "name_folded": "tinh thu",
            "kind": "province",
            "parent_id": None,
            "path": "/90/",
        }
    ]
    for c in range(communes):
        rows.append(
            {
                "id": 2 + c,
                "code": f"9{c:05d}",
                "name": f"Xã {c}",
                "name_folded": f"xa {c}",
                "kind": "commune",
                "parent_id": 1,
                "path": f"/90/9{c:05d}/",
            }
        )
    first_area = 2 + communes
    for a in range(area_count):
        commune = a % communes
        code = f"9{commune:05d}-{a:06d}"
        rows.append(
            {
                "id": first_area + a,
                "code": code,
                "name": f"Thôn {a}",
                "name_folded": f"thon {a}",
                "kind": "thon",
                "parent_id": 2 + commune,
                "path": f"/90/9{commune:05d}/{code}/",
                "households": 120,
            }
        )
    await _bulk(database, areas, rows)
    figures = dict.fromkeys(REPORT_FIGURES, 3)
    figures.update(households=120, households_pledged=100, notable_events="Ổn định", proposals=None)
    reports = [
        {
            "area_id": first_area + a,
            "period": period,
            "deadline": date(2027, 1, 5),
            "late": a % 7 == 0,
            "filed_at": datetime(2026, 12, 1, tzinfo=UTC),
            **figures,
        }
        for period in YEAR
        for a in range(area_count)
        if a % 10 != 9  # 10 % never file
    ]
    await _bulk(database, monthly_reports, reports)
    quarter = report_rows // 4
    start = datetime(2026, 1, 1, tzinfo=UTC)
    await _bulk(
        database,
        tips,
        [
            {
                "code": f"{n:08d}",
                "category": "theft",
                "description": "Mất trộm xe máy " * 5,
                "anonymous": True,
                "locale": "vi",
                "status": "received",
                "received_at": start + timedelta(minutes=2 * n),
                "area_id": first_area + n % area_count,
            }
            for n in range(quarter)
        ],
    )
    await _bulk(
        database,
        security_models,
        [
            {"id": 1 + c, "name": f"Mô hình {c}", "kind": "camera", "area_id": 2 + c}
            for c in range(communes)
        ],
    )
    await _bulk(
        database,
        model_activities,
        [
            {
                "model_id": 1 + n % communes,
                "activity_date": date(2026, 1, 1) + timedelta(days=n % 365),
                "kind": "patrol",
                "participants": 5,
                "outcome": "Tuần tra",
                "photos": [],
            }
            for n in range(quarter)
        ],
    )
    return Place(1, "90", "Tỉnh Thử", "province", "/90/")


async def export_year(
    database: Database, province: Place, directory: Path, format: str = "xlsx"
) -> int:
    catalogues = Catalogues.load()
    year = {"date_from": date(2026, 1, 1), "date_to": date(2026, 12, 31)}
    requests = [
        ExportRequest(ExportSubject.REPORTS, (province,), format=format, periods=tuple(YEAR)),
        ExportRequest(ExportSubject.TIPS, (province,), format=format, **year),  # type: ignore[arg-type]
        ExportRequest(ExportSubject.ACTIVITIES, (province,), format=format, **year),  # type: ignore[arg-type]
    ]
    rows = 0
    for number, request in enumerate(requests):
        with (directory / f"export-{number}.{format}").open("wb") as target:
            result = await write_export(
                request,
                database.transaction,
                target,
                catalogues=catalogues,
                today=date(2027, 1, 20),
            )
        rows += result.rows
    return rows


async def run(report: Report) -> None:
    sizes = [
        int(size) for size in os.environ.get("ANTQ_BENCH_EXPORT_SIZES", "10000,200000").split(",")
    ]
    peaks: dict[tuple[str, int], float] = {}
    throughputs: dict[tuple[str, int], float] = {}
    for size in sizes:
        label = f"{size // 1000}k"
        async with sqlite_database() as database:
            province = await seed(database, size)
            for format in FORMATS:
                with tempfile.TemporaryDirectory(prefix="antq-export-") as directory:
                    started = time.perf_counter()
                    rows = await export_year(database, province, Path(directory), format)
                    seconds = time.perf_counter() - started
                    tracemalloc.start()
                    await export_year(database, province, Path(directory), format)
                    _, peak = tracemalloc.get_traced_memory()
                    tracemalloc.stop()
                peaks[format, size] = peak / 2**20
                throughputs[format, size] = rows / seconds
                report.figure(BENCHMARK, f"{format}-rows-{label}", rows, "rows")
                report.figure(BENCHMARK, f"{format}-seconds-{label}", seconds, "s")
                report.figure(BENCHMARK, f"{format}-throughput-{label}", rows / seconds, "rows/s")
                report.figure(
                    BENCHMARK, f"{format}-peak-python-{label}", peaks[format, size], "MiB"
                )
        max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        report.figure(BENCHMARK, f"max-rss-after-{label}", max_rss, "MiB")
    for format in FORMATS:
        target = THROUGHPUT_TARGETS[format]
        report.target(
            BENCHMARK,
            f"{format} at {sizes[-1]} report rows >= {target} rows/s",
            throughputs[format, sizes[-1]] >= target,
        )
        if len(sizes) >= 2:
            small, large = peaks[format, sizes[0]], peaks[format, sizes[-1]]
            report.target(
                BENCHMARK,
                f"{format} peak memory at {sizes[-1]} rows within 2x of {sizes[0]} rows + 8 MiB",
                large <= 2 * small + 8,
            )
