"""Opinions on the web console, beside the tips and never mixed with them: the queue of one's
places, one opinion with its thread, answering it and marking it done, the CSV and XLSX files;
another commune's officer gets 404; and the same in a real browser."""

from __future__ import annotations

import io
import zipfile

from bot.web.app import build_web_app
from conversations.fields import format_tip_code
from storage._sql import outbox
from storage.database import Database
from storage.opinions import opinion_answers, opinions
from tests.bot.harness import rows
from tests.bot.opinions.harness import WORDS, send_opinion
from tests.bot.tips.harness import ADMIN, ELSEWHERE, OFFICER_A
from tests.bot.web.harness import (
    NEEDS_CHROMIUM,
    browser_signed_in,
    console,
    csrf_of,
    shoot,
    signed_in,
)
from tests.conversations.harness import Clock, t
from tests.fakes.asgi_server import LoopbackASGIServer

ANSWER = "Xã đã báo điện lực, sẽ thay bóng đèn trong tuần này."


async def stored_code(database: Database) -> str:
    (opinion,) = await rows(database, opinions)
    return str(opinion["code"])


async def test_an_officer_answers_an_opinion_and_marks_it_done(commune: Database) -> None:
    clock = Clock()
    await send_opinion(commune, clock, "anonymous")
    code = await stored_code(commune)
    async with signed_in(commune, clock, OFFICER_A) as web:
        queue = await web.get("/web/opinions")
        assert queue.status_code == 200 and format_tip_code(code) in queue.text
        assert 'href="/web/opinions"' in queue.text  # the nav offers it beside the tips
        tips = await web.get("/web/tips")
        assert WORDS[:30] not in tips.text  # never mixed with the tips
        page = await web.get(f"/web/opinions/{code}")
        assert WORDS in page.text and t("opinions.sender.anonymous") in page.text
        short = await web.post(
            f"/web/opinions/{code}/answer", data={"csrf": csrf_of(page), "text": "x"}
        )
        assert short.status_code == 400 and 'value="x"' not in short.text
        sent = await web.post(
            f"/web/opinions/{code}/answer", data={"csrf": csrf_of(page), "text": ANSWER}
        )
        assert sent.status_code == 303
        page = await web.get(sent.headers["location"])
        assert t("opinions.web.answered") in page.text and ANSWER in page.text
        done = await web.post(f"/web/opinions/{code}/done", data={"csrf": csrf_of(page)})
        assert done.status_code == 303
        page = await web.get(done.headers["location"])
        assert t("opinions.status.done") in page.text
        assert 'action="/web/opinions/' not in page.text  # no more forms once done
        assert format_tip_code(code) not in (await web.get("/web/opinions")).text
        assert format_tip_code(code) in (await web.get("/web/opinions?show=done")).text
    assert [row["text"] for row in await rows(commune, opinion_answers)] == [ANSWER]
    # Through the chat's own effects: the answer and "done" went back on the sealed route.
    keys = [row["text"] for row in await rows(commune, outbox) if row["sealed_route"]]
    assert len(keys) == 2


async def test_the_opinions_file_holds_them_without_their_senders(commune: Database) -> None:
    clock = Clock()
    await send_opinion(commune, clock, "named")
    code = format_tip_code(await stored_code(commune))
    async with signed_in(commune, clock, ADMIN) as web:  # the commune's admin too
        csv_file = await web.get("/web/opinions/file/csv")
        xlsx_file = await web.get("/web/opinions/file/xlsx")
        assert (await web.get("/web/opinions/file/pdf")).status_code == 404
    assert csv_file.status_code == 200 and "attachment" in csv_file.headers["content-disposition"]
    text = csv_file.content.decode("utf-8-sig")
    assert code in text and WORDS in text and t("opinions.sender.named") in text
    assert "Nguyễn" not in text  # the sender's name (tests.bot.harness.NAME) is never written
    with zipfile.ZipFile(io.BytesIO(xlsx_file.content)) as book:
        assert any(WORDS in book.read(name).decode() for name in book.namelist())


async def test_another_communes_officer_gets_no_such_opinion(commune: Database) -> None:
    clock = Clock()
    await send_opinion(commune, clock, "anonymous")
    code = await stored_code(commune)
    async with signed_in(commune, clock, ELSEWHERE) as web:
        assert (await web.get(f"/web/opinions/{code}")).status_code == 404
        assert format_tip_code(code) not in (await web.get("/web/opinions")).text
        answered = await web.post(f"/web/opinions/{code}/answer", data={"text": ANSWER})
        assert answered.status_code in (403, 404)
    assert await rows(commune, opinion_answers) == []


@NEEDS_CHROMIUM
async def test_in_a_browser_an_officer_answers_from_the_opinions_queue(
    sqlite_commune: Database, browser: object
) -> None:
    database = sqlite_commune
    clock = Clock()
    await send_opinion(database, clock, "anonymous")
    code = format_tip_code(await stored_code(database))
    async with LoopbackASGIServer() as server:
        await server.start(build_web_app(database, console(database, clock).routes()))
        page = await browser_signed_in(browser, server.url, database, clock, OFFICER_A)
        await page.get_by_role("link", name=t("opinions.web.nav")).click()
        await page.wait_for_url("**/web/opinions")
        await shoot(page, "opinions-1-queue")
        await page.get_by_role("link", name=code).click()
        await page.wait_for_url("**/web/opinions/*")
        await page.fill("textarea[name=text]", ANSWER)
        await page.get_by_role("button", name=t("opinions.web.send")).click()
        await page.wait_for_url("**done=answer**")
        assert ANSWER in await page.inner_text("ol.thread")
        await page.get_by_role("button", name=t("opinions.action.done")).click()
        await page.wait_for_url("**done=done**")
        await shoot(page, "opinions-2-done")
        assert t("opinions.status.done") in await page.inner_text("dl.fields")
