"""The console behind a reverse proxy: whose address the sign-in limit counts, which headers
every response carries, and redirects that do not trust the Host header."""

from __future__ import annotations

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.settings import Settings
from bot.web.app import build_web_app
from bot.web.console import ConsoleKit, ConsoleOptions, WebConsole
from bot.web.limits import DEFAULT_ATTEMPTS
from bot.web.rendering import SECURITY_HEADERS
from storage.database import Database
from tests.bot.harness import SEALER
from tests.bot.tips.harness import OFFICER_A
from tests.bot.web.harness import link_from_chat, log_in
from tests.conversations.harness import CATALOGUES, Clock

PROXY = "127.0.0.1"  # the address ANTQ_TRUSTED_PROXIES trusts by default
STRANGER = "203.0.113.7"  # a client that reaches the server without the proxy
LIMIT = DEFAULT_ATTEMPTS  # failed links a client may try a minute


def behind_proxy(
    database: Database, clock: Clock, *, client: str, trusted: str = PROXY
) -> httpx.AsyncClient:
    """A client of the console as the server sees it: its requests come from ``client``;
    forwarded headers are believed from ``trusted``; the sign-in limit's clock is ``clock``."""
    kit = ConsoleKit(database, SEALER, CATALOGUES, ConsoleOptions(clock=clock))
    console = WebConsole(kit)
    app = build_web_app(database, console.routes(), trusted_proxies=trusted)
    transport = httpx.ASGITransport(app=app, client=(client, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://console")


def forwarded_for(address: str, scheme: str = "http") -> dict[str, str]:
    return {"X-Forwarded-For": address, "X-Forwarded-Proto": scheme}


def test_the_default_trusts_only_a_proxy_on_the_same_host() -> None:
    assert Settings.model_fields["trusted_proxies"].default == PROXY


async def test_forged_forwarded_addresses_from_an_untrusted_client_are_limited(
    commune: Database,
) -> None:
    async with behind_proxy(commune, Clock(), client=STRANGER) as web:
        answers = [
            (
                await web.get(f"/web/login/guess{n}", headers=forwarded_for(f"198.51.100.{n}"))
            ).status_code
            for n in range(100)
        ]
    assert answers == [403] * LIMIT + [429] * (100 - LIMIT)


async def test_bad_links_of_many_clients_behind_the_proxy_lock_out_no_one_else(
    commune: Database,
) -> None:
    clock = Clock()
    token = await link_from_chat(commune, clock, OFFICER_A)
    assert token is not None
    async with behind_proxy(commune, clock, client=PROXY) as web:
        for n in range(LIMIT):
            guess = await web.get(f"/web/login/guess{n}", headers=forwarded_for(f"198.51.100.{n}"))
            assert guess.status_code == 403
        web.headers.update(forwarded_for("192.0.2.50"))
        assert (await log_in(web, token)).status_code == 303


async def test_one_guesser_behind_the_proxy_is_limited_by_its_own_address(
    commune: Database,
) -> None:
    async with behind_proxy(commune, Clock(), client=PROXY) as web:
        guesser = forwarded_for("198.51.100.9")
        answers = [
            (await web.get(f"/web/login/guess{n}", headers=guesser)).status_code
            for n in range(LIMIT + 1)
        ]
        other = await web.get("/web/login/guess", headers=forwarded_for("198.51.100.10"))
    assert answers[-2:] == [403, 429]
    assert other.status_code == 403


async def test_only_failed_links_count_towards_the_limit(commune: Database) -> None:
    clock = Clock()
    token = await link_from_chat(commune, clock, OFFICER_A)
    assert token is not None
    async with behind_proxy(commune, clock, client=STRANGER) as web:
        # A chat app's preview, a reload, a second tab: a good link opened many times.
        opened = [(await web.get(f"/web/login/{token}")).status_code for _ in range(LIMIT + 5)]
        assert set(opened) == {200}
        for n in range(LIMIT - 1):
            await web.get(f"/web/login/guess{n}")
        assert (await log_in(web, token)).status_code == 303


@pytest.mark.parametrize(("client", "secure"), [(PROXY, True), (STRANGER, False)])
async def test_cookies_are_secure_when_the_trusted_proxy_says_https(
    commune: Database, client: str, secure: bool
) -> None:
    clock = Clock()
    token = await link_from_chat(commune, clock, OFFICER_A)
    assert token is not None
    async with behind_proxy(commune, clock, client=client) as web:
        page = await web.get(f"/web/login/{token}", headers=forwarded_for("192.0.2.50", "https"))
    assert page.status_code == 200
    assert ("secure" in page.headers["set-cookie"].lower()) is secure


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/nowhere", 404),
        ("GET", "/web/tips/", 404),
        ("POST", "/healthz", 405),
        ("GET", "/healthz", 200),
        ("GET", "/web/tips", 303),
        ("GET", "/web/login/guess", 403),
    ],
)
async def test_every_response_carries_the_security_headers(
    commune: Database, method: str, path: str, status: int
) -> None:
    async with behind_proxy(commune, Clock(), client=PROXY) as web:
        response = await web.request(method, path)
    assert response.status_code == status
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name


async def test_the_servers_own_error_page_carries_them_too(commune: Database) -> None:
    async def broken(request: Request) -> Response:
        raise RuntimeError("a bug")

    app = build_web_app(commune, [Route("/broken", broken)])
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://console") as web:
        response = await web.get("/broken")
    assert response.status_code == 500
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name


@pytest.mark.parametrize("path", ["/web", "/web/"])
async def test_the_console_address_redirects_to_a_path_not_to_the_host_named(
    commune: Database, path: str
) -> None:
    async with behind_proxy(commune, Clock(), client=PROXY) as web:
        response = await web.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 303
    assert response.headers["location"] == "/web/tips"


async def test_a_page_with_a_trailing_slash_is_not_redirected_to_the_host_named(
    commune: Database,
) -> None:
    async with behind_proxy(commune, Clock(), client=PROXY) as web:
        response = await web.get("/web/tips/", headers={"Host": "evil.example"})
    assert response.status_code == 404
    assert "evil.example" not in response.headers.get("location", "")
