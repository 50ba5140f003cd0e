"""The console end to end in a real browser (Debian's Chromium, headless, via Playwright).

An officer works a tip from the queue to closing, with a question to the anonymous tipster that
leaves through the outbox; an admin reads the compliance of a commune with one late area. Each
run writes screenshots of the main pages to tests/artifacts/web/ (not committed).
"""

from __future__ import annotations

from datetime import timedelta

from bot.web.app import build_web_app
from bot.web.auth import issue_login_link
from conversations.fields import format_tip_code
from conversations.web import LOGIN_LINK_MINUTES
from storage.database import Database
from tests.bot.delivery.harness import FakeClock, RecordingTransport, sender
from tests.bot.harness import SEALER, phone_at_menu
from tests.bot.tips.harness import ADMIN, ELSEWHERE, OFFICER_A, new_tip, staff_id
from tests.bot.web.harness import NEEDS_CHROMIUM, console, filed_october, link_from_chat, shoot
from tests.conversations.harness import Clock, t
from tests.fakes.asgi_server import LoopbackASGIServer

pytestmark = NEEDS_CHROMIUM


async def test_an_officer_works_a_tip_from_the_queue_to_closing(
    sqlite_commune: Database, browser: object
) -> None:
    database = sqlite_commune
    clock = Clock()
    code = await new_tip(database, clock)
    token = await link_from_chat(database, clock, OFFICER_A)
    assert token is not None
    async with LoopbackASGIServer() as server:
        await server.start(build_web_app(database, console(database, clock).routes()))
        page = await browser.new_page()  # type: ignore[attr-defined]
        await page.goto(f"{server.url}/web/login/{token}")
        await shoot(page, "1-login")
        await page.get_by_role("button", name=t("web.login.button")).click()
        await page.wait_for_url("**/web/tips")
        await page.select_option("select[name=status]", "received")
        await page.get_by_role("button", name=t("web.filter.apply")).click()
        await page.wait_for_url("**status=received**")
        await shoot(page, "2-queue")
        await page.get_by_role("link", name=format_tip_code(code)).click()
        await page.wait_for_url(f"**/web/tips/{code}")
        assert t("web.tip.anonymous") in await page.inner_text("dl.fields")

        await page.get_by_role("button", name=t("inbox.action.take")).click()
        await page.wait_for_url("**done=take**")
        await page.fill("textarea[name=text]", "Xe đỗ ở đầu ngõ mấy giờ?")
        await page.get_by_role("button", name=t("web.ask.send")).click()
        await page.wait_for_url("**done=ask**")
        thread = await page.inner_text("ol.thread")
        assert t("web.thread.officer") in thread and "Xe đỗ ở đầu ngõ mấy giờ?" in thread
        # The question leaves through the outbox on the tip's sealed route, to the tipster (77).
        transport = RecordingTransport()
        outbox = sender(
            database, transport, FakeClock(clock()), open_route=lambda s: SEALER.open_route(s)[1]
        )
        assert await outbox.deliver_due() >= 1
        assert any("Xe đỗ ở đầu ngõ mấy giờ?" in text for text in transport.sent["77"])
        # The tipster answers in chat, by the tip's code; the officer reads it in the browser.
        tipster = await phone_at_menu(database, clock, "77")
        await tipster.send(text=f"/bosung {code}")
        await tipster.send(text="Khoảng 22 giờ hằng đêm")
        await tipster.send(text="xong")
        await page.reload()
        thread = await page.inner_text("ol.thread")
        assert t("web.thread.tipster") in thread and "Khoảng 22 giờ hằng đêm" in thread
        await shoot(page, "3-tip-thread")

        await page.fill("textarea[name=note]", "Đã xác minh, chuyển công an xã")
        await page.get_by_role("button", name=t("inbox.action.close")).click()
        await page.get_by_role("button", name=t("web.confirm.yes")).click()  # cannot be undone
        await page.wait_for_url("**done=status**")
        assert t("inbox.status.closed") in await page.inner_text("dd.status")
        await shoot(page, "4-tip-closed")
        await page.set_viewport_size({"width": 390, "height": 844})  # a phone
        await page.goto(f"{server.url}/web/tips")
        await shoot(page, "7-queue-on-a-phone")


async def test_an_admin_sees_a_communes_late_area(
    sqlite_commune: Database, browser: object
) -> None:
    database = sqlite_commune
    clock = Clock()
    await filed_october(database, clock, late=True)
    token = await link_from_chat(database, clock, ADMIN)
    assert token is not None
    async with LoopbackASGIServer() as server:
        await server.start(build_web_app(database, console(database, clock).routes()))
        page = await browser.new_page()  # type: ignore[attr-defined]
        await page.goto(f"{server.url}/web/login/{token}")
        await page.get_by_role("button", name=t("web.login.button")).click()
        await page.wait_for_url("**/web/tips")
        await page.goto(f"{server.url}/web/compliance?place=17662&period=2026-10")
        areas = await page.inner_text("table.areas")
        assert "Thôn Đông" in areas and t("export.filing.late") in areas
        assert await page.locator("svg").count() >= 3  # filing, coverage, and the standing's
        targets = await page.inner_text("table.targets")
        assert t("target.propaganda") in targets and t("year.verdict.not_met") in targets
        await shoot(page, "5-compliance")


async def test_the_browser_is_refused_what_it_may_not_have(
    sqlite_commune: Database, browser: object
) -> None:
    database = sqlite_commune
    clock = Clock()
    code = await new_tip(database, clock)  # a tip of Xã Đô Lương
    await phone_at_menu(database, clock, "901")  # a resident
    async with database.transaction() as session:
        # A link made for a resident (the chat gives them none): the link itself opens nothing.
        resident_token = await issue_login_link(
            session, await staff_id(database, "901"), now=clock(), lifetime=timedelta(minutes=10)
        )
    token = await link_from_chat(database, clock, ELSEWHERE)  # an officer of Xã Lương Sơn
    assert token is not None
    async with LoopbackASGIServer() as server:
        await server.start(build_web_app(database, console(database, clock).routes()))
        page = await browser.new_page()  # type: ignore[attr-defined]
        refused = await page.goto(f"{server.url}/web/login/{resident_token}")
        assert refused.status == 403 and t(
            "web.link_invalid", minutes=LOGIN_LINK_MINUTES
        ) in await page.inner_text("main")

        await page.goto(f"{server.url}/web/login/{token}")
        await page.get_by_role("button", name=t("web.login.button")).click()
        await page.wait_for_url("**/web/tips")
        again = await (await browser.new_page()).goto(f"{server.url}/web/login/{token}")  # type: ignore[attr-defined]
        assert again.status == 403  # the link was used

        other = await page.goto(f"{server.url}/web/tips/{code}")
        assert other.status == 404
        await shoot(page, "6-another-communes-tip")
        # The browser's own cookies, a form without its token.
        posted = await page.context.request.post(
            f"{server.url}/web/tips/{code}/act", form={"action": "take"}
        )
        assert posted.status == 403
