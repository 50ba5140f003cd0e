"""Linking the console's account with another chat account: the console shows a one-time code
made as the chat makes it (same lifetime; the account typing it is held to the same wrong-code
limits), the person sends ``/lienket CODE`` from their Zalo, and the console lists both
accounts; in a real browser, and without one on both databases."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.web.app import build_web_app
from storage._sql import identities
from storage.database import Database
from storage.linking import link_codes
from tests.bot.harness import at_menu, make_processor, rows
from tests.bot.linking.phones import ChannelPhone
from tests.bot.tips.harness import OFFICER_A
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

ZALO_USER = "zl-601"
CODE = re.compile(r"/lienket ([0-9A-Z]{4}-[0-9A-Z]{4})")


async def zalo_at_menu(database: Database, clock: Clock) -> ChannelPhone:
    """The officer's own Zalo account, past the language and the notice."""
    phone = ChannelPhone(make_processor(database, clock), ZALO_USER, "zalo")
    await at_menu(phone)
    return phone


def listed(page: str) -> str:
    """The list of one's accounts on the page."""
    found = re.search(r'<ul class="accounts">(.*?)</ul>', page, re.S)
    assert found is not None, page
    return found.group(1)


async def members_of_both(database: Database) -> set[int]:
    return {
        int(str(row["member_id"]))
        for row in await rows(database, identities)
        if (row["channel"], row["platform_user_id"]) in {("telegram", "601"), ("zalo", ZALO_USER)}
    }


async def test_the_console_gives_a_code_the_chat_links_with(commune: Database) -> None:
    database, clock = commune, Clock()
    zalo = await zalo_at_menu(database, clock)
    async with signed_in(database, clock, OFFICER_A) as web:
        page = await web.get("/web/link")
        assert page.status_code == 200 and t("linking.web.intro", minutes=10) in page.text
        assert "<li>" + t("linking.channel.telegram") + "</li>" in listed(page.text)
        assert t("linking.channel.zalo") not in listed(page.text)
        made = await web.post("/web/link", data={"csrf": csrf_of(page)})
        found = CODE.search(made.text)
        assert found is not None, made.text
        (stored,) = await rows(database, link_codes)
        assert stored["expires_at"] == clock.now + timedelta(minutes=10)
        # No form token: refused, and no code made.
        assert (await web.post("/web/link", data={})).status_code == 403

        assert len(await members_of_both(database)) == 2
        await zalo.send(text=f"/lienket {found.group(1)}")
        assert t("linking.linked") in zalo.text
        assert len(await members_of_both(database)) == 1
        # The officer stays signed in, their roles now the Zalo account's too.
        page = await web.get("/web/link")
        assert page.status_code == 200
        accounts = listed(page.text)
        assert t("linking.channel.telegram") in accounts and t("linking.channel.zalo") in accounts
        # Notices go to the account used last: the Zalo the code was sent from.
        assert f"{t('linking.channel.zalo')} — {t('linking.web.notices_here')}" in accounts
        assert (await web.get("/web/tips")).status_code == 200


async def test_a_console_code_expires_as_the_chats_do(commune: Database) -> None:
    database, clock = commune, Clock()
    zalo = await zalo_at_menu(database, clock)
    async with signed_in(database, clock, OFFICER_A) as web:
        page = await web.get("/web/link")
        clock.advance(seconds=30)  # made half a minute past the minute
        made = await web.post("/web/link", data={"csrf": csrf_of(page)})
        found = CODE.search(made.text)
        assert found is not None
        (stored,) = await rows(database, link_codes)
        clock.now = stored["expires_at"] + timedelta(seconds=1)
        await zalo.send(text=f"/lienket {found.group(1)}")
        assert t("linking.not_found") in zalo.text
        assert len(await members_of_both(database)) == 2


@NEEDS_CHROMIUM
async def test_an_officer_links_their_zalo_from_the_browser(
    sqlite_commune: Database, browser: object
) -> None:
    database, clock = sqlite_commune, Clock()
    zalo = await zalo_at_menu(database, clock)
    async with LoopbackASGIServer() as server:
        await server.start(build_web_app(database, console(database, clock).routes()))
        page = await browser_signed_in(browser, server.url, database, clock, OFFICER_A)
        await page.get_by_role("link", name=t("menu.link")).click()
        await page.wait_for_url("**/web/link")
        await page.get_by_role("button", name=t("linking.option.new")).click()
        shown = await page.inner_text("p.link-code")
        found = CODE.search(shown)
        assert found is not None, shown
        await shoot(page, "8-link-code")

        await zalo.send(text=found.group(0))
        assert t("linking.linked") in zalo.text
        await page.goto(f"{server.url}/web/link")
        listed = await page.inner_text("ul.accounts")
        assert t("linking.channel.telegram") in listed and t("linking.channel.zalo") in listed
        await shoot(page, "9-linked-accounts")
