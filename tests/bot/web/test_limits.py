"""The web server's limits: bounded bodies, slow senders, clients that go away."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from bot.web.app import build_web_app
from bot.web.limits import AttemptLimiter
from storage.database import Database
from tests.bot.channels.harness import SECRET, USER, private_update, secret_header, webhook_bot
from tests.conversations.harness import Clock
from tests.fakes.asgi_server import LoopbackASGIServer
from tests.fakes.telegram_server import FakeTelegramServer
from tests.harness import wait_until


async def test_a_webhook_body_over_the_limit_gets_413_and_the_bot_goes_on(
    sqlite_database: Database,
) -> None:
    async with FakeTelegramServer() as telegram, webhook_bot(sqlite_database, telegram) as bot:
        huge = private_update(1, text="x" * (2 * 1024 * 1024))
        async with httpx.AsyncClient(timeout=30) as client:
            refused = await client.post(bot.url, json=huge, headers=secret_header(SECRET))
            answered = await client.post(
                bot.url, json=private_update(2, text="/start"), headers=secret_header(SECRET)
            )
        assert refused.status_code == 413
        assert answered.status_code == 200
        await telegram.wait_for_messages(USER, 1)


async def _status_after(
    web: LoopbackASGIServer, head: bytes, body: list[bytes], pause: float
) -> bytes:
    """The status line the server answers to ``head`` and the ``body`` pieces, sent ``pause``
    seconds apart (a raw connection: the server may answer before the body is all sent)."""
    host, port = web.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    answer = asyncio.ensure_future(reader.readline())  # read while still sending
    try:
        writer.write(head)
        for piece in body:
            if answer.done():
                break
            writer.write(piece)
            await writer.drain()
            await asyncio.sleep(pause)
    except ConnectionError:
        pass  # the server answered and closed before the body was all sent
    try:
        return await asyncio.wait_for(answer, 10)
    finally:
        writer.close()


async def test_a_body_without_a_length_is_refused_once_past_the_limit(
    sqlite_database: Database,
) -> None:
    app = build_web_app(sqlite_database, [], max_body_bytes=10_000)
    chunk = b"x" * 1_000
    chunked = [b"%x\r\n%s\r\n" % (len(chunk), chunk)] * 20
    head = b"POST /telegram HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    async with LoopbackASGIServer() as web:
        await web.start(app)
        status = await _status_after(web, head, chunked, 0.01)
    assert status.startswith(b"HTTP/1.1 413")


async def test_a_client_too_slow_with_its_body_gets_408(sqlite_database: Database) -> None:
    app = build_web_app(sqlite_database, [], body_read_seconds=0.3)
    head = b"POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n"
    async with LoopbackASGIServer() as web:
        await web.start(app)
        status = await _status_after(web, head, [b"{"], 1.0)
    assert status.startswith(b"HTTP/1.1 408")


async def test_a_client_that_goes_away_is_a_log_line(
    sqlite_database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    app = build_web_app(sqlite_database, [])
    async with LoopbackASGIServer() as web:
        await web.start(app)
        host, port = web.url.removeprefix("http://").split(":")
        with caplog.at_level(logging.INFO):
            _reader, writer = await asyncio.open_connection(host, int(port))
            writer.write(b"POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
            await writer.drain()
            writer.close()
            await writer.wait_closed()
            await wait_until(lambda: "went away" in caplog.text, what="the log line")
    assert "Traceback" not in caplog.text


async def test_failed_sign_ins_stop_counting_once_the_window_has_passed(
    database: Database,
) -> None:
    clock = Clock()
    limiter = AttemptLimiter(database, attempts=2, window_seconds=60, clock=clock)
    await limiter.failed("198.51.100.1")
    clock.advance(seconds=30)
    await limiter.failed("198.51.100.1")
    assert await limiter.blocked("198.51.100.1")
    assert not await limiter.blocked("198.51.100.2")
    clock.advance(seconds=30)  # the first failure is a minute old
    assert not await limiter.blocked("198.51.100.1")
