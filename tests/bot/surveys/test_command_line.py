"""``antq survey list|results|close|export``: the operator lists the surveys, reads one's
results, closes it early (audited with no actor) and writes its files; an anonymous survey's
texts are written without any author."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from bot.broadcasts.rules import fan_out_broadcasts
from bot.cli import cli
from bot.scheduler import DeliveryScheduler
from storage._sql import audit_log
from storage.database import Database
from storage.surveys import surveys
from tests.bot.delivery.harness import local
from tests.bot.harness import make_processor
from tests.bot.surveys.harness import TITLE, ChannelPhone, seed, write_survey
from tests.conversations.harness import Clock, t

START = local(2026, 11, 24, 9, 0)
TEXTS = {"dan_dong": "Cần thêm camera ở ngã ba", "dan_tay": "=Đề nghị tuần tra buổi tối"}


async def _answered_survey(url: str) -> None:
    database = Database(url)
    try:
        await seed(database, START)
        clock = Clock(START)
        processor = make_processor(database, clock)
        admin = ChannelPhone.of(processor, "admin")
        await write_survey(admin, anonymous=True)
        await admin.send("1")
        await DeliveryScheduler(database, rules=[fan_out_broadcasts], clock=clock).tick()
        for name, text in TEXTS.items():
            phone = ChannelPhone.of(processor, name)
            for answer in ("/khaosat 1", "1", "3", text):
                await phone.send(answer)
    finally:
        await database.dispose()


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[CliRunner, str]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("ANTQ_DATABASE_URL", url)
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    asyncio.run(_answered_survey(url))
    return runner, url


def test_the_operator_lists_reads_exports_and_closes_a_survey(
    runner: tuple[CliRunner, str], tmp_path: Path
) -> None:
    invoke, url = runner
    listed = invoke.invoke(cli, ["survey", "list"])
    assert listed.exit_code == 0, listed.output
    (line,) = listed.output.splitlines()
    assert line.startswith("1\topen\t2 answered\tanonymous") and TITLE in line, line

    results = invoke.invoke(cli, ["survey", "results", "1"])
    assert results.exit_code == 0, results.output
    texts = [row.split("\t") for row in results.output.splitlines() if "Cần thêm" in row]
    assert texts and all(row[-1] == "" for row in texts)  # no author: anonymous
    assert f"\t{t('surveys.file.mean')}\t2\t3.0\t" in results.output, results.output

    csv_path = tmp_path / "khaosat-1.csv"
    exported = invoke.invoke(cli, ["survey", "export", "1", "--format", "csv", "-o", str(csv_path)])
    assert exported.exit_code == 0, exported.output
    table = list(csv.reader(io.StringIO(csv_path.read_bytes().decode("utf-8-sig"))))
    assert table[0][0] == t("surveys.file.question")
    answers = sorted(row[2] for row in table if row[0].startswith("3."))
    assert answers == ["'=Đề nghị tuần tra buổi tối", "Cần thêm camera ở ngã ba"]  # never a formula
    xlsx_path = tmp_path / "khaosat-1.xlsx"
    assert invoke.invoke(cli, ["survey", "export", "1", "-o", str(xlsx_path)]).exit_code == 0
    sheet = load_workbook(xlsx_path).active
    assert sheet is not None and sheet.max_row == len(table)

    closed = invoke.invoke(cli, ["survey", "close", "1"])
    assert closed.exit_code == 0 and "closed; 2 answered" in closed.output, closed.output
    again = invoke.invoke(cli, ["survey", "close", "1"])
    assert again.exit_code == 1 and "closed already" in again.output
    assert invoke.invoke(cli, ["survey", "results", "9"]).exit_code == 1

    async def stored() -> tuple[str, list[tuple[str, object]]]:
        database = Database(url)
        try:
            async with database.session() as session:
                status = await session.scalar(select(surveys.c.status))
                entries = await session.execute(
                    select(audit_log.c.action, audit_log.c.actor_member_id).where(
                        audit_log.c.action == "survey.closed"
                    )
                )
                return str(status), [tuple(row) for row in entries]
        finally:
            await database.dispose()

    status, entries = asyncio.run(stored())
    assert status == "closed" and entries == [("survey.closed", None)]
