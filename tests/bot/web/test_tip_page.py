"""One tip's page and the queue: who handles a tip, and writing to a sender who can be reached."""

from __future__ import annotations

import re

import httpx

from storage.database import Database
from tests.bot.tips.harness import OFFICER_B, new_tip, staff
from tests.bot.web.harness import csrf_of, signed_in
from tests.conversations.harness import Clock, t

UNNAMED = ("605", "")  # the console and Zalo give no name


def handler_cell(page: httpx.Response) -> str:
    found = re.search(
        re.escape(f"<dt>{t('web.tip.handler')}</dt><dd>") + r"([^<]*)</dd>", page.text
    )
    assert found is not None, page.text
    return found.group(1)


async def test_the_page_shows_an_unnamed_handler_to_themself_and_by_role_to_others(
    commune: Database,
) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    await staff(commune, UNNAMED, "officer", "17662")
    async with signed_in(commune, clock, UNNAMED) as web:
        page = await web.get(f"/web/tips/{code}")
        await web.post(f"/web/tips/{code}/act", data={"action": "take", "csrf": csrf_of(page)})
        assert handler_cell(await web.get(f"/web/tips/{code}")) == t("web.tip.handler_you")
        queue = await web.get("/web/tips")
        assert f"<td>{t('web.tip.handler_you')}</td>" in queue.text
    async with signed_in(commune, clock, OFFICER_B) as web:
        unnamed = t("web.tip.handler_unnamed", role=t("role.officer"))
        assert handler_cell(await web.get(f"/web/tips/{code}")) == unnamed
        assert f"<td>{unnamed}</td>" in (await web.get("/web/tips")).text
