"""The fake Zalo OA refuses what ZALO_OA.md says the real API refuses, and answers in its
shapes: flat token answers that rotate the single-use refresh token, the envelope with HTTP 200
errors, the 7-day window, the request rate, unknown paths."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.fakes.zalo_oa_server import APP_ID, APP_SECRET, FakeZaloOaServer

USER = "8046213479186053511"


@pytest.fixture
async def server() -> AsyncIterator[FakeZaloOaServer]:
    async with FakeZaloOaServer(rate_limit_per_minute=50) as fake:
        yield fake


async def grant(http: httpx.AsyncClient, server: FakeZaloOaServer, refresh: str) -> dict[str, str]:
    response = await http.post(
        server.base_url + "/v4/oa/access_token",
        data={"refresh_token": refresh, "app_id": APP_ID, "grant_type": "refresh_token"},
        headers={"secret_key": APP_SECRET},
    )
    assert response.status_code == 200
    return dict(response.json())


async def send(
    http: httpx.AsyncClient, server: FakeZaloOaServer, token: str, message: dict[str, object]
) -> httpx.Response:
    return await http.post(
        server.base_url + "/v3.0/oa/message/cs",
        json={"recipient": {"user_id": USER}, "message": message},
        headers={"access_token": token},
    )


async def test_a_refresh_rotates_the_pair_and_spends_the_old_refresh_token(
    server: FakeZaloOaServer,
) -> None:
    async with httpx.AsyncClient() as http:
        first = server.issue_refresh_token()
        pair = await grant(http, server, first)
        assert set(pair) == {"access_token", "refresh_token", "expires_in"}
        assert pair["expires_in"] == "90000"  # a string, as the real API answers
        again = await grant(http, server, first)
        assert "access_token" not in again and again["error"] < 0
        assert "access_token" in await grant(http, server, pair["refresh_token"])
        wrong_secret = await http.post(
            server.base_url + "/v4/oa/access_token",
            data={"refresh_token": "x", "app_id": APP_ID, "grant_type": "refresh_token"},
            headers={"secret_key": "the OA secret key, not the app's"},
        )
        assert wrong_secret.json()["error"] < 0


async def test_messages_need_a_live_token_and_a_user_inside_the_window(
    server: FakeZaloOaServer,
) -> None:
    async with httpx.AsyncClient() as http:
        token = (await grant(http, server, server.issue_refresh_token()))["access_token"]
        outside = await send(http, server, token, {"text": "Xin chào"})
        assert outside.status_code == 200 and outside.json()["error"] == -230  # never wrote
        server.user_last_interacted(USER, days_ago=6.9)
        inside = await send(http, server, token, {"text": "Xin chào"})
        body = inside.json()
        assert body["error"] == 0 and body["data"]["user_id"] == USER
        assert inside.headers["X-RateLimit-Limit"] == "50"
        server.expire_access_tokens()
        expired = await send(http, server, token, {"text": "Xin chào"})
        assert expired.json() == {"error": -216, "message": "Access token has expired"}


@pytest.mark.parametrize(
    "message",
    [
        {"text": "a" * 2001},
        {"text": ""},
        {"attachment": {"type": "template", "payload": {"template_type": "list"}}},
        {
            "attachment": {
                "type": "template",
                "payload": {
                    "template_type": "media",
                    "elements": [{"media_type": "image", "url": "https://a", "attachment_id": "x"}],
                },
            }
        },
    ],
)
async def test_malformed_messages_are_refused_with_201(
    server: FakeZaloOaServer, message: dict[str, object]
) -> None:
    server.user_last_interacted(USER, days_ago=0)
    async with httpx.AsyncClient() as http:
        token = (await grant(http, server, server.issue_refresh_token()))["access_token"]
        assert (await send(http, server, token, message)).json()["error"] == -201
    assert server.sent == []


async def test_gets_take_the_data_query_and_unknown_paths_answer_404_in_the_envelope(
    server: FakeZaloOaServer,
) -> None:
    async with httpx.AsyncClient() as http:
        token = (await grant(http, server, server.issue_refresh_token()))["access_token"]
        detail = await http.get(
            server.base_url + "/v3.0/oa/user/detail",
            params={"data": json.dumps({"user_id": USER})},
            headers={"access_token": token},
        )
        assert detail.json()["data"]["user_id"] == USER
        unknown = await http.get(server.base_url + "/v9/nothing", headers={"access_token": token})
        assert unknown.status_code == 200 and unknown.json()["error"] == 404


async def test_over_the_rate_the_api_answers_32(server: FakeZaloOaServer) -> None:
    server.user_last_interacted(USER, days_ago=0)
    async with httpx.AsyncClient() as http:
        token = (await grant(http, server, server.issue_refresh_token()))["access_token"]
        codes = [
            (await send(http, server, token, {"text": "x"})).json()["error"] for _ in range(52)
        ]
    assert codes[:50] == [0] * 50 and codes[50:] == [-32, -32]
