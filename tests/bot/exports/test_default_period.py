"""One default period everywhere: /tongquan in chat, ``antq overview`` and the web console's
compliance page show the same month, and the same status for an area that has just filed."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from bot.cli import cli
from bot.movement_year import cli as year_cli
from storage.areas import insert_areas
from storage.database import Database
from tests.bot.harness import TREE, fill, member_with_roles, phone_at_menu, place
from tests.bot.web.harness import signed_in
from tests.conversations.harness import Clock, t

OFFICER = ("601", "Lê Văn An")
LEADER = ("701", "Trần Văn Đông")
COMMUNE = "Xã Đô Lương, Nghệ An"
# 10:00 on 7 December 2026: November's updates were due on the 5th.
FILED_AT = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


@pytest.fixture
async def filed_late(database: Database) -> Database:
    """Thôn Đông's leader has just filed November's update, two days late; Thôn Tây has not."""
    async with database.transaction() as session:
        await insert_areas(session, [*TREE, place("17662-002", "Thôn Tây", "thon", "17662")])
    await member_with_roles(database, OFFICER[0], [("officer", "17662")], display_name=OFFICER[1])
    await member_with_roles(database, LEADER[0], [("leader", "17662-001")], display_name=LEADER[1])
    leader = await phone_at_menu(database, Clock(FILED_AT), LEADER[0], LEADER[1])
    await leader.send(text="/baocao")
    await fill(leader)
    await leader.send(text="1")
    assert t("report.filed_late", area="Thôn Đông, Xã Đô Lương", period="11/2026") in leader.text
    return database


async def test_chat_command_line_and_web_show_the_same_month_and_status(
    filed_late: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(FILED_AT.replace(minute=10))

    # The chat: /tongquan, the period asked by default ("Kỳ đang báo cáo").
    officer = await phone_at_menu(filed_late, clock, OFFICER[0], OFFICER[1])
    await officer.send(text="/tongquan")
    await officer.send(text="1")
    chat = officer.text
    assert t("overview.title", period="11/2026", place=COMMUNE) in chat
    assert t("overview.filing", areas=2, on_time=0, late=1, not_yet=0, missing=1) in chat
    assert t("overview.unfiled_names", names="Thôn Tây") in chat

    # The command line: antq overview with no --period.
    monkeypatch.setenv("ANTQ_DATABASE_URL", filed_late.url)
    monkeypatch.setattr(year_cli, "utcnow", clock)
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["overview", "--area", "17662"])
    assert result.exit_code == 0, result.output
    span = t("year.span.month", month="11", year=2026)
    assert t("year.title", place=COMMUNE, span=span) in result.output
    never = t("year.never_filed", count=1, areas=2, names="Thôn Tây")
    assert never in result.output and never in chat  # the chat's standing says the same

    # The web console: the compliance page with no period chosen.
    async with signed_in(filed_late, clock, OFFICER) as web:
        page = await web.get("/web/compliance?place=17662")
    assert page.status_code == 200
    assert re.search(r'<option value="2026-11"\s+selected>', page.text), page.text
    areas = re.search(r'<table class="areas">(.*?)</table>', page.text, re.S)
    assert areas is not None
    rows = dict(re.findall(r"<td>([^<]+)</td><td>([^<]+)</td>", areas.group(1)))
    assert rows == {"Thôn Đông": t("export.filing.late"), "Thôn Tây": t("export.filing.missing")}
