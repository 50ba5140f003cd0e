"""Every export, by every channel that offers it: each subject in each format from the chat
(/xuatfile), the command line (``antq export``) and the web console, and the report drafts
(DOCX) from the chat (/baocaonam) and the command line (``antq report``). Each file is made,
is not empty and opens as what it says it is; no menu shows a raw catalogue key."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import httpx
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import cli
from bot.exports import cli as export_cli
from bot.exports.service import ExportSubject
from bot.movement_year import cli as year_cli
from conversations.replies import Choices, Document
from storage.database import Database
from tests.bot.exports.harness import seed_province
from tests.bot.harness import Phone, member_with_roles, phone_at_menu
from tests.bot.web.harness import csrf_of, signed_in
from tests.conversations.harness import Clock, t
from tests.harness import wait_until

ADMIN = ("7770002", "Chủ tịch xã")
# 10 January 2027, 10:00 in Vietnam: December's updates are being filed, and 2026 is the
# movement's year being assessed (a year's review runs into the next).
NOW = datetime(2027, 1, 10, 3, 0, tzinfo=UTC)
# What every channel names the file of a subject whose span is not a count of days.
SAME_NAME = {
    ("reports", "xlsx"): "antq-reports-17662-2026-12.xlsx",
    ("reports", "csv"): "antq-reports-17662-2026-12.zip",
    ("year", "xlsx"): "antq-year-17662-2026.xlsx",
    ("year", "csv"): "antq-year-17662-2026.zip",
}
# The days a dated subject covers, the same in every channel (as its menu says).
SAME_SPAN = {
    "tips": "-20261212-20270110",
    "activities": "-20261013-20270110",
    "events": "-20261013-20270110",
}
# Where /xuatfile lists each subject, and each format.
CHAT_WHAT = {
    ExportSubject.REPORTS: "1",
    ExportSubject.TIPS: "3",
    ExportSubject.ACTIVITIES: "4",
    ExportSubject.EVENTS: "5",
    ExportSubject.YEAR: "6",
}
CHAT_FORMAT = {"xlsx": "1", "csv": "2"}
DRAFTS = {"half-year": "2026-h1", "year": "2026"}  # antq report KIND, and /baocaonam's answer
# A catalogue key shown as it is ("web.exports.subject.year"): words joined by dots.
DOWNLOAD = re.compile(r'href="(/web/exports/[^"]+)"')
RAW_KEY = re.compile(r"\b[a-z][a-z_]*(?:\.[a-z0-9_]+){1,}\b")

CASES = [
    *(
        (subject.value, format, channel)
        for subject in ExportSubject
        for format in ("xlsx", "csv")
        for channel in ("chat", "cli", "web")
    ),
    # The report drafts are not offered by the web console.
    *((f"report-{kind}", "docx", channel) for kind in DRAFTS for channel in ("chat", "cli")),
]


def no_raw_key(shown: str, where: str) -> None:
    found = RAW_KEY.findall(shown)
    assert not found, f"{where} shows catalogue keys: {found}"


def opened(name: str, data: bytes) -> int:
    """Open the file as its name says; how many rows (or paragraphs) it holds."""
    assert data, f"{name} is empty"
    if name.endswith(".xlsx"):
        book = load_workbook(io.BytesIO(data), read_only=True)
        return sum(len(list(sheet.iter_rows(values_only=True))) for sheet in book.worksheets)
    if name.endswith(".csv"):
        return len(list(csv.reader(io.StringIO(data.decode("utf-8-sig")))))
    if name.endswith(".zip"):
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        assert names and all(member.endswith(".csv") for member in names), names
        return sum(opened(member, archive.read(member)) for member in names)
    assert name.endswith(".docx"), name
    return len(docx.Document(io.BytesIO(data)).paragraphs)


def choices_shown(phone: Phone) -> str:
    return "\n".join(
        option.label
        for reply in phone.replies
        if isinstance(reply, Choices)
        for option in reply.options
    )


async def by_chat(database: Database, subject: str, format: str) -> tuple[str, bytes]:
    phone = await phone_at_menu(database, Clock(NOW), ADMIN[0], ADMIN[1])
    if format == "docx":
        await phone.send(text="/baocaonam")
        no_raw_key(phone.text, "/baocaonam")
        await phone.send(text=DRAFTS[subject.removeprefix("report-")])
    else:
        await phone.send(text="/xuatfile")
        no_raw_key(choices_shown(phone), "/xuatfile's subjects")
        await phone.send(text=CHAT_WHAT[ExportSubject(subject)])
        no_raw_key(choices_shown(phone), "/xuatfile's formats")
        await phone.send(text=CHAT_FORMAT[format])
    (document,) = [reply for reply in phone.replies if isinstance(reply, Document)]
    return document.filename, document.data


async def by_command_line(
    database: Database, subject: str, format: str, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, bytes]:
    monkeypatch.setenv("ANTQ_DATABASE_URL", database.url)
    for module in (export_cli, year_cli):
        monkeypatch.setattr(module, "utcnow", lambda: NOW)
    monkeypatch.chdir(folder)  # where the command writes, under a name of its own
    if format == "docx":
        args = ["report", subject.removeprefix("report-"), "--area", "17662", "--year", "2026"]
    else:
        args = ["export", subject, "--area", "17662", "--format", format]
    # The command runs its own event loop: in a thread, beside this test's.
    result = await asyncio.to_thread(CliRunner().invoke, cli, args)
    assert result.exit_code == 0, result.output
    return await asyncio.to_thread(written_file, folder)


def written_file(folder: Path) -> tuple[str, bytes]:
    """The one file the command wrote."""
    (written,) = list(folder.iterdir())
    return written.name, written.read_bytes()


async def by_web(database: Database, subject: str, format: str) -> tuple[str, bytes]:
    async with signed_in(database, Clock(NOW), ADMIN) as web:
        page = await web.get("/web/exports")
        menus = " ".join(re.findall(r"<(?:label|option)[^>]*>([^<]*)", page.text))
        no_raw_key(menus, "the web console's export menu")
        started = await web.post(
            "/web/exports",
            data={"csrf": csrf_of(page), "place": "17662", "subject": subject, "format": format},
        )
        assert started.status_code == 303

        async def finished() -> httpx.Response | None:
            page = await web.get("/web/exports")
            done = DOWNLOAD.search(page.text) or t("web.exports.failed") in page.text
            return page if done else None

        page = await wait_until(finished, what="the web export finishing")
        link = DOWNLOAD.search(page.text)
        assert link is not None, f"the export failed: {page.text}"
        file = await web.get(link.group(1))
    assert file.status_code == 200
    name = re.search(r'filename="([^"]+)"', file.headers["content-disposition"])
    assert name is not None
    return name.group(1), file.content


@pytest.mark.parametrize(("subject", "format", "channel"), CASES)
async def test_every_export_is_made_and_opens(
    sqlite_database: Database,
    subject: str,
    format: str,
    channel: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await seed_province(sqlite_database)
    await member_with_roles(sqlite_database, ADMIN[0], [("admin", "17662")], display_name=ADMIN[1])
    if channel == "chat":
        name, data = await by_chat(sqlite_database, subject, format)
    elif channel == "cli":
        folder = tmp_path / "files"
        folder.mkdir()
        name, data = await by_command_line(sqlite_database, subject, format, folder, monkeypatch)
    else:
        name, data = await by_web(sqlite_database, subject, format)
    assert opened(name, data) > 0
    assert name == SAME_NAME.get((subject, format), name)
    assert SAME_SPAN.get(subject, "") in name
