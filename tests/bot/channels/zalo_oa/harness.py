"""A running Zalo OA channel against the fake OA API, with our web app taking its webhook."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from bot.channels.zalo_oa.channel import WEBHOOK_PATH, ZaloOaChannel
from bot.processor import MessageProcessor
from bot.sealing import Sealer
from bot.settings import Settings
from bot.web.app import build_web_app
from conversations.menu import build_engine
from storage.database import Database
from tests.conversations.harness import CATALOGUES, Clock
from tests.fakes.asgi_server import LoopbackASGIServer
from tests.fakes.zalo_oa_server import APP_ID, APP_SECRET, OA_ID, OA_SECRET_KEY, FakeZaloOaServer

SEALER = Sealer(bytes(range(32)))


def oa_settings(server: FakeZaloOaServer) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        zalo_oa_app_id=APP_ID,
        zalo_oa_app_secret=APP_SECRET,  # type: ignore[arg-type]
        zalo_oa_secret_key=OA_SECRET_KEY,  # type: ignore[arg-type]
        zalo_oa_id=OA_ID,
        zalo_oa_api_url=server.base_url,
        zalo_oa_oauth_url=server.base_url,
    )


@dataclass
class OaBot:
    server: FakeZaloOaServer
    channel: ZaloOaChannel
    web: LoopbackASGIServer
    processor: MessageProcessor


@contextlib.asynccontextmanager
async def running_oa(
    database: Database,
    *,
    connect: bool = True,
    clock: Clock | None = None,
    server_options: dict[str, Any] | None = None,
    **channel_options: Any,
) -> AsyncIterator[OaBot]:
    processor = MessageProcessor(
        database, build_engine(CATALOGUES), SEALER, CATALOGUES, clock=clock or Clock()
    )
    async with FakeZaloOaServer(**(server_options or {})) as server, LoopbackASGIServer() as web:
        channel = ZaloOaChannel(processor, CATALOGUES, oa_settings(server), **channel_options)
        if connect:
            await channel.tokens.connect(refresh_token=server.issue_refresh_token())
        server.webhook_url = web.url + WEBHOOK_PATH
        await web.start(
            build_web_app(
                database,
                channel.routes(),
                channel_problems=channel.health_problems,
                channel_warnings=channel.health_warnings,
            )
        )
        await channel.start()
        try:
            yield OaBot(server, channel, web, processor)
        finally:
            await channel.stop()


class OaUser:
    """A resident writing to the OA in the Zalo app."""

    def __init__(self, server: FakeZaloOaServer, user_id: str) -> None:
        self.server = server
        self.user_id = user_id
        self.texts: list[str] = []

    async def send(self, event: dict[str, Any], expect: str) -> list[str]:
        """Post ``event``; wait for the answer whose last message contains ``expect``."""
        before = len(self.server.texts(self.user_id))
        delivery = await self.server.post(event)
        assert delivery.ok, delivery

        def answered() -> list[str] | None:
            new = self.server.texts(self.user_id)[before:]
            return new if new and expect in new[-1] else None

        self.texts = await self.server.wait_for(answered)
        return self.texts

    async def tell(self, bot: OaBot, text: str) -> list[str]:
        """Post ``text`` and wait until its replies went out; what they said."""
        before = len(self.server.texts(self.user_id))
        assert (await self.server.post(self.server.text_event(self.user_id, text))).ok
        await bot.channel.drain(5)
        self.texts = self.server.texts(self.user_id)[before:]
        return self.texts

    async def say(self, text: str, expect: str) -> list[str]:
        return await self.send(self.server.text_event(self.user_id, text), expect)

    @property
    def text(self) -> str:
        return "\n".join(self.texts)
