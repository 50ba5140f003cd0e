"""The OA's token pair: stored sealed, refreshed ahead of expiry and when refused, once at a
time however many ask (across processes on PostgreSQL), and an admin told when it cannot be."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from bot.channels.zalo_oa.client import ZaloOaClient
from bot.channels.zalo_oa.errors import ZaloOaNotConnected
from bot.channels.zalo_oa.tokens import TokenKeeper
from bot.sealing import Sealer
from storage.database import Database
from storage.zalo_oa_tokens import zalo_oa_tokens
from tests.bot.channels.zalo_oa.harness import SEALER, running_oa
from tests.conversations.harness import Clock
from tests.fakes.zalo_oa_server import APP_ID, APP_SECRET, OA_ID, FakeZaloOaServer


@contextlib.asynccontextmanager
async def keeper(
    database: Database, server: FakeZaloOaServer, clock: Clock, sealer: Sealer = SEALER
) -> AsyncIterator[TokenKeeper]:
    """The token keeper of one process, on its own client."""
    async with ZaloOaClient(api_url=server.base_url, oauth_url=server.base_url) as client:
        yield TokenKeeper(
            database, sealer, client, app_id=APP_ID, app_secret=APP_SECRET, oa_id=OA_ID, clock=clock
        )


async def test_the_token_is_refreshed_ahead_of_its_expiry_and_the_pair_stored_sealed(
    database: Database,
) -> None:
    clock = Clock()
    async with FakeZaloOaServer() as server, keeper(database, server, clock) as tokens:
        await tokens.connect(refresh_token=server.issue_refresh_token())
        first = await tokens.access_token()
        clock.advance(hours=19)
        assert await tokens.access_token() == first  # 6 h left: still good
        clock.advance(hours=2)
        second = await tokens.access_token()  # 4 h left: refreshed ahead
        assert second != first and server.refreshes == 2
        async with database.transaction() as session:
            (row,) = (await session.execute(select(zalo_oa_tokens))).all()
        assert row.generation == 1
        assert first.encode() not in row.sealed_pair and second.encode() not in row.sealed_pair
        assert row.access_expires_at == clock() + timedelta(hours=25)
        # A restarted process reads the stored pair and needs no refresh.
        async with keeper(database, server, clock) as again:
            assert await again.access_token() == second and server.refreshes == 2


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_two_processes_refreshing_at_once_make_one_refresh(
    database: Database, database_url: str
) -> None:
    clock = Clock()
    second_process = Database(database_url)  # its own engine and connections
    async with (
        FakeZaloOaServer(refresh_delay=0.3) as server,
        keeper(database, server, clock) as one,
        keeper(second_process, server, clock) as two,
    ):
        try:
            await one.connect(refresh_token=server.issue_refresh_token())
            stale = await two.access_token()
            server.expire_access_tokens()
            # Both were refused the same token and renew it at the same moment.
            renewed = await asyncio.gather(one.renew(stale), two.renew(stale))
            assert renewed[0] == renewed[1] != stale
            assert server.refreshes == 2  # the connect, and one refresh
            assert one.refreshes + two.refreshes == 1
            # The refresh token that was spent is refused from now on: the stored one works.
            assert await one.renew(renewed[0]) not in (stale, renewed[0])
            assert server.refreshes == 3
        finally:
            await second_process.dispose()


async def test_a_refused_refresh_token_is_told_on_healthz_and_nothing_is_lost(
    sqlite_database: Database,
) -> None:
    async with running_oa(sqlite_database, not_connected_wait=0.2) as bot:
        bot.server.expire_access_tokens()
        bot.server.revoke_refresh_tokens()
        delivery = await bot.server.user_sends_text("8046213479186053511", "Xin chào")
        assert delivery.ok  # taken, and its replies kept
        await bot.server.wait_for(lambda: bot.channel.health_problems())
        async with httpx.AsyncClient() as http:
            health = await http.get(bot.web.url + "/healthz")
        assert health.status_code == 503 and "antq zalo-oa connect" in health.text
        # The admin reconnects; the kept reply goes out.
        await bot.channel.tokens.connect(refresh_token=bot.server.issue_refresh_token())
        await bot.server.wait_for_texts("8046213479186053511", 1, timeout=5)
        async with httpx.AsyncClient() as http:
            assert (await http.get(bot.web.url + "/healthz")).status_code == 200


async def test_without_a_stored_pair_the_channel_starts_and_says_so(
    sqlite_database: Database,
) -> None:
    async with running_oa(sqlite_database, connect=False) as bot:
        assert bot.channel.health_problems() == ["zalo_oa: not connected; run antq zalo-oa connect"]
        with pytest.raises(ZaloOaNotConnected):
            await bot.channel.tokens.access_token()


async def test_tokens_sealed_under_another_server_key_ask_for_a_reconnect(
    sqlite_database: Database,
) -> None:
    clock = Clock()
    async with FakeZaloOaServer() as server:
        async with keeper(sqlite_database, server, clock) as tokens:
            await tokens.connect(refresh_token=server.issue_refresh_token())
        # The operator changed ANTQ_SECRET_KEY.
        async with keeper(sqlite_database, server, clock, Sealer(bytes(range(1, 33)))) as rotated:
            with pytest.raises(ZaloOaNotConnected):
                await rotated.access_token()
        assert rotated.problem is not None and "antq zalo-oa connect" in rotated.problem
