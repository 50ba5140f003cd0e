"""Our OA client against the fake OA API: one retry loop (the kit's) under its own envelope."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.channels.zalo_oa.client import ZaloOaClient
from bot.channels.zalo_oa.errors import (
    ZaloOaMaybeSent,
    ZaloOaOutsideWindow,
    ZaloOaUnavailable,
)
from bot.retrying import RetryPolicy
from tests.fakes.zalo_oa_server import FakeZaloOaServer

USER = "8046213479186053511"
CS = "/v3.0/oa/message/cs"
Oa = tuple[FakeZaloOaServer, str]  # the fake OA and a good access token


@pytest.fixture
async def oa() -> AsyncIterator[Oa]:
    """The fake OA, and a good access token for a user who wrote to it just now."""
    async with FakeZaloOaServer() as server:
        tokens = ZaloOaClient(api_url=server.base_url, oauth_url=server.base_url)
        async with tokens:
            refresh = server.issue_refresh_token()
            pair = await tokens.refresh(server.app_id, server.app_secret, refresh)
        server.user_last_interacted(USER, days_ago=0)
        yield server, pair.access_token


async def send_hello(
    server: FakeZaloOaServer, token: str, *, retry: RetryPolicy | None = None, wait: float = 10
) -> list[float]:
    """Send one text by a client that waits ``wait`` for an answer and notes its pauses
    between tries (not waiting them); the pauses."""
    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    urls = {"api_url": server.base_url, "oauth_url": server.base_url}
    async with ZaloOaClient(**urls, retry=retry, timeout=wait, sleep=sleep) as client:
        await client.send_text(token, USER, "Xin chào")
    return pauses


async def test_a_5xx_answer_is_retried_with_growing_pauses(oa: Oa) -> None:
    server, token = oa
    server.fail_next(CS, http_status=502, times=2)
    assert await send_hello(server, token) == [0.5, 1.0]
    assert [call.status for call in server.calls(CS)] == [502, 502, 200]
    assert server.texts(USER) == ["Xin chào"]


async def test_still_failing_after_the_attempts_is_unavailable(
    oa: Oa,
) -> None:
    server, token = oa
    server.fail_next(CS, http_status=503, times=10)
    with pytest.raises(ZaloOaUnavailable, match="3 attempt"):
        await send_hello(server, token, retry=RetryPolicy(attempts=3))
    assert len(server.calls(CS)) == 3


async def test_a_refusal_in_the_envelope_is_raised_at_once(oa: Oa) -> None:
    server, token = oa
    server.user_last_interacted(USER, days_ago=8)
    with pytest.raises(ZaloOaOutsideWindow) as caught:
        await send_hello(server, token)
    assert caught.value.code == -230
    assert len(server.calls(CS)) == 1


async def test_a_send_whose_answer_timed_out_is_not_repeated(
    oa: Oa,
) -> None:
    server, token = oa
    server.fail_next(CS, delay=1.0)
    with pytest.raises(ZaloOaMaybeSent):
        await send_hello(server, token, wait=0.2)
    assert len(server.calls(CS)) == 1
