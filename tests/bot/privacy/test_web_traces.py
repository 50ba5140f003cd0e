"""What the web console leaves behind: the morning run deletes login links and sessions that
open nothing any more, and /dulieucuatoi lists a member's open sessions by their times."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.web.auth import digest
from conversations.localtime import shown
from conversations.replies import Document
from storage._sql import web_login_links, web_sessions
from storage.database import Database
from tests.bot.harness import Phone, at_menu, make_processor, rows
from tests.bot.privacy.harness import mornings
from tests.bot.tips.harness import OFFICER_A
from tests.bot.web.harness import client, csrf_of, link_from_chat, log_in
from tests.conversations.harness import Clock, t


async def test_the_morning_run_deletes_dead_links_and_sessions_and_keeps_open_ones(
    commune: Database,
) -> None:
    clock = Clock()
    # A member's new link revokes their unused ones: each is used before the next is asked.
    async with client(commune, clock) as leaving, client(commune, clock) as staying:
        first = await link_from_chat(commune, clock, OFFICER_A)
        assert first and (await log_in(leaving, first)).status_code == 303
        second = await link_from_chat(commune, clock, OFFICER_A)
        assert second and (await log_in(staying, second)).status_code == 303
        unused = await link_from_chat(commune, clock, OFFICER_A)
        assert unused
        queue = await leaving.get("/web/tips")
        await leaving.post("/web/logout", data={"csrf": csrf_of(queue)})
        runs = mornings(commune, clock)
        await runs.run_daily()  # the unused link still works: nothing of it goes
        assert digest(unused) in {row["token_hash"] for row in await rows(commune, web_login_links)}
        assert len(await rows(commune, web_sessions)) == 1  # the logged-out one went
        clock.advance(minutes=11)
        await runs.run_daily()
        assert await rows(commune, web_login_links) == []  # used or past their 10 minutes
        assert (await staying.get("/web/tips")).status_code == 200  # still signed in
        clock.advance(hours=8)
        await runs.run_daily()
        assert await rows(commune, web_sessions) == []


async def test_my_data_lists_open_web_sessions_by_their_times_only(commune: Database) -> None:
    clock = Clock()
    token = await link_from_chat(commune, clock, OFFICER_A)
    assert token is not None
    async with client(commune, clock) as web:
        await log_in(web, token)
        cookie = web.cookies.get("antq_web") or ""
    officer = Phone(make_processor(commune, clock), user_id=OFFICER_A[0], name=OFFICER_A[1])
    await at_menu(officer)
    clock.advance(minutes=5)
    await officer.send(text="/dulieucuatoi")
    started, expires = clock.now - timedelta(minutes=5), clock.now + timedelta(hours=8, minutes=-5)
    line = t("privacy.my_data.web_session", started=shown(started), expires=shown(expires))
    assert line in officer.text
    (file,) = [reply for reply in officer.replies if isinstance(reply, Document)]
    data = json.loads(file.data)
    assert [set(each) for each in data["web_sessions"]] == [{"started_at", "expires_at"}]
    session_token = cookie.rpartition(".")[0]
    for secret in (token, session_token, digest(session_token), cookie):
        assert secret not in officer.text and secret not in file.data.decode()
    clock.advance(hours=8)  # the session is over: no longer listed
    await officer.send(text="/dulieucuatoi")
    assert t("privacy.my_data.web_session", started=shown(started), expires=shown(expires)) not in (
        officer.text
    )
