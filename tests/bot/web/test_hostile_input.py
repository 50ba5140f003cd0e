"""The console facing whatever a stranger sends: cookies, tokens, ids and parameters that are
not what a page made. Bad input is refused (400/403/404) or treated as nobody signed in, never
an unhandled error with its traceback in the log."""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

import httpx
import pytest
from starlette.routing import Route

from storage._sql import tip_messages, tips
from storage.database import Database
from tests.bot.harness import rows
from tests.bot.tips.harness import ADMIN, OFFICER_A, new_tip
from tests.bot.web.harness import client, console, csrf_of, link_from_chat, log_in, signed_in
from tests.conversations.harness import Clock

# What a stranger may put in any parameter: nothing, letters beyond ASCII, a NUL, far too
# much, numbers no column holds, paths and markup.
GARBAGE = (
    "",
    " ",
    "é",
    "Đô Lương 😀",
    "\x00",
    "a\x00b",
    "x" * 5000,
    "-1",
    "0",
    "9" * 20,
    "9223372036854775807",
    "1e999",
    "../../etc/passwd",
    "%ff%00",
    "<script>alert(1)</script>",
)
# Every query parameter a page reads, and one none does.
QUERY_NAMES = ("page", "status", "category", "place", "age", "sort", "waiting", "period")
QUERY_NAMES += ("next", "done", "x")
# Every form field a page reads.
FORM_NAMES = ("action", "note", "text", "place", "subject", "format", "token", "login_csrf")
FORM_NAMES += ("confirm",)
PATH_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


@pytest.fixture(autouse=True)
def no_tracebacks(caplog: pytest.LogCaptureFixture) -> object:
    """No test here may leave an error (a traceback) in the log."""
    yield
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


async def test_a_cookie_beyond_ascii_is_nobody_signed_in(commune: Database) -> None:
    clock = Clock()
    async with client(commune, clock, raise_app_exceptions=False) as web:
        for cookie in ("antq_web=abc.é", "antq_web=é.é", "antq_web=.é", "antq_web=abc.\x7f"):
            answer = await web.get("/web/tips", headers={"cookie": cookie.encode()})
            assert answer.status_code == 303, cookie
            assert answer.headers["location"] == "/web/signin"
            posted = await web.post(
                "/web/logout", headers={"cookie": cookie.encode()}, data={"csrf": "é"}
            )
            assert posted.status_code == 403, cookie


async def test_a_csrf_token_beyond_ascii_is_refused(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    async with signed_in(commune, clock, OFFICER_A, raise_app_exceptions=False) as web:
        page = await web.get(f"/web/tips/{code}")
        for forged in ("é", csrf_of(page)[:-1] + "é", "中" * 40):
            refused = await web.post(
                f"/web/tips/{code}/act", data={"action": "take", "csrf": forged}
            )
            assert refused.status_code == 403, forged
    (tip,) = await rows(commune, tips)
    assert tip["handler_member_id"] is None


async def test_a_login_token_or_its_form_token_beyond_ascii_is_refused(commune: Database) -> None:
    clock = Clock()
    token = await link_from_chat(commune, clock, OFFICER_A)
    assert token is not None
    async with client(commune, clock, raise_app_exceptions=False) as web:
        assert (await web.get("/web/login/" + quote("é" + token))).status_code == 403
        page = await web.get(f"/web/login/{token}")
        form_token = re.search(r'name="login_csrf" value="([^"]+)"', page.text)
        assert form_token is not None
        for sent in ("é", form_token.group(1) + "é"):
            refused = await web.post("/web/login", data={"token": token, "login_csrf": sent})
            assert refused.status_code == 403, sent
        wrong_cookie = await web.post(
            "/web/login",
            data={"token": token, "login_csrf": form_token.group(1)},
            headers={"cookie": "antq_login=é".encode()},
        )
        assert wrong_cookie.status_code == 403
        not_a_token = await web.post(
            "/web/login", data={"token": "é" * 50, "login_csrf": form_token.group(1)}
        )
        assert not_a_token.status_code == 403
        # The link itself still works: nothing above spent it.
        assert (await log_in(web, token)).status_code == 303


async def test_a_page_number_no_database_holds_is_not_found(commune: Database) -> None:
    clock = Clock()
    await new_tip(commune, clock)
    async with signed_in(commune, clock, OFFICER_A, raise_app_exceptions=False) as web:
        for page in ("9223372036854775807", "9" * 30, "4000000000"):
            answer = await web.get("/web/tips", params={"page": page})
            assert answer.status_code == 404, page
        assert (await web.get("/web/tips", params={"page": "2"})).status_code == 404  # one tip
        assert (await web.get("/web/tips", params={"page": "1"})).status_code == 200


async def test_a_broadcast_id_of_twenty_digits_is_not_found(commune: Database) -> None:
    clock = Clock()
    async with signed_in(commune, clock, ADMIN, raise_app_exceptions=False) as web:
        page = await web.get("/web/broadcasts")
        for id_ in ("9" * 20, "2147483648", "-1", "0"):
            answer = await web.post(
                f"/web/broadcasts/{id_}/cancel", data={"csrf": csrf_of(page), "confirm": "1"}
            )
            assert answer.status_code == 404, id_


async def test_a_nul_in_a_link_or_a_form_is_a_bad_request(commune: Database) -> None:
    """PostgreSQL refuses a NUL in text: the console refuses it first, and stores nothing."""
    clock = Clock()
    code = await new_tip(commune, clock)
    async with signed_in(commune, clock, OFFICER_A, raise_app_exceptions=False) as web:
        assert (await web.get("/web/compliance", params={"place": "17662\x00"})).status_code == 400
        page = await web.get(f"/web/tips/{code}")
        asked = await web.post(
            f"/web/tips/{code}/ask", data={"csrf": csrf_of(page), "text": "Ở đâu\x00?"}
        )
        assert asked.status_code == 400
        exported = await web.post(
            "/web/exports", data={"csrf": csrf_of(page), "place": "\x00", "subject": "tips"}
        )
        assert exported.status_code == 400
    assert await rows(commune, tip_messages) == []


def filled(path: str, value: str) -> str:
    return PATH_PARAM.sub(lambda _: quote(value, safe=""), path)


async def test_no_route_fails_on_garbage_in_any_parameter(commune: Database) -> None:
    """Every route of the console, signed in and not, with each garbage value in its path, in
    every query parameter and in every form field (with the session's form token and
    without): no answer is a server error."""
    clock = Clock()
    code = await new_tip(commune, clock)
    routes = [r for r in console(commune, clock).routes() if isinstance(r, Route)]
    failures: list[str] = []

    async def check(web: httpx.AsyncClient, method: str, url: str, **kwargs: object) -> None:
        answer = await web.request(method, url, **kwargs)  # type: ignore[arg-type]
        if answer.status_code >= 500:
            failures.append(f"{method} {url[:120]!r} {str(kwargs)[:160]} → {answer.status_code}")

    # Signing out with the form token would end the session the rest is tried with.
    routes.sort(key=lambda route: route.path == "/web/logout")
    anonymous = client(commune, clock, raise_app_exceptions=False)
    async with signed_in(commune, clock, ADMIN, raise_app_exceptions=False) as web, anonymous:
        csrf = csrf_of(await web.get("/web/broadcasts"))
        assert (await web.get(f"/web/tips/{code}")).status_code == 200
        for route in routes:
            if route.path == "/web/logout":
                assert (await web.get("/web/tips")).status_code == 200  # still signed in
            real = filled(route.path, code) if "{code}" in route.path else None
            for value in GARBAGE:
                paths = [filled(route.path, value)] + ([real] if real else [])
                for who in (web, anonymous):
                    for path in dict.fromkeys(paths):
                        if "GET" in (route.methods or ()):
                            await check(who, "GET", path)
                            await check(who, "GET", path, params=dict.fromkeys(QUERY_NAMES, value))
                        if "POST" in (route.methods or ()):
                            form = dict.fromkeys(FORM_NAMES, value)
                            await check(who, "POST", path, data=form)
                            await check(who, "POST", path, data={**form, "csrf": csrf})
                            await check(who, "POST", path, data={**form, "csrf": value})
    assert not failures, "\n".join(failures)
