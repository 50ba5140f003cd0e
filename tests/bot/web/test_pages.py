"""The console's pages without a browser: the queue's filters and pages, English, logging out,
the login rate limit, files streamed from Telegram, compliance, broadcasts and exports."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta
from types import SimpleNamespace

import httpx
from openpyxl import load_workbook

from bot.web.app import build_web_app
from bot.web.console import ConsoleKit, ConsoleOptions, WebConsole
from bot.web.limits import AttemptLimiter
from bot.web.rendering import Pages
from conversations.tips.report import new_tip_code
from storage._sql import broadcasts, tips
from storage.areas import area_by_code
from storage.broadcasts import NewBroadcast, insert_broadcast
from storage.database import Database
from storage.tips import NewAttachment
from tests.bot.harness import SEALER, phone_at_menu, rows
from tests.bot.tips.harness import ADMIN, ELSEWHERE, OFFICER_A, new_tip
from tests.bot.web.harness import (
    csrf_of,
    link_from_chat,
    log_in,
    scheduled_broadcast,
    signed_in,
    stored_tip,
)
from tests.conversations.harness import CATALOGUES, Clock, t
from tests.fakes.telegram_server import FakeTelegramServer
from tests.harness import wait_until


def codes_on(page: httpx.Response) -> set[str]:
    return set(re.findall(r'href="/web/tips/([A-Z0-9]+)"', page.text))


async def test_the_queue_filters_by_status_and_by_a_tipster_awaiting_an_answer(
    commune: Database,
) -> None:
    clock = Clock()
    first = await new_tip(commune, clock)
    clock.advance(hours=30)
    async with signed_in(commune, clock, OFFICER_A) as web:
        queue = await web.get("/web/tips")
        assert codes_on(queue) == {first}
        assert "/web/tips/" + first in queue.text
        page = await web.get(f"/web/tips/{first}")
        await web.post(f"/web/tips/{first}/act", data={"action": "take", "csrf": csrf_of(page)})
        assert codes_on(await web.get("/web/tips?status=received")) == set()
        assert codes_on(await web.get("/web/tips?status=acknowledged")) == {first}
        assert codes_on(await web.get("/web/tips?age=1d")) == {first}
        assert codes_on(await web.get("/web/tips?age=7d")) == set()
        assert codes_on(await web.get("/web/tips?waiting=1")) == set()
        tipster = await phone_at_menu(commune, clock, "77")
        await tipster.send(text=f"/bosung {first}")
        await tipster.send(text="Thêm: xe màu đen")
        await tipster.send(text="xong")
        assert codes_on(await web.get("/web/tips?waiting=1")) == {first}


async def test_the_queue_comes_in_pages_of_25(commune: Database) -> None:
    clock = Clock()
    for _ in range(26):
        await new_tip_quickly(commune, clock)
    async with signed_in(commune, clock, OFFICER_A) as web:
        first = await web.get("/web/tips")
        assert len(codes_on(first)) == 25 and t("web.page.of", page=1, pages=2) in first.text
        second = await web.get("/web/tips?page=2")
        assert len(codes_on(second)) == 1 and not codes_on(second) & codes_on(first)


async def new_tip_quickly(database: Database, clock: Clock) -> None:
    """A tip of Xã Đô Lương from a tipster on Telegram, a minute after the last one."""
    route = SEALER.seal_route("telegram", "77")
    await stored_tip(database, clock, new_tip_code(), sender_route=route)
    clock.advance(minutes=1)


async def test_english_pages_say_everything_in_english(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    async with signed_in(commune, clock, OFFICER_A) as web:
        await web.get("/web/lang/en")
        page = await web.get(f"/web/tips/{code}")
        english = CATALOGUES.text("en", "web.tip.history")
        assert english in page.text and t("web.tip.history") not in page.text
        assert not re.search(r">\s*web\.[a-z_.]+\s*<", page.text)  # no key left untranslated


async def test_logging_out_ends_the_session(commune: Database) -> None:
    clock = Clock()
    async with signed_in(commune, clock, OFFICER_A) as web:
        queue = await web.get("/web/tips")
        cookie = web.cookies.get("antq_web")
        assert (await web.post("/web/logout", data={"csrf": csrf_of(queue)})).status_code == 200
        web.cookies.set("antq_web", cookie or "", path="/web")  # a copy kept of the cookie
        assert (await web.get("/web/tips")).headers["location"] == "/web/signin"


async def test_the_login_link_endpoint_is_rate_limited(commune: Database) -> None:
    clock = Clock()
    limiter = AttemptLimiter(commune, attempts=3, window_seconds=60, clock=clock)
    kit = ConsoleKit(commune, SEALER, CATALOGUES, ConsoleOptions(clock=clock))
    console = WebConsole(kit, login_limiter=limiter)
    app = build_web_app(commune, console.routes())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://c"
    ) as web:
        answers = [(await web.get(f"/web/login/guess{n}")).status_code for n in range(4)]
    assert answers == [403, 403, 403, 429]


async def test_a_telegram_file_is_streamed_through_without_the_token(commune: Database) -> None:
    clock = Clock()
    async with FakeTelegramServer() as telegram:
        photo = b"\xff\xd8\xff" + b"jpeg" * 100
        file_id = telegram.add_file(photo, file_path="photos/file_1.jpg")
        attachments = (NewAttachment("photo", "telegram", file_id),)
        await stored_tip(commune, clock, "K7Q2M9XD", attachments=attachments)
        token = await link_from_chat(commune, clock, OFFICER_A)
        assert token is not None
        options = ConsoleOptions(
            clock=clock, telegram_token=telegram.token, telegram_base_url=telegram.base_url
        )
        kit = ConsoleKit(commune, SEALER, CATALOGUES, options)
        app = build_web_app(commune, WebConsole(kit).routes())
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://c") as web:
            await log_in(web, token)
            page = await web.get("/web/tips/K7Q2M9XD")
            assert telegram.token not in page.text and file_id not in page.text
            shown = await web.get("/web/tips/K7Q2M9XD/files/a0")
    assert shown.status_code == 200 and shown.content == photo
    assert shown.headers["content-type"] == "image/jpeg"
    assert shown.headers["cache-control"] == "no-store"


async def test_compliance_of_another_commune_answers_404_and_a_year_lists_its_months(
    commune: Database,
) -> None:
    clock = Clock()  # 23/11/2026
    async with signed_in(commune, clock, ELSEWHERE) as web:
        assert (await web.get("/web/compliance?place=17662")).status_code == 404
    async with signed_in(commune, clock, ADMIN) as web:
        year = await web.get("/web/compliance?place=17662&period=2026")
        assert year.status_code == 200
        assert "2026-01" in year.text and "2026-11" in year.text and "2026-12" not in year.text


async def test_an_admin_cancels_a_broadcast_through_the_chats_effect(commune: Database) -> None:
    clock = Clock()
    async with commune.transaction() as session:
        area = await area_by_code(session, "17662")
        assert area is not None
        broadcast_id = await insert_broadcast(
            session,
            NewBroadcast(
                None, area.id, {"area_ids": [area.id], "roles": [], "channels": []},
                "Họp dân tối thứ Bảy", None, None, "scheduled", clock() + timedelta(days=1),
                None, clock(),
            ),
        )  # fmt: skip
    async with signed_in(commune, clock, OFFICER_A) as web:  # an officer: no broadcasts
        assert (await web.get("/web/broadcasts")).status_code == 404
    async with signed_in(commune, clock, ADMIN) as web:
        listed = await web.get("/web/broadcasts")
        assert "Họp dân tối thứ Bảy" in listed.text
        cancel = await web.post(
            f"/web/broadcasts/{broadcast_id}/cancel", data={"csrf": csrf_of(listed), "confirm": "1"}
        )
        assert cancel.status_code == 303
    (row,) = await rows(commune, broadcasts)
    assert row["status"] == "cancelled"


async def exported(web: httpx.AsyncClient, subject: str, format: str) -> httpx.Response:
    """Start an export and download it once the page offers it."""
    page = await web.get("/web/exports")
    started = await web.post(
        "/web/exports",
        data={"csrf": csrf_of(page), "place": "17662", "subject": subject, "format": format},
    )
    assert started.status_code == 303

    async def ready_link() -> str | None:
        page = await web.get("/web/exports")
        link = re.search(r'href="(/web/exports/[^"]+)"', page.text)
        if link is None:  # still being written: a link to look again, no reloading page
            assert 'http-equiv="refresh"' not in page.text
            assert t("web.exports.refresh") in page.text
        return link.group(1) if link else None

    link = await wait_until(ready_link, what="the export finishing")
    file = await web.get(link)
    assert (await web.get(link)).status_code == 404  # downloaded once only
    return file


async def test_an_export_is_made_in_the_background_and_downloaded_once(commune: Database) -> None:
    clock = Clock()
    await new_tip(commune, clock)
    async with signed_in(commune, clock, OFFICER_A) as web:
        file = await exported(web, "tips", "xlsx")
        assert file.status_code == 200
        sheet = load_workbook(io.BytesIO(file.content)).active
        assert sheet is not None and sheet.max_row == 2  # the heading and the one tip
        reports = await exported(web, "reports", "csv")
    # The monthly updates' sheets come as CSV files in one ZIP, as from the command line.
    assert reports.headers["content-type"] == "application/zip"
    assert "antq-reports-17662-" in reports.headers["content-disposition"]
    assert zipfile.ZipFile(io.BytesIO(reports.content)).namelist()


async def test_the_movements_year_is_offered_by_its_name_and_exported_for_this_year(
    commune: Database,
) -> None:
    clock = Clock()
    async with signed_in(commune, clock, OFFICER_A) as web:
        page = await web.get("/web/exports")
        assert "web.exports.subject" not in page.text  # every subject by its name
        year = await exported(web, "year", "xlsx")
    assert f"antq-year-17662-{clock().year}.xlsx" in year.headers["content-disposition"]
    sheets = load_workbook(io.BytesIO(year.content)).sheetnames
    # The targets in force, the year of the areas and communes, the agencies, businesses and
    # schools with their reach, then the year's commendations.
    assert len(sheets) == 4


async def test_a_tip_taken_in_chat_meanwhile_is_not_taken_again_from_the_page(
    commune: Database,
) -> None:
    from tests.bot.tips.harness import OFFICER_B, act, member_id, officer_phone

    clock = Clock()
    code = await new_tip(commune, clock)
    async with signed_in(commune, clock, OFFICER_A) as web:
        page = await web.get(f"/web/tips/{code}")  # the page offers "take"
        await act(await officer_phone(commune, clock, OFFICER_B), code, "take")
        late = await web.post(
            f"/web/tips/{code}/act", data={"action": "take", "csrf": csrf_of(page)}
        )
        assert late.status_code == 409 and t("web.not_allowed_now") in late.text
    (tip,) = await rows(commune, tips)
    assert tip["handler_member_id"] == await member_id(commune, OFFICER_B)


async def test_a_zalo_file_opens_at_its_own_address(commune: Database) -> None:
    clock = Clock()
    address = "https://photo.zalo.example/f/abc.jpg"
    attachments = (NewAttachment("photo", "zalo", address),)
    await stored_tip(commune, clock, "Z7Q2M9XD", attachments=attachments)
    async with signed_in(commune, clock, OFFICER_A) as web:
        page = await web.get("/web/tips/Z7Q2M9XD")
        assert 'href="/web/tips/Z7Q2M9XD/files/a0"' in page.text and address not in page.text
        opened = await web.get("/web/tips/Z7Q2M9XD/files/a0")
    assert opened.status_code == 303 and opened.headers["location"] == address
    assert opened.headers["referrer-policy"] == "no-referrer"


async def test_a_broadcast_due_in_days_shows_days_left_not_a_minute(commune: Database) -> None:
    clock = Clock()
    await scheduled_broadcast(commune, clock, "Ngày hội toàn dân", days=18, hours=3)
    await scheduled_broadcast(commune, clock, "Họp dân", hours=3)
    async with signed_in(commune, clock, ADMIN) as web:
        listed = await web.get("/web/broadcasts")
    assert t("web.broadcasts.days", days=18, hours=3) in listed.text
    assert t("web.broadcasts.hours", hours=3, minutes=0) in listed.text
    assert t("web.broadcasts.minutes", minutes=1) not in listed.text


async def test_the_exports_page_never_reloads_itself_and_offers_a_link_to_look_again() -> None:
    working = SimpleNamespace(
        name="antq-tips-17662.xlsx", failed=False, done=False, started_at=Clock()()
    )
    page = Pages(CATALOGUES).render(
        "exports.html", "vi", viewer=None, csrf="", path="/web/exports", own=[],
        jobs={"key": working}, working=True, subjects=[], formats=(), now=Clock()(),
    )  # fmt: skip
    html = page.body.decode()
    assert 'http-equiv="refresh"' not in html
    assert f'<a href="/web/exports" class="refresh">{t("web.exports.refresh")}</a>' in html


def headings(page: httpx.Response) -> list[str]:
    """The text of every column heading of the page (hidden text included)."""
    found = re.findall(r"<th[^>]*>(.*?)</th>", page.text, re.S)
    return [re.sub(r"<[^>]+>", "", heading).strip() for heading in found]


async def test_every_table_column_has_a_heading(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    await scheduled_broadcast(commune, clock, "Họp dân", days=1)
    pages = ("/web/tips", f"/web/tips/{code}", "/web/compliance", "/web/broadcasts")
    async with signed_in(commune, clock, ADMIN) as web:
        for path in (*pages, "/web/exports"):
            page = await web.get(path)
            assert page.status_code == 200, path
            assert all(headings(page)), (path, headings(page))
        broadcasts_page = await web.get("/web/broadcasts")
    assert t("web.broadcasts.actions") in headings(broadcasts_page)
