"""The web console without a browser: signing in by the chat's link, the security rules every
page keeps, and acting on a tip with the chat's own effects."""

from __future__ import annotations

import asyncio
import re

import pytest

from conversations.web import LOGIN_LINK_MINUTES
from storage._sql import audit_log, outbox, tip_messages, tips
from storage.database import Database
from tests.bot.harness import NAME, Phone, at_menu, make_processor, rows
from tests.bot.tips.harness import ADMIN, ELSEWHERE, OFFICER_A, new_tip
from tests.bot.web.harness import (
    client,
    csrf_of,
    link_from_chat,
    log_in,
    only_role,
    session_ended,
    signed_in,
)
from tests.conversations.harness import Clock, t


async def test_an_officer_signs_in_by_the_chats_link_and_the_cookie_is_guarded(
    commune: Database,
) -> None:
    clock = Clock()
    token = await link_from_chat(commune, clock, OFFICER_A)
    assert token is not None
    async with client(commune, clock) as web:
        answer = await log_in(web, token)
        assert answer.status_code == 303 and answer.headers["location"] == "/web/tips"
        cookie = answer.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
        queue = await web.get("/web/tips")
        assert queue.status_code == 200
        assert queue.headers["x-frame-options"] == "DENY"
        assert queue.headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in queue.headers["content-security-policy"]


async def test_a_link_works_once(commune: Database) -> None:
    clock = Clock()
    token = await link_from_chat(commune, clock, OFFICER_A)
    assert token is not None
    async with client(commune, clock) as first, client(commune, clock) as second:
        assert (await log_in(first, token)).status_code == 303
        assert (await log_in(second, token)).status_code == 403
        assert (await second.get("/web/tips")).headers["location"] == "/web/signin"


async def test_a_link_is_dead_after_ten_minutes(commune: Database) -> None:
    clock = Clock()
    token = await link_from_chat(commune, clock, OFFICER_A)
    assert token is not None
    clock.advance(minutes=11)
    async with client(commune, clock) as web:
        refused = await log_in(web, token)
        assert refused.status_code == 403
        # The page says how long a link works, from the same number the link is made with.
        assert f"quá {LOGIN_LINK_MINUTES} phút" in refused.text and "{minutes}" not in refused.text
        signin = await web.get("/web/signin")
        assert f"trong {LOGIN_LINK_MINUTES} phút" in signin.text


async def test_a_resident_gets_no_link(commune: Database) -> None:
    assert await link_from_chat(commune, Clock(), ("999", "Người dân")) is None


async def test_a_form_without_its_csrf_token_is_refused(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    async with signed_in(commune, clock, OFFICER_A) as web:
        refused = await web.post(f"/web/tips/{code}/act", data={"action": "take"})
        assert refused.status_code == 403
        forged = await web.post(f"/web/tips/{code}/act", data={"action": "take", "csrf": "x"})
        assert forged.status_code == 403
    (tip,) = await rows(commune, tips)
    assert tip["handler_member_id"] is None


async def test_another_communes_tip_answers_404(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)  # in Xã Đô Lương
    async with signed_in(commune, clock, ELSEWHERE) as web:  # an officer of Xã Lương Sơn
        assert (await web.get(f"/web/tips/{code}")).status_code == 404
        assert code not in (await web.get("/web/tips")).text


async def test_a_tip_is_worked_with_the_chats_effects_and_shows_nothing_of_its_sender(
    commune: Database,
) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    async with signed_in(commune, clock, OFFICER_A) as web:
        page = await web.get(f"/web/tips/{code}")
        assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
        # Neither the sender's platform id (77) nor the name their app gave the bot.
        assert not re.search(r"(?<![0-9A-Za-z])77(?![0-9A-Za-z])", page.text)
        assert NAME not in page.text and t("web.tip.anonymous") in page.text
        took = await web.post(
            f"/web/tips/{code}/act", data={"action": "take", "csrf": csrf_of(page)}
        )
        assert took.status_code == 303
        page = await web.get(f"/web/tips/{code}")
        asked = await web.post(
            f"/web/tips/{code}/ask", data={"text": "Biển số xe là gì?", "csrf": csrf_of(page)}
        )
        assert asked.status_code == 303
        no_reason = await web.post(
            f"/web/tips/{code}/act", data={"action": "spam", "note": "", "csrf": csrf_of(page)}
        )
        assert no_reason.status_code == 400
        closed = await web.post(
            f"/web/tips/{code}/act",
            data={"action": "closed", "note": "Đã xử lý", "csrf": csrf_of(page), "confirm": "1"},
        )
        assert closed.status_code == 303
    (tip,) = await rows(commune, tips)
    assert tip["status"] == "closed"
    (question,) = await rows(commune, tip_messages)
    assert question["direction"] == "officer"
    sent = [row for row in await rows(commune, outbox) if row["sealed_route"] is not None]
    assert any("Biển số xe là gì?" in (row["text"] or "") for row in sent)
    actions = [row["action"] for row in await rows(commune, audit_log)]
    assert {"tip.viewed", "tip.taken", "tip.status_changed"} <= set(actions)
    assert {"console.link_sent", "console.login"} <= set(actions)  # who signed in, when


async def test_revoking_a_role_ends_the_members_sessions(commune: Database) -> None:
    from sqlalchemy import update

    from storage._sql import member_roles

    clock = Clock()
    async with signed_in(commune, clock, OFFICER_A) as web:
        assert (await web.get("/web/tips")).status_code == 200
        role = await only_role(commune, OFFICER_A)
        async with commune.transaction() as session:
            await session.execute(
                update(member_roles).where(member_roles.c.id == role).values(revoked_at=clock())
            )
        assert (await web.get("/web/tips")).headers["location"] == "/web/signin"
    assert await session_ended(commune)


async def test_an_admin_revoking_a_role_in_chat_ends_the_members_sessions_at_once(
    commune: Database,
) -> None:
    from tests.bot.tips.harness import ADMIN

    clock = Clock()
    async with signed_in(commune, clock, OFFICER_A) as web:
        assert (await web.get("/web/tips")).status_code == 200
        role = await only_role(commune, OFFICER_A)
        admin = Phone(make_processor(commune, clock), user_id=ADMIN[0], name=ADMIN[1])
        await at_menu(admin)
        await admin.send(text=f"/thuhoi {role}")
        # Ended by the revocation itself, before the browser asks for another page.
        assert await session_ended(commune)
        assert (await web.get("/web/tips")).headers["location"] == "/web/signin"


async def test_antq_roles_revoke_ends_the_members_sessions_at_once(
    sqlite_commune: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from bot.cli import cli

    async with signed_in(sqlite_commune, Clock(), OFFICER_A):
        role = await only_role(sqlite_commune, OFFICER_A)
        monkeypatch.setenv("ANTQ_DATABASE_URL", sqlite_commune.url)
        revoked = await asyncio.to_thread(CliRunner().invoke, cli, ["roles", "revoke", str(role)])
        assert revoked.exit_code == 0, revoked.output
        assert await session_ended(sqlite_commune)


async def test_a_new_link_revokes_the_members_earlier_unused_ones(commune: Database) -> None:
    clock = Clock()
    first = await link_from_chat(commune, clock, OFFICER_A)
    clock.advance(minutes=2)
    second = await link_from_chat(commune, clock, OFFICER_A)
    assert first is not None and second is not None and first != second
    async with client(commune, clock) as web:
        assert (await web.get(f"/web/login/{first}")).status_code == 403
        assert (await log_in(web, first)).status_code == 403
        assert (await log_in(web, second)).status_code == 303


async def test_a_new_link_leaves_other_members_links_alone(commune: Database) -> None:
    clock = Clock()
    officers = await link_from_chat(commune, clock, OFFICER_A)
    await link_from_chat(commune, clock, ADMIN)
    assert officers is not None
    async with client(commune, clock) as web:
        assert (await log_in(web, officers)).status_code == 303
