"""The fake Zalo Bot API behaves as documented, seen through plain HTTP requests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiohttp import web

from tests.fakes.zalo_server import MAX_TEXT_LENGTH, SECRET_HEADER, FakeZaloServer
from tests.harness import PATIENCE

USER = "e4ea2cd5189df1c3a88c"
SECRET = "s3cret-for-tests"


@pytest.fixture
async def server() -> AsyncIterator[FakeZaloServer]:
    async with FakeZaloServer() as fake:
        yield fake


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


async def call(
    http: httpx.AsyncClient,
    server: FakeZaloServer,
    method: str,
    token: str | None = None,
    **body: Any,
) -> tuple[int, dict[str, Any]]:
    url = f"{server.base_url}/bot{token or server.token}/{method}"
    response = await http.post(url, json=body)
    return response.status_code, response.json()


class Receiver:
    """A webhook endpoint that records what it is sent and answers given statuses."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, Any], str | None]] = []
        self.statuses: list[int] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append((await request.json(), request.headers.get(SECRET_HEADER)))
        status = self.statuses.pop(0) if self.statuses else 200
        return web.json_response({"ok": status == 200}, status=status)

    async def __aenter__(self) -> Receiver:
        app = web.Application()
        app.router.add_post("/zalo", self.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/zalo"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()


async def test_get_me_answers_the_bot_account(
    server: FakeZaloServer, http: httpx.AsyncClient
) -> None:
    status, body = await call(http, server, "getMe")
    assert status == 200 and body["ok"] is True
    assert set(body["result"]) == {"id", "account_name", "account_type", "can_join_groups"}
    assert server.rejected == []


async def test_a_wrong_token_is_refused(server: FakeZaloServer, http: httpx.AsyncClient) -> None:
    status, body = await call(http, server, "getMe", token="1:wrong")
    assert status == 401
    assert body == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert [c.method for c in server.rejected] == ["getMe"]


async def test_unknown_methods_are_refused_and_get_requests_accepted(
    server: FakeZaloServer, http: httpx.AsyncClient
) -> None:
    status, body = await call(http, server, "sendLocation", chat_id=USER)
    assert (status, body["ok"], body["error_code"]) == (404, False, 404)
    response = await http.get(f"{server.base_url}/bot{server.token}/getMe")
    assert response.status_code == 200 and response.json()["result"]["account_name"]
    sent = await http.get(
        f"{server.base_url}/bot{server.token}/sendMessage", params={"chat_id": USER, "text": "hi"}
    )
    assert sent.json()["ok"] is True and server.sent_texts(USER) == ["hi"]
    assert len(server.rejected) == 1


async def test_send_message_is_recorded_with_an_id(
    server: FakeZaloServer, http: httpx.AsyncClient
) -> None:
    status, body = await call(http, server, "sendMessage", chat_id=USER, text="Xin chào")
    assert status == 200
    assert set(body["result"]) == {"message_id", "date"}
    assert server.sent_texts(USER) == ["Xin chào"]
    assert server.sent_messages()[0]["message_id"] == body["result"]["message_id"]


@pytest.mark.parametrize(
    ("text", "accepted"),
    [("a" * MAX_TEXT_LENGTH, True), ("a" * (MAX_TEXT_LENGTH + 1), False), ("", False)],
)
async def test_texts_must_hold_1_to_2000_characters(
    server: FakeZaloServer, http: httpx.AsyncClient, text: str, accepted: bool
) -> None:
    status, body = await call(http, server, "sendMessage", chat_id=USER, text=text)
    assert body["ok"] is accepted
    assert (status == 200) is accepted
    assert len(server.rejected) == (0 if accepted else 1)


@pytest.mark.parametrize(
    "body",
    [
        {"text": "hi"},
        {"chat_id": 12345, "text": "hi"},
        {"chat_id": USER},
        {"chat_id": USER, "text": 5},
    ],
)
async def test_missing_or_mistyped_parameters_are_refused(
    server: FakeZaloServer, http: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    status, answer = await call(http, server, "sendMessage", **body)
    assert status == 400 and answer["error_code"] == 400
    assert server.sent_messages() == []


async def test_photo_sticker_and_chat_action_are_checked(
    server: FakeZaloServer, http: httpx.AsyncClient
) -> None:
    photo = "https://placehold.co/600x400"
    assert (await call(http, server, "sendPhoto", chat_id=USER, photo=photo))[0] == 200
    assert (await call(http, server, "sendPhoto", chat_id=USER, photo="not a url"))[0] == 400
    assert (await call(http, server, "sendSticker", chat_id=USER, sticker="0e078a2f"))[0] == 200
    assert (await call(http, server, "sendChatAction", chat_id=USER, action="typing"))[0] == 200
    assert (await call(http, server, "sendChatAction", chat_id=USER, action="dancing"))[0] == 400
    assert [m["method"] for m in server.sent_messages(USER)] == ["sendPhoto", "sendSticker"]


async def test_get_updates_hands_out_one_event_per_call_in_order(
    server: FakeZaloServer, http: httpx.AsyncClient
) -> None:
    first = server.user_sends_text(USER, "một")
    second = server.user_sends_image(USER)
    _, one = await call(http, server, "getUpdates", timeout="1")
    _, two = await call(http, server, "getUpdates", timeout="1")
    assert one["result"]["event_name"] == "message.text.received"
    assert one["result"]["message"]["message_id"] == first
    assert one["result"]["message"]["text"] == "một"
    assert one["result"]["message"]["chat"] == {"id": USER, "chat_type": "PRIVATE"}
    assert two["result"]["message"]["message_id"] == second
    assert two["result"]["message"]["photo_url"].startswith("https://")
    assert server.pending_event_count == 0


async def test_a_long_poll_waits_for_the_next_event(
    server: FakeZaloServer, http: httpx.AsyncClient
) -> None:
    poll = asyncio.create_task(call(http, server, "getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    assert not poll.done()
    server.user_sends_text(USER, "đến muộn")
    _, body = await asyncio.wait_for(poll, 2)
    assert body["result"]["message"]["text"] == "đến muộn"


@pytest.mark.parametrize(("empty_poll", "expected"), [("null", None), ("408", 408)])
async def test_an_empty_poll_answers_null_or_408(
    http: httpx.AsyncClient, empty_poll: Any, expected: int | None
) -> None:
    async with FakeZaloServer(empty_poll=empty_poll) as server:
        _, body = await call(http, server, "getUpdates", timeout=0.2)
    assert server.poll_waits == [0.2]
    if expected is None:
        assert body == {"ok": True, "result": None}
    else:
        assert body["ok"] is False and body["error_code"] == expected
    assert server.rejected == []


async def test_the_bare_shape_answers_the_update_alone(http: httpx.AsyncClient) -> None:
    async with FakeZaloServer(poll_shape="bare") as server:
        server.user_sends_text(USER, "trần")
        _, body = await call(http, server, "getUpdates", timeout=1)
    assert "ok" not in body and body["message"]["text"] == "trần"


async def test_max_poll_wait_caps_what_the_bot_asks_for(http: httpx.AsyncClient) -> None:
    async with FakeZaloServer(max_poll_wait=0.1) as server:
        _, body = await call(http, server, "getUpdates", timeout=30)
    assert body == {"ok": True, "result": None}
    assert server.poll_waits == [0.1]


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("https://bot.example.vn/zalo", "short"),
        ("https://bot.example.vn/zalo", "x" * 257),
        ("http://bot.example.vn/zalo", SECRET),
        ("not a url", SECRET),
    ],
)
async def test_set_webhook_wants_https_and_an_8_to_256_character_secret(
    server: FakeZaloServer, http: httpx.AsyncClient, url: str, secret: str
) -> None:
    status, _ = await call(http, server, "setWebhook", url=url, secret_token=secret)
    assert status == 400
    assert server.webhook_url == ""


async def test_webhook_info_follows_set_and_delete(
    server: FakeZaloServer, http: httpx.AsyncClient
) -> None:
    url = "https://bot.example.vn/zalo"
    _, body = await call(http, server, "setWebhook", url=url, secret_token=SECRET)
    assert body["result"]["url"] == url and body["result"]["updated_at"] > 0
    assert (await call(http, server, "getWebhookInfo"))[1]["result"]["url"] == url
    status, polled = await call(http, server, "getUpdates", timeout=0)
    assert status == 409 and polled["ok"] is False
    assert (await call(http, server, "deleteWebhook"))[1]["result"]["url"] == ""
    assert (await call(http, server, "getWebhookInfo"))[1]["result"]["url"] == ""


async def test_events_are_posted_to_the_webhook_with_the_secret_in_order(
    server: FakeZaloServer, http: httpx.AsyncClient
) -> None:
    server.user_sends_text(USER, "trước khi có webhook")
    async with Receiver() as receiver:
        await call(http, server, "setWebhook", url=receiver.url, secret_token=SECRET)
        server.user_sends_text(USER, "sau")
        await server.wait_for(lambda: len(server.webhook_deliveries) == 2)
    texts = [body["result"]["message"]["text"] for body, _ in receiver.received]
    assert texts == ["trước khi có webhook", "sau"]
    assert {secret for _, secret in receiver.received} == {SECRET}
    assert all(delivery.ok for delivery in server.webhook_deliveries)


async def test_a_refused_webhook_post_is_retried(
    server: FakeZaloServer, http: httpx.AsyncClient
) -> None:
    async with Receiver() as receiver:
        await call(http, server, "setWebhook", url=receiver.url, secret_token=SECRET)
        receiver.statuses = [500, 502]
        delivery = await server.post_to_webhook(server.text_event(USER, "lần ba"))
    assert delivery.ok and delivery.attempts == 3
    assert len(receiver.received) == 3


async def test_a_wrong_secret_can_be_sent_on_purpose(
    server: FakeZaloServer, http: httpx.AsyncClient
) -> None:
    async with Receiver() as receiver:
        await call(http, server, "setWebhook", url=receiver.url, secret_token=SECRET)
        await server.post_to_webhook(server.text_event(USER, "x"), secret="wrong-secret")
    assert receiver.received[0][1] == "wrong-secret"


async def test_fail_next_answers_ok_false_with_the_code(
    server: FakeZaloServer, http: httpx.AsyncClient
) -> None:
    server.fail_next("sendMessage", error_code=400, description="Bad chat", times=2)
    for _ in range(2):
        status, body = await call(http, server, "sendMessage", chat_id=USER, text="x")
        assert (status, body) == (400, {"ok": False, "error_code": 400, "description": "Bad chat"})
    assert (await call(http, server, "sendMessage", chat_id=USER, text="x"))[0] == 200
    assert server.rejected == []  # injected failures are not the bot's fault


async def test_fail_next_can_answer_a_gateway_page(
    server: FakeZaloServer, http: httpx.AsyncClient
) -> None:
    server.fail_next("getMe", http_status=502)
    response = await http.post(f"{server.base_url}/bot{server.token}/getMe", json={})
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")


async def test_fail_next_can_answer_slowly(server: FakeZaloServer, http: httpx.AsyncClient) -> None:
    server.fail_next("getMe", delay=0.3)
    started = time.monotonic()
    status, _ = await call(http, server, "getMe")
    assert status == 200 and time.monotonic() - started >= 0.3


async def test_a_late_answer_comes_after_the_message_was_delivered(
    server: FakeZaloServer, http: httpx.AsyncClient
) -> None:
    server.answer_late("sendMessage", PATIENCE)
    sending = asyncio.create_task(call(http, server, "sendMessage", chat_id=USER, text="x"))
    assert await server.wait_for_texts(USER, 1) == ["x"]
    assert not sending.done()  # delivered, and the bot still waits for the answer
    sending.cancel()


async def test_known_chats_only_refuses_strangers(http: httpx.AsyncClient) -> None:
    async with FakeZaloServer(known_chats_only=True) as server:
        assert (await call(http, server, "sendMessage", chat_id=USER, text="x"))[0] == 400
        server.user_sends_text(USER, "xin chào")
        assert (await call(http, server, "sendMessage", chat_id=USER, text="x"))[0] == 200
