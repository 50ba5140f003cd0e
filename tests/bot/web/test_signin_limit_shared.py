"""Two ``antq run`` behind nginx share one database: the sign-in limit holds across both, a
guesser gaining nothing by being sent to one process and then the other."""

from __future__ import annotations

import httpx

from bot.web.app import build_web_app
from bot.web.console import ConsoleKit, ConsoleOptions, WebConsole
from storage.database import Database
from tests.bot.harness import SEALER
from tests.bot.tips.harness import OFFICER_A
from tests.bot.web.harness import link_from_chat, log_in
from tests.conversations.harness import CATALOGUES, Clock

LIMIT = 4
GUESSER = "198.51.100.9"


def process(database: Database, clock: Clock, client: str = GUESSER) -> httpx.AsyncClient:
    """The console of one process on ``database``, with a limiter of its own (as each process
    builds one), seen from ``client``."""
    kit = ConsoleKit(database, SEALER, CATALOGUES, ConsoleOptions(clock=clock))
    console = WebConsole(kit)
    console.login_limiter.attempts = LIMIT
    app = build_web_app(database, console.routes())
    transport = httpx.ASGITransport(app=app, client=(client, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://console")


async def test_failed_sign_ins_in_two_processes_count_towards_one_limit(commune: Database) -> None:
    clock = Clock()
    token = await link_from_chat(commune, clock, OFFICER_A)
    assert token is not None
    async with process(commune, clock) as first, process(commune, clock) as second:
        # nginx hands the guesser's requests to one process, then the other.
        answers = [
            (await (first, second)[n % 2].get(f"/web/login/guess{n}")).status_code
            for n in range(LIMIT + 2)
        ]
        assert answers == [403] * LIMIT + [429] * 2
        assert (await first.get(f"/web/login/{token}")).status_code == 429
        assert (await second.get(f"/web/login/{token}")).status_code == 429
        clock.advance(minutes=1)  # the window passed, in both
        assert (await log_in(second, token)).status_code == 303

    async with process(commune, clock, client="192.0.2.50") as officer:
        # Nobody else was locked out meanwhile.
        assert (await officer.get("/web/login/guess")).status_code == 403
