"""The compliance page against the plan's targets, without a browser: the targets table with
its verdicts, the standing's chart as SVG, the period selector with the first half, "chưa có
số liệu" where nothing was filed, and the place picker of the viewer's own places."""

from __future__ import annotations

import re

import httpx

from bot.targets import YearSettings
from conversations.targets import target_book
from storage.database import Database
from tests.bot.tips.harness import ADMIN, ELSEWHERE, staff
from tests.bot.web.harness import client, filed_october, link_from_chat, log_in, signed_in
from tests.conversations.harness import CATALOGUES, Clock, t

PROVINCE_ADMIN = ("605", "Giám đốc Công an tỉnh")
ZERO_PERCENT = re.compile(r"(?<![\d,.])0([,.]0)?\s?%")  # "0 %", "0,0%": never for no data


def targets_table(page: httpx.Response) -> str:
    found = re.search(r'<table class="targets">(.*?)</table>', page.text, re.S)
    assert found is not None, page.text
    return found.group(1)


def places_offered(page: httpx.Response) -> list[str]:
    found = re.search(r'<select name="place">(.*?)</select>', page.text, re.S)
    assert found is not None, page.text
    return re.findall(r'<option value="([^"]+)"', found.group(1))


def row_of(table: str, name: str) -> str:
    found = re.search(rf"<tr[^>]*><td>{re.escape(name)}</td>(.*?)</tr>", table, re.S)
    assert found is not None, table
    return found.group(1)


async def test_a_month_shows_each_target_with_its_figure_and_verdict(commune: Database) -> None:
    clock = Clock()  # 23/11/2026
    await filed_october(commune, clock)
    async with signed_in(commune, clock, ADMIN) as web:
        page = await web.get("/web/compliance?place=17662&period=2026-10")
    assert page.status_code == 200
    table = targets_table(page)
    propaganda = row_of(table, t("target.propaganda"))
    # 6 of 10 households, every area filed: short of 80 % whatever comes later.
    assert "60,0" in propaganda and t("year.verdict.not_met") in propaganda
    # Registration is recorded in quarter I: none recorded, Thôn Đông named as missing.
    registered = row_of(table, t("target.registered"))
    assert t("year.no_data") in registered and t("year.verdict.unknown") in registered
    assert "Thôn Đông" in registered
    assert not ZERO_PERCENT.search(table)
    chart = page.text.split(t("year.chart.threshold", percent="80%"))[0]
    assert "<svg" in chart and "Thôn Đông" in chart and "60 %" in chart


async def test_a_provinces_own_threshold_in_the_settings_judges_its_communes(
    commune: Database,
) -> None:
    clock = Clock()
    await filed_october(commune, clock)
    token = await link_from_chat(commune, clock, ADMIN)
    assert token is not None
    # ANTQ_TARGETS=40:propaganda=0.5: the province asks half its households, not 80 %.
    year = YearSettings(book=target_book("40:propaganda=0.5"))
    async with client(commune, clock, year) as web:
        assert (await log_in(web, token)).status_code == 303
        page = await web.get("/web/compliance?place=17662&period=2026-10")
    table = targets_table(page)
    propaganda = row_of(table, t("target.propaganda"))
    assert "60,0" in propaganda and "≥ 50%" in propaganda  # against the province's own
    assert f'<tr class="met"><td>{t("target.propaganda")}</td>' in table


async def test_the_first_half_with_nothing_filed_says_no_data_never_zero(
    commune: Database,
) -> None:
    clock = Clock()
    await filed_october(commune, clock)
    async with signed_in(commune, clock, ADMIN) as web:
        page = await web.get("/web/compliance?place=17662&period=2026-H1")
    assert '<option value="2026-H1" selected>' in page.text
    months = re.findall(r"<tr><td>(\d{4}-\d\d)</td>", page.text)  # the filing table
    assert months == [f"2026-{m:02d}" for m in range(1, 7)]
    table = targets_table(page)
    propaganda = row_of(table, t("target.propaganda"))
    figure = re.search(r"<td>(.*?)</td>", propaganda)
    assert figure is not None and figure.group(1) == t("year.no_data")
    assert '<tr class="met">' not in table  # nothing met on no data
    assert not ZERO_PERCENT.search(page.text)


async def test_the_period_selector_offers_the_year_its_first_half_and_months_so_far(
    commune: Database,
) -> None:
    clock = Clock()
    async with signed_in(commune, clock, ADMIN) as web:
        page = await web.get("/web/compliance?place=17662")
    offered = re.findall(r'<option value="(\d{4}(?:-\w+)?)"', page.text)
    assert offered[:3] == ["2026", "2026-H1", "2026-11"]  # this month, 11/2026, chosen
    assert "2026-12" not in offered and "2025-H1" in offered and "2025-12" in offered
    assert '<option value="2026-11" selected>' in page.text


async def test_the_place_picker_lists_the_viewers_places_and_those_below(
    commune: Database,
) -> None:
    clock = Clock()
    await staff(commune, PROVINCE_ADMIN, "admin", "40")
    async with signed_in(commune, clock, ADMIN) as web:
        page = await web.get("/web/compliance")
    assert places_offered(page) == ["17662", "17662-001"]  # the commune, then its hamlet
    assert '<input name="place"' not in page.text  # chosen, not typed
    async with signed_in(commune, clock, PROVINCE_ADMIN) as web:
        page = await web.get("/web/compliance?place=17641")
    group = re.search(r'<optgroup label="Nghệ An">(.*?)</optgroup>', page.text, re.S)
    assert group is not None, page.text
    assert re.findall(r'value="(\d+)"', group.group(1)) == ["40", "17641", "17662"]
    assert 'value="17641" selected' in group.group(1)
    assert "17662-001" not in group.group(1)  # a province lists its communes, not hamlets
    async with signed_in(commune, clock, PROVINCE_ADMIN) as web:
        hamlet = await web.get("/web/compliance?place=17662-001")
    assert places_offered(hamlet)[-1] == "17662-001"  # asked for by its code: kept chosen
    assert 'value="17662-001" selected' in hamlet.text
    # A hamlet's filing is shown; the targets are judged for communes and provinces only.
    assert t("web.compliance.standing_places") in hamlet.text
    assert '<table class="targets">' not in hamlet.text
    async with signed_in(commune, clock, ELSEWHERE) as web:
        page = await web.get("/web/compliance")
    assert places_offered(page) == ["17641"]


async def test_the_page_in_english_says_everything_in_english(commune: Database) -> None:
    clock = Clock()
    await filed_october(commune, clock)
    async with signed_in(commune, clock, ADMIN) as web:
        await web.get("/web/lang/en")
        page = await web.get("/web/compliance?place=17662&period=2026-H1")
    english = CATALOGUES.text("en", "target.propaganda")
    assert english in targets_table(page) and t("target.propaganda") not in page.text
    assert CATALOGUES.text("en", "year.no_data") in targets_table(page)
    assert CATALOGUES.text("en", "year.span.half_year", year=2026) in page.text
    assert not re.search(r">\s*(web|year|target)\.[a-z_.]+\s*<", page.text)
