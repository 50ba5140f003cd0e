"""deploy/nginx/antq.conf, as deploy/README.md says to use it, in front of two `antq run`.

The file is taken as it is, with only what an operator fills in changed (the certificate's
paths, and ports free on this machine instead of 443, 8080 and 8081); a throw-away certificate
stands in for Let's Encrypt's. Two `antq run` processes share one PostgreSQL database behind
it, Telegram's fake delivers its webhook updates over HTTPS through it, with the secret, and
officers open the console through it. Skipped, with the reason, where nginx or openssl is
missing (`.ci/run` installs both from Debian's packages).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import ssl
import subprocess
from asyncio.subprocess import Process
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import httpx
import pytest

from bot.web.limits import DEFAULT_ATTEMPTS
from bot.web.rendering import SECURITY_HEADERS
from storage.database import Database
from tests.bot.tips.harness import OFFICER_A, staffed
from tests.conversations.harness import t
from tests.fakes.telegram_server import FakeTelegramServer
from tests.harness import PATIENCE, SECRET_KEY, free_port, start_antq_run, wait_until

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "nginx" / "antq.conf"
README = ROOT / "deploy" / "README.md"
SBIN = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
NGINX = shutil.which("nginx", path=SBIN)
OPENSSL = shutil.which("openssl", path=SBIN)
SECRET = "proxied-webhook-secret"
RESIDENT = 700_200_300
LINK = re.compile(r"https://\S+/web/login/([A-Za-z0-9_-]+)")

pytestmark = [
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx)"),
    pytest.mark.skipif(
        OPENSSL is None, reason="openssl is not installed (apt-get install openssl)"
    ),
]


def test_the_readme_points_at_the_tested_configuration() -> None:
    assert "deploy/nginx/antq.conf" in README.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Proxy:
    """nginx's files in a temporary folder: the configuration as the README's, and the
    throw-away certificate."""

    folder: Path
    port: int
    upstreams: tuple[int, int]

    @property
    def certificate(self) -> Path:
        return self.folder / "tls" / "fullchain.pem"

    @property
    def main(self) -> Path:
        return self.folder / "nginx.conf"

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def command(self, *arguments: str) -> list[str]:
        assert NGINX is not None
        prefix = f"{self.folder}/"
        return [NGINX, "-p", prefix, "-c", str(self.main), "-e", "error.log", *arguments]

    def tls(self) -> ssl.SSLContext:
        """What trusts the throw-away certificate (as a browser trusts Let's Encrypt's)."""
        return ssl.create_default_context(cafile=str(self.certificate))


def throw_away_certificate(folder: Path) -> None:
    """A self-signed certificate for 127.0.0.1, in the files certbot would write."""
    folder.mkdir()
    assert OPENSSL is not None
    subprocess.run(
        [
            OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(folder / "privkey.pem"), "-out", str(folder / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=PATIENCE,
    )  # fmt: skip


def filled_in(conf: str, proxy: Proxy) -> str:
    """``conf`` with what an operator changes: the certificate's folder and the ports."""
    replacements = {
        "/etc/letsencrypt/live/bot.example.org/": f"{proxy.folder}/tls/",
        "listen 443 ssl;": f"listen 127.0.0.1:{proxy.port} ssl;",
        "server 127.0.0.1:8080 ": f"server 127.0.0.1:{proxy.upstreams[0]} ",
        "server 127.0.0.1:8081 ": f"server 127.0.0.1:{proxy.upstreams[1]} ",
    }
    for was, now in replacements.items():
        assert was in conf, f"deploy/nginx/antq.conf no longer has {was!r}"
        conf = conf.replace(was, now)
    return conf


def main_configuration(proxy: Proxy) -> str:
    """What Debian's /etc/nginx/nginx.conf gives the file (it includes conf.d/*.conf in its
    http block), with nginx's own files in the temporary folder."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # the workers may read the folder
    temp = "".join(
        f"    {kind}_temp_path {proxy.folder}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}worker_processes 1;\npid {proxy.folder}/nginx.pid;\n"
        "events { worker_connections 256; }\n"
        f"http {{\n    access_log off;\n{temp}    include {proxy.folder}/antq.conf;\n}}\n"
    )


@pytest.fixture
def proxy(tmp_path: Path) -> Proxy:
    made = Proxy(tmp_path / "nginx", free_port(), (free_port(), free_port()))
    made.folder.mkdir()
    throw_away_certificate(made.folder / "tls")
    conf = filled_in(CONF.read_text(encoding="utf-8"), made)
    (made.folder / "antq.conf").write_text(conf, encoding="utf-8")
    made.main.write_text(main_configuration(made), encoding="utf-8")
    return made


def test_the_configuration_passes_nginx_t(proxy: Proxy) -> None:
    result = subprocess.run(proxy.command("-t"), capture_output=True, text=True, timeout=PATIENCE)
    said = result.stdout + result.stderr
    assert result.returncode == 0, said
    assert "syntax is ok" in said and "test is successful" in said
    assert "[warn]" not in said and "[emerg]" not in said, said


class TelegramOverTls(FakeTelegramServer):
    """Telegram's fake, trusting the throw-away certificate as Telegram trusts a real one."""

    def __init__(self, tls: ssl.SSLContext) -> None:
        super().__init__()
        self.tls = tls

    def _make_session(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(limit=self.webhook_max_connections, ssl=self.tls)
        return aiohttp.ClientSession(connector=connector)


@asynccontextmanager
async def running(command: list[str]) -> AsyncIterator[Process]:
    process = await asyncio.create_subprocess_exec(
        *command, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL
    )
    try:
        yield process
    finally:
        await stopped(process)


async def stopped(process: Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    await asyncio.wait_for(process.wait(), PATIENCE)


async def answers(url: str, **client: object) -> bool:
    try:
        async with httpx.AsyncClient(**client) as web:  # type: ignore[arg-type]
            return (await web.get(url)).status_code == 200
    except httpx.TransportError:
        return False


async def healthy(process: Process, port: int) -> bool:
    assert process.returncode is None, f"`antq run` on port {port} exited"
    return await answers(f"http://127.0.0.1:{port}/healthz")


async def listening(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    return True


@asynccontextmanager
async def bot_behind_nginx(
    proxy: Proxy, database: Database, tmp_path: Path
) -> AsyncIterator[tuple[TelegramOverTls, list[Process]]]:
    """nginx in front of two `antq run` (one PostgreSQL database), Telegram's fake behind
    them; started as the README says: each process its port and worker id, the same settings
    otherwise, the webhook at the proxy's public HTTPS address."""
    assert not database.is_sqlite
    async with (
        TelegramOverTls(proxy.tls()) as telegram,
        running(proxy.command("-g", "daemon off;")),
    ):
        processes = []
        try:
            # The first alone on a new database (it migrates it and loads the places), the
            # second once the first serves, as the README says.
            for number, port in enumerate(proxy.upstreams, start=1):
                home = tmp_path / f"antq-{number}"
                home.mkdir()
                processes.append(
                    await start_antq_run(
                        home,
                        ANTQ_DATABASE_URL=database.url,
                        ANTQ_SECRET_KEY=SECRET_KEY,
                        ANTQ_TELEGRAM_TOKEN=telegram.token,
                        ANTQ_TELEGRAM_BASE_URL=telegram.base_url,
                        ANTQ_WEBHOOK_BASE_URL=proxy.url,
                        ANTQ_WEBHOOK_SECRET=SECRET,
                        ANTQ_WEB_BASE_URL=proxy.url,
                        ANTQ_WEB_PORT=str(port),
                        ANTQ_WORKER_ID=f"antq-{number}",
                    )
                )
                await wait_until(
                    lambda process=processes[-1], port=port: healthy(process, port),
                    what=f"`antq run` on port {port} healthy",
                )
            await wait_until(lambda: listening(proxy.port), what="nginx listening")
            # Healthy comes first: a process registers its webhook once its server listens.
            await wait_until(lambda: telegram.webhook_url, what="the webhook registered")
            assert telegram.webhook_url == f"{proxy.url}/telegram"
            yield telegram, processes
        finally:
            for process in processes:
                await stopped(process)
            for process in processes:
                assert process.returncode == 0


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_webhooks_and_the_console_are_served_through_nginx_by_two_processes(
    proxy: Proxy, database: Database, tmp_path: Path
) -> None:
    await staffed(database)
    async with bot_behind_nginx(proxy, database, tmp_path) as (telegram, processes):
        # A resident's update, over HTTPS with the secret, through nginx: stored and answered.
        telegram.user_sends_text(RESIDENT, "/start")
        (first,) = await telegram.wait_for_messages(RESIDENT, 1, timeout=PATIENCE)
        assert t("language.from_app") in first["text"]
        assert [delivery.status for delivery in telegram.webhook_deliveries] == [200]

        # An officer asks for the console in chat and signs in through nginx.
        telegram.user_sends_text(int(OFFICER_A[0]), "/web")
        (sent,) = await telegram.wait_for_messages(int(OFFICER_A[0]), 1, timeout=PATIENCE)
        link = LINK.search(sent["text"])
        assert link is not None, sent["text"]
        async with httpx.AsyncClient(base_url=proxy.url, verify=proxy.tls()) as web:
            signin = await web.get("/web/signin")
            assert signin.status_code == 200
            assert signin.headers["strict-transport-security"] == "max-age=31536000"
            for name, value in SECURITY_HEADERS.items():
                assert signin.headers[name] == value
            page = await web.get(f"/web/login/{link.group(1)}")
            form = re.search(r'name="login_csrf" value="([^"]+)"', page.text)
            assert form is not None, page.text
            login = {"token": link.group(1), "login_csrf": form.group(1)}
            signed_in = await web.post("/web/login", data=login)
            assert signed_in.status_code == 303
            # The proxy said https (X-Forwarded-Proto from 127.0.0.1): the cookie is Secure.
            assert "secure" in signed_in.headers["set-cookie"].lower()
            assert (await web.get("/web/tips")).status_code == 200

            # Only the webhooks and the console are public; the rest is 404 with HSTS.
            hidden = await web.get("/healthz")
            assert hidden.status_code == 404
            assert "strict-transport-security" in hidden.headers

            # nginx replaces a forged X-Forwarded-For: a guesser cannot escape the sign-in
            # limit by naming a new address each time. Both processes count in the database:
            # the limit holds exactly, whichever way nginx shared the tries.
            forged = [
                await web.get(
                    f"/web/login/guess{n}", headers={"X-Forwarded-For": f"198.51.100.{n}"}
                )
                for n in range(DEFAULT_ATTEMPTS + 2)
            ]
            assert [answer.status_code for answer in forged] == [403] * DEFAULT_ATTEMPTS + [429] * 2

        # One process stops: nginx sends the next update to the other, which answers it.
        await stopped(processes[0])
        telegram.user_sends_text(RESIDENT, "/start")
        await telegram.wait_for_messages(RESIDENT, 2, timeout=PATIENCE)
        assert not telegram.rejected


async def test_nginx_closes_connections_that_never_finish_a_request(proxy: Proxy) -> None:
    """uvicorn never times out reading a request's headers; nginx's client_header_timeout
    closes a connection that sends nothing, or headers that never end (no upstream needed)."""
    async with running(proxy.command("-g", "daemon off;")):
        await wait_until(lambda: listening(proxy.port), what="nginx listening")
        silent_reader, silent = await asyncio.open_connection("127.0.0.1", proxy.port)
        partial_reader, partial = await asyncio.open_connection(
            "127.0.0.1", proxy.port, ssl=proxy.tls()
        )
        partial.write(b"GET /web/signin HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        await partial.drain()
        closed = await asyncio.wait_for(
            asyncio.gather(until_closed(silent_reader), until_closed(partial_reader)), PATIENCE
        )
        silent.close()
        partial.close()
    assert closed == [b"", b""]


async def until_closed(reader: asyncio.StreamReader) -> bytes:
    """What the server sent before it closed the connection."""
    try:
        return await reader.read()
    except (ConnectionResetError, ssl.SSLError):
        return b""
