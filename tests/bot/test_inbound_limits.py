"""A user who writes faster than the inbound limit is told once and then not read for a while."""

from __future__ import annotations

from pathlib import Path

from bot.app import Application
from bot.inbound_limits import InboundLimit, InboundLimiter, Verdict
from bot.settings import Settings
from conversations.replies import Inbound, Text
from storage.database import Database
from tests.bot.harness import make_processor
from tests.conversations.harness import t


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_past_the_limit_one_notice_then_drops_until_the_cooldown_ends() -> None:
    clock = Clock()
    limiter = InboundLimiter(InboundLimit(messages=3, seconds=10, cooldown=30), clock=clock)
    verdicts = []
    for _ in range(6):
        verdicts.append(limiter.admit("flooder"))
        clock.now += 0.1
    assert verdicts == [Verdict.READ] * 3 + [Verdict.NOTICE] + [Verdict.DROP] * 2
    assert limiter.admit("somebody else") is Verdict.READ
    assert limiter.dropped == 2
    clock.now += 30
    assert limiter.admit("flooder") is Verdict.READ


def test_a_steady_writer_within_the_limit_is_always_read() -> None:
    clock = Clock()
    limiter = InboundLimiter(InboundLimit(messages=20, seconds=10), clock=clock)
    for _ in range(200):
        assert limiter.admit("steady") is Verdict.READ
        clock.now += 0.6  # 100 a minute, never 20 in 10 s
    assert limiter.dropped == 0


async def test_a_flooder_is_told_in_their_language_and_their_messages_are_not_stored(
    database: Database,
) -> None:
    processor = make_processor(database)
    processor.inbound = InboundLimiter(InboundLimit(messages=5, seconds=60, cooldown=60))

    def said(text: str) -> Inbound:
        return Inbound("telegram", "55", "55", text=text)

    await processor.process(said("/start"))
    await processor.process(said("2"))  # English
    for _ in range(3):
        await processor.process(said("/help"))
    notice = await processor.process(said("/help"))
    assert notice.id is None
    assert notice.replies == (Text(t("input.too_fast", "en")),)
    later = [await processor.process(said("/help")) for _ in range(10)]
    assert all(batch.replies == () for batch in later)
    assert processor.inbound.dropped == 10  # type: ignore[union-attr]


async def test_antq_run_reads_the_limit_from_the_settings(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'antq.sqlite3'}",
        inbound_limit_messages=3,
        inbound_limit_seconds=5,
    )
    app = Application.build(settings)
    try:
        assert app.processor.inbound is not None
        assert app.processor.inbound.limit == InboundLimit(3, 5.0, 30.0)
    finally:
        await app.close()
