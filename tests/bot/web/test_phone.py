"""The console on a phone (390 CSS pixels wide, Debian's Chromium via Playwright): nothing is
wider than the screen, every button is on it, chart labels stay readable; and the steps that
cannot be undone ask once more, without any script."""

from __future__ import annotations

import pytest

from bot.web.app import build_web_app
from storage._sql import tips
from storage.database import Database
from tests.bot.harness import rows
from tests.bot.tips.harness import ADMIN, OFFICER_A, new_tip
from tests.bot.web.harness import (
    NEEDS_CHROMIUM,
    PHONE,
    browser_signed_in,
    console,
    filed_october,
    scheduled_broadcast,
    shoot,
    stored_tip,
)
from tests.conversations.harness import Clock, t
from tests.fakes.asgi_server import LoopbackASGIServer

pytestmark = NEEDS_CHROMIUM

WIDEST = "() => document.documentElement.scrollWidth"
# The size a chart's label is drawn at on the screen: its font size times the SVG's scale.
LABEL_SIZES = """() => Array.from(document.querySelectorAll('svg text')).map(
    (label) => parseFloat(getComputedStyle(label).fontSize) * label.getScreenCTM().a)"""
# Labels that run past the right edge of their chart (cut off).
LABELS_CUT = """() => Array.from(document.querySelectorAll('svg text')).filter((label) =>
    label.getBoundingClientRect().right > label.ownerSVGElement.getBoundingClientRect().right + 1
).map((label) => label.textContent)"""


async def test_a_long_unbroken_tip_stays_within_a_phones_width(
    sqlite_commune: Database, browser: object
) -> None:
    database = sqlite_commune
    clock = Clock()
    await stored_tip(
        database, clock, "K7Q2M9XD", description="Đ" * 4000, place_text="ngõ" + "9" * 400
    )
    async with LoopbackASGIServer() as server:
        await server.start(build_web_app(database, console(database, clock).routes()))
        page = await browser_signed_in(
            browser, server.url, database, clock, OFFICER_A, viewport=PHONE
        )
        await page.goto(f"{server.url}/web/tips/K7Q2M9XD")
        await shoot(page, "phone-long-tip")
        assert await page.evaluate(WIDEST) <= PHONE["width"]
        assert "Đ" * 100 in await page.inner_text(".description")  # all of it, wrapped


async def test_a_broadcasts_cancel_button_is_on_a_phones_screen(
    sqlite_commune: Database, browser: object
) -> None:
    database = sqlite_commune
    clock = Clock()
    await scheduled_broadcast(database, clock, "Họp dân tối thứ Bảy tại nhà văn hóa thôn", days=1)
    async with LoopbackASGIServer() as server:
        await server.start(build_web_app(database, console(database, clock).routes()))
        page = await browser_signed_in(browser, server.url, database, clock, ADMIN, viewport=PHONE)
        await page.goto(f"{server.url}/web/broadcasts")
        await shoot(page, "phone-broadcasts")
        button = await page.get_by_role("button", name=t("web.broadcasts.cancel")).bounding_box()
        assert button is not None
        assert button["x"] >= 0 and button["x"] + button["width"] <= PHONE["width"]
        assert await page.evaluate(WIDEST) <= PHONE["width"]


async def test_chart_labels_are_readable_on_a_phone_and_none_is_cut(
    sqlite_commune: Database, browser: object
) -> None:
    database = sqlite_commune
    clock = Clock()
    await filed_october(database, clock)
    async with LoopbackASGIServer() as server:
        await server.start(build_web_app(database, console(database, clock).routes()))
        page = await browser_signed_in(browser, server.url, database, clock, ADMIN, viewport=PHONE)
        await page.goto(f"{server.url}/web/compliance?place=17662&period=2026-10")
        await shoot(page, "phone-compliance")
        sizes = await page.evaluate(LABEL_SIZES)
        assert sizes and min(sizes) >= 11, sizes
        assert await page.evaluate(LABELS_CUT) == []
        assert await page.evaluate(WIDEST) <= PHONE["width"]


async def test_closing_a_tip_on_a_phone_asks_to_confirm_without_any_script(
    sqlite_commune: Database, browser: object
) -> None:
    database = sqlite_commune
    clock = Clock()
    code = await new_tip(database, clock)
    async with LoopbackASGIServer() as server:
        await server.start(build_web_app(database, console(database, clock).routes()))
        page = await browser_signed_in(
            browser, server.url, database, clock, OFFICER_A, viewport=PHONE,
            java_script_enabled=False,
        )  # fmt: skip
        await page.goto(f"{server.url}/web/tips/{code}")
        await page.get_by_role("button", name=t("inbox.action.take")).click()
        await page.wait_for_url("**done=take**")
        await page.fill("textarea[name=note]", "Đã xác minh, chuyển công an xã")
        await page.get_by_role("button", name=t("inbox.action.close")).click()
        await page.wait_for_load_state()
        await shoot(page, "phone-confirm-close")
        (tip,) = await rows(database, tips)
        assert tip["status"] != "closed"  # one tap closes nothing
        assert "Đã xác minh, chuyển công an xã" in await page.inner_text("main")
        await page.get_by_role("button", name=t("web.confirm.yes")).click()
        await page.wait_for_url("**done=status**")
        assert t("inbox.status.closed") in await page.inner_text("dd.status")


@pytest.mark.parametrize("width", [390, 1280])
async def test_every_page_fits_the_screen(
    sqlite_commune: Database, browser: object, width: int
) -> None:
    database = sqlite_commune
    clock = Clock()
    code = await new_tip(database, clock)
    await scheduled_broadcast(database, clock, "Họp dân", days=18)
    async with LoopbackASGIServer() as server:
        await server.start(build_web_app(database, console(database, clock).routes()))
        viewport = {"width": width, "height": 844}
        page = await browser_signed_in(
            browser, server.url, database, clock, ADMIN, viewport=viewport
        )
        pages = ("/web/tips", f"/web/tips/{code}", "/web/compliance", "/web/broadcasts")
        for path in (*pages, "/web/exports"):
            await page.goto(f"{server.url}{path}")
            assert await page.evaluate(WIDEST) <= width, path
