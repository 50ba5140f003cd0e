"""Helpers of the web console's tests: a console on the test database, a browser-less client,
logging in the way an officer does (``/web`` in chat, then the link), and what pages show."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.targets import YearSettings
from bot.web.app import build_web_app
from bot.web.console import ConsoleKit, ConsoleOptions, WebConsole
from conversations.monthly_reports import REPORT_FIELDS
from storage._sql import member_roles, web_sessions
from storage.areas import area_by_code
from storage.broadcasts import NewBroadcast, insert_broadcast
from storage.database import Database
from storage.monthly_reports import NewReport, insert_report
from storage.tips import NewAttachment, NewTip, insert_tip
from tests.bot.harness import SEALER, Phone, at_menu, make_processor, member_with_roles, rows
from tests.conversations.harness import CATALOGUES, Clock

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "web"
NEEDS_CHROMIUM = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install chromium)"
)
# A phone's screen, in CSS pixels.
PHONE = {"width": 390, "height": 844}

LINK = re.compile(r"https?://\S+/web/login/([A-Za-z0-9_-]+)")


def console(database: Database, clock: Clock, year: YearSettings | None = None) -> WebConsole:
    options = ConsoleOptions(clock=clock, year=year or YearSettings())
    return WebConsole(ConsoleKit(database, SEALER, CATALOGUES, options))


def client(
    database: Database,
    clock: Clock,
    year: YearSettings | None = None,
    *,
    raise_app_exceptions: bool = True,
) -> httpx.AsyncClient:
    """A client of the console; ``year``: the targets the settings put in force. With
    ``raise_app_exceptions`` off, an unhandled error comes back as the server's 500."""
    app = build_web_app(database, console(database, clock, year).routes())
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
    return httpx.AsyncClient(transport=transport, base_url="http://console")


async def link_from_chat(database: Database, clock: Clock, user: tuple[str, str]) -> str | None:
    """What ``/web`` in chat gives ``user``: the login token of the link, or None."""
    phone = Phone(make_processor(database, clock), user_id=user[0], name=user[1])
    await at_menu(phone)
    await phone.send(text="/web")
    found = LINK.search(phone.text)
    return found.group(1) if found else None


async def log_in(web: httpx.AsyncClient, token: str) -> httpx.Response:
    """Open the link and press the button, as a browser would; the last response."""
    page = await web.get(f"/web/login/{token}")
    if page.status_code != 200:
        return page
    form = re.search(r'name="login_csrf" value="([^"]+)"', page.text)
    assert form is not None, page.text
    return await web.post("/web/login", data={"token": token, "login_csrf": form.group(1)})


@asynccontextmanager
async def signed_in(
    database: Database, clock: Clock, user: tuple[str, str], *, raise_app_exceptions: bool = True
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the console that ``user`` has logged in to by the link from the chat."""
    token = await link_from_chat(database, clock, user)
    assert token is not None
    async with client(database, clock, raise_app_exceptions=raise_app_exceptions) as web:
        assert (await log_in(web, token)).status_code == 303
        yield web


async def only_role(database: Database, user: tuple[str, str]) -> int:
    """The id of ``user``'s one role."""
    member = await member_with_roles(database, user[0])
    (role,) = [row for row in await rows(database, member_roles) if row["member_id"] == member]
    return int(role["id"])  # type: ignore[call-overload]


async def session_ended(database: Database) -> bool:
    """Whether the console's one session has ended."""
    (session,) = await rows(database, web_sessions)
    return session["ended_at"] is not None


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None, page.text
    return found.group(1)


async def filed_october(database: Database, clock: Clock, *, late: bool = False) -> None:
    """Thôn Đông, the commune's one area, filed October: 6 of its 10 households pledged."""
    async with database.transaction() as session:
        area = await area_by_code(session, "17662-001")
        assert area is not None
        values = {name: 10 for name in REPORT_FIELDS} | {
            "households_pledged": 6,
            "notable_events": None,
            "proposals": None,
        }
        await insert_report(
            session,
            NewReport(area.id, "2026-10", date(2026, 11, 5), late, None, values),
            now=clock(),
        )


async def stored_tip(
    database: Database,
    clock: Clock,
    code: str,
    *,
    attachments: tuple[NewAttachment, ...] = (),
    sender_route: bytes | None = None,
    description: str = "Mất xe đạp",
    place_text: str | None = None,
) -> None:
    """An anonymous tip of Xã Đô Lương stored directly (a chat per tip would take long)."""
    async with database.transaction() as session:
        area = await area_by_code(session, "17662")
        assert area is not None
        await insert_tip(
            session,
            NewTip(
                code=code, category="theft", description=description, place_text=place_text,
                latitude=None, longitude=None, place_unknown=True, occurred_date=None,
                occurred_time=None, occurred_unknown=True, anonymous=True, member_id=None,
                contact_phone=None, sender_route=sender_route, locale="vi", received_at=clock(),
                attachments=attachments, area_id=area.id,
            ),
        )  # fmt: skip


async def shoot(page: object, name: str) -> None:
    """A full-page screenshot in tests/artifacts/web/ (not committed), to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


async def browser_signed_in(
    browser: object, url: str, database: Database, clock: Clock, user: tuple[str, str], **page: Any
) -> Any:
    """A new page of ``browser`` (``page``: Playwright's options, say a phone's viewport) that
    ``user`` has signed in on by the chat's link, at the queue."""
    token = await link_from_chat(database, clock, user)
    assert token is not None
    context = await browser.new_context(**page)  # type: ignore[attr-defined]
    opened = await context.new_page()
    await opened.goto(f"{url}/web/login/{token}")
    await opened.get_by_role("button", name=CATALOGUES.text("vi", "web.login.button")).click()
    await opened.wait_for_url("**/web/tips")
    return opened


async def scheduled_broadcast(
    database: Database, clock: Clock, text: str, *, days: float = 0, hours: float = 0
) -> int:
    """A broadcast of Xã Đô Lương to go out ``days`` and ``hours`` from now; its id."""
    async with database.transaction() as session:
        area = await area_by_code(session, "17662")
        assert area is not None
        return await insert_broadcast(
            session,
            NewBroadcast(
                None, area.id, {"area_ids": [area.id], "roles": [], "channels": []},
                text, None, None, "scheduled", clock() + timedelta(days=days, hours=hours),
                None, clock(),
            ),
        )  # fmt: skip
