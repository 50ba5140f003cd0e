"""Our Zalo client against the fake Zalo Bot API: calls, errors, retries and long texts."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.channels.http_api import DEFAULT_RETRY
from bot.channels.zalo_bot.client import ZaloClient
from bot.channels.zalo_bot.errors import (
    ZaloApiError,
    ZaloMaybeSent,
    ZaloQuotaExceeded,
    ZaloTokenRejected,
    ZaloUnavailable,
)
from bot.channels.zalo_bot.texts import MAX_TEXT_LENGTH
from bot.retrying import RetryPolicy
from tests.fakes.zalo_server import FakeZaloServer

USER = "e4ea2cd5189df1c3a88c"


class Sleeps:
    """Records backoff delays instead of waiting them out, so the tests stay fast."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
async def server() -> AsyncIterator[FakeZaloServer]:
    async with FakeZaloServer() as fake:
        yield fake


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def client(server: FakeZaloServer, sleeps: Sleeps) -> AsyncIterator[ZaloClient]:
    async with ZaloClient(
        server.token, base_url=server.base_url, timeout=2.0, sleep=sleeps
    ) as real_client:
        yield real_client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_get_me_reads_the_bot_account(server: FakeZaloServer, client: ZaloClient) -> None:
    me = await client.get_me()
    assert me.id == server.token.split(":")[0]
    assert me.account_name == "bot.antq_test"
    assert server.calls("getMe")[0].params == {}


async def test_ok_false_raises_the_api_error_without_retrying(
    server: FakeZaloServer, client: ZaloClient
) -> None:
    server.fail_next("sendMessage", error_code=400, description="Bad Request: chat not found")
    with pytest.raises(ZaloApiError) as caught:
        await client.send_message(USER, "xin chào")
    assert caught.value.error_code == 400
    assert caught.value.description == "Bad Request: chat not found"
    assert len(server.calls("sendMessage")) == 1


async def test_a_5xx_answer_is_retried_with_growing_delays(
    server: FakeZaloServer, client: ZaloClient, sleeps: Sleeps
) -> None:
    server.fail_next("sendMessage", http_status=502, times=2)
    (sent,) = await client.send_message(USER, "lần ba thì được")
    assert sent.message_id
    assert [c.status for c in server.calls("sendMessage")] == [502, 502, 200]
    assert sleeps.delays == [0.5, 1.0]
    assert server.sent_texts(USER) == ["lần ba thì được"]


async def test_an_ok_false_5xx_code_is_retried_too(
    server: FakeZaloServer, client: ZaloClient
) -> None:
    server.fail_next("getMe", error_code=500, description="Internal Server Error")
    assert (await client.get_me()).account_name
    assert len(server.calls("getMe")) == 2


async def test_a_slow_answer_times_out_and_is_retried(
    server: FakeZaloServer, sleeps: Sleeps
) -> None:
    server.fail_next("getMe", delay=0.4)
    async with ZaloClient(
        server.token, base_url=server.base_url, timeout=0.1, sleep=sleeps
    ) as client:
        assert (await client.get_me()).account_name
    assert len(sleeps.delays) == 1


async def test_persistent_failure_raises_unavailable_after_the_attempts(
    server: FakeZaloServer, sleeps: Sleeps
) -> None:
    server.fail_next("getMe", http_status=503, times=10)
    policy = RetryPolicy(attempts=3, first_delay=0.1, multiplier=3, max_delay=0.5)
    async with ZaloClient(
        server.token, base_url=server.base_url, retry=policy, sleep=sleeps
    ) as client:
        with pytest.raises(ZaloUnavailable, match="3 attempt"):
            await client.get_me()
    assert len(server.calls("getMe")) == 3
    assert sleeps.delays == pytest.approx([0.1, 0.3])


async def test_network_errors_are_retried_and_never_show_the_token(sleeps: Sleeps) -> None:
    token = "42:very-secret-token"
    base_url = f"http://127.0.0.1:{free_port()}"  # nobody listens there
    async with ZaloClient(token, base_url=base_url, sleep=sleeps) as client:
        with pytest.raises(ZaloUnavailable) as caught:
            await client.get_me()
    assert len(sleeps.delays) == DEFAULT_RETRY.attempts - 1
    assert "very-secret-token" not in str(caught.value)
    # Raised outside the except block: no httpx error (with the URL inside) is attached.
    assert caught.value.__context__ is None


async def test_a_long_text_goes_out_in_parts_cut_between_lines(
    server: FakeZaloServer, client: ZaloClient
) -> None:
    lines = [f"Dòng {n}: " + "nội dung tin báo " * 8 for n in range(60)]
    text = "\n".join(lines)
    assert len(text) > 2 * MAX_TEXT_LENGTH
    sent = await client.send_message(USER, text)
    parts = server.sent_texts(USER)
    assert len(sent) == len(parts) > 2
    assert all(part.startswith("Dòng ") for part in parts)
    assert all(len(part) <= MAX_TEXT_LENGTH for part in parts)
    assert "\n".join(parts) == text  # nothing lost, every cut at a line end
    assert server.rejected == []


@pytest.mark.parametrize(
    ("options", "shape"),
    [({}, "envelope"), ({"poll_shape": "bare"}, "bare")],
)
async def test_get_updates_reads_one_event_in_either_shape(
    options: dict[str, Any], shape: str
) -> None:
    async with FakeZaloServer(**options) as server:
        message_id = server.user_sends_text(USER, "Xin chào", display_name="Nguyễn Văn A")
        async with ZaloClient(server.token, base_url=server.base_url) as client:
            update = await client.get_updates(wait=1)
    assert update is not None, shape
    assert update.event_name == "message.text.received"
    assert update.message.message_id == message_id
    assert (update.message.chat_id, update.message.user_id) == (USER, USER)
    assert update.message.text == "Xin chào"
    assert update.message.display_name == "Nguyễn Văn A"
    assert server.calls("getUpdates")[0].params == {"timeout": "1"}


@pytest.mark.parametrize("empty_poll", ["null", "408"])
async def test_an_empty_poll_is_none(empty_poll: Any) -> None:
    async with (
        FakeZaloServer(empty_poll=empty_poll) as server,
        ZaloClient(server.token, base_url=server.base_url) as client,
    ):
        assert await client.get_updates(wait=0) is None


async def test_webhook_methods(server: FakeZaloServer, client: ZaloClient) -> None:
    url = "https://bot.example.vn/zalo"
    info = await client.set_webhook(url, "s3cret-token")
    assert info.url == url and info.updated_at
    assert server.webhook_secret == "s3cret-token"
    assert (await client.get_webhook_info()).url == url
    assert (await client.delete_webhook()).url == ""


async def test_photo_sticker_and_typing(server: FakeZaloServer, client: ZaloClient) -> None:
    await client.send_photo(USER, "https://placehold.co/600x400", caption="Ảnh")
    await client.send_sticker(USER, "0e078a2fb66a5f34067b")
    await client.send_chat_action(USER)
    assert [m["method"] for m in server.sent_messages(USER)] == ["sendPhoto", "sendSticker"]
    assert server.calls("sendChatAction")[0].params == {"chat_id": USER, "action": "typing"}
    assert server.rejected == []


async def test_a_403_is_zalo_s_own_fault_and_is_retried(
    server: FakeZaloServer, client: ZaloClient, sleeps: Sleeps
) -> None:
    server.fail_next("sendMessage", error_code=403, description="Internal server error", times=2)
    await client.send_message(USER, "xin chào")
    assert [c.error_code for c in server.calls("sendMessage")] == [403, 403, None]
    assert sleeps.delays == [0.5, 1.0]
    assert server.sent_texts(USER) == ["xin chào"]


@pytest.mark.parametrize(("code", "error"), [(401, ZaloTokenRejected), (429, ZaloQuotaExceeded)])
async def test_a_refused_token_and_a_used_up_quota_are_raised_at_once(
    server: FakeZaloServer, client: ZaloClient, code: int, error: type[Exception]
) -> None:
    server.fail_next("sendMessage", error_code=code, description="refused")
    with pytest.raises(error):
        await client.send_message(USER, "xin chào")
    assert len(server.calls("sendMessage")) == 1  # not hammered


async def test_a_send_whose_answer_timed_out_is_not_repeated(server: FakeZaloServer) -> None:
    server.answer_late("sendPhoto", 1.0)
    async with ZaloClient(server.token, base_url=server.base_url, timeout=0.2) as client:
        body = {"chat_id": USER, "photo": "https://p/x.jpg"}
        with pytest.raises(ZaloMaybeSent):
            await client.call("sendPhoto", body, seconds=0.2)
    assert len(server.calls("sendPhoto")) == 1
    assert len(server.sent_messages(USER)) == 1  # it did go: a second send would be a duplicate
