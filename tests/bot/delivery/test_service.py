"""``start_delivery``, the hook ``antq run`` calls: a sender per channel, stopped cleanly."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import SecretStr

from bot.app import platform_transports
from bot.delivery.limits import RateLimiter
from bot.delivery.queueing import MemberMessage, queue_for_member
from bot.delivery.service import start_delivery
from bot.sealing import Sealer
from bot.settings import Settings
from conversations.i18n import Catalogues
from storage.database import Database
from storage.delivery.outbox import TIP_NOTICE, count_by_status
from storage.tables import utcnow
from tests.bot.delivery.harness import add_member
from tests.bot.harness import SEALER
from tests.fakes.telegram_server import FakeTelegramServer


@dataclass
class _App:
    settings: Settings
    database: Database
    catalogues: Catalogues
    limiters: dict[str, RateLimiter] = field(default_factory=dict)
    sealer: Sealer = SEALER  # the surveys' reminder rule needs the server key

    def open_route(self, sealed: bytes) -> str:
        raise AssertionError("no sealed route in these tests")


@dataclass
class _Channel:
    name: str


async def test_start_delivery_sends_queued_messages_through_telegram(
    sqlite_database: Database,
) -> None:
    member = await add_member(sqlite_database, 1001)
    async with sqlite_database.transaction() as session:
        await queue_for_member(
            session,
            MemberMessage(member.id, TIP_NOTICE, "tip:1", text="Tin báo ABC123 đã được tiếp nhận"),
            now=utcnow(),
        )
    async with FakeTelegramServer() as server:
        settings = Settings(
            telegram_token=SecretStr(server.token),
            telegram_base_url=server.base_url,
            database_url=sqlite_database.url,
        )
        app = _App(settings, sqlite_database, Catalogues.load())
        delivery = await start_delivery(
            app,  # type: ignore[arg-type]
            [_Channel("telegram")],
            transports=platform_transports(settings),
        )
        try:
            await server.wait_for_messages(1001, 1)
        finally:
            await delivery.stop()
    assert [m["text"] for m in server.sent_messages(1001)] == ["Tin báo ABC123 đã được tiếp nhận"]
    async with sqlite_database.session() as session:
        assert await count_by_status(session) == {"sent": 1}


async def test_two_live_processes_given_one_name_do_not_both_claim_it(
    database: Database, tmp_path: Path
) -> None:
    async with FakeTelegramServer() as server:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            telegram_token=SecretStr(server.token),
            telegram_base_url=server.base_url,
            database_url=database.url,
            data_dir=tmp_path,
            worker_id="bot-1",
        )
        app = _App(settings, database, Catalogues.load())
        channels, transports = [_Channel("telegram")], platform_transports(settings)
        first = await start_delivery(app, channels, transports=transports)  # type: ignore[arg-type]
        try:
            second = await start_delivery(app, channels, transports=transports)  # type: ignore[arg-type]
            try:
                assert first.senders[0].owner.worker == "bot-1"
                # Anonymous: it would otherwise take the first one's rows as abandoned.
                assert second.senders[0].owner.worker != "bot-1"
            finally:
                await second.stop()
        finally:
            await first.stop()
        # Once the first has stopped, a process under that name takes it again.
        third = await start_delivery(app, channels, transports=transports)  # type: ignore[arg-type]
        try:
            assert third.senders[0].owner.worker == "bot-1"
        finally:
            await third.stop()
