"""Where ``/metrics`` is served and who may read it: a port of its own, a token when one is
set, never the public web port."""

from __future__ import annotations

import httpx
import pytest

from bot.observability.server import MetricsServer, MetricsTokenMissing
from bot.settings import Settings
from bot.web.app import build_web_app
from storage.database import Database
from tests.bot.observability.harness import TOKEN, bearer, value


def settings(**options: object) -> Settings:
    return Settings(_env_file=None, **options)  # type: ignore[call-arg]


async def test_a_scrape_without_the_token_is_refused_and_with_it_answered(
    sqlite_database: Database,
) -> None:
    server = MetricsServer(settings(metrics_port=0, metrics_token=TOKEN), sqlite_database)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=str(server.url)) as prometheus:
            bare = await prometheus.get("/metrics")
            wrong = await prometheus.get("/metrics", headers=bearer("not-the-token"))
            basic = await prometheus.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"})
            scraped = await prometheus.get("/metrics", headers=bearer())
    finally:
        await server.stop()
    for refused in (bare, wrong, basic):
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == "Bearer"
        assert "antq_" not in refused.text
    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain; version=")
    assert value(scraped.text, "antq_database_up") == 1


async def test_without_a_token_the_port_answers_on_this_machine_only(
    sqlite_database: Database,
) -> None:
    server = MetricsServer(settings(metrics_port=0), sqlite_database)
    await server.start()
    try:
        assert str(server.url).startswith("http://127.0.0.1:")
        async with httpx.AsyncClient(base_url=str(server.url)) as prometheus:
            scraped = await prometheus.get("/metrics")
            elsewhere = await prometheus.get("/healthz")
    finally:
        await server.stop()
    assert scraped.status_code == 200 and "antq_database_up 1.0" in scraped.text
    assert elsewhere.status_code == 404


async def test_listening_beyond_this_machine_without_a_token_refuses_to_start(
    sqlite_database: Database,
) -> None:
    server = MetricsServer(settings(metrics_port=0, metrics_host="0.0.0.0"), sqlite_database)
    with pytest.raises(MetricsTokenMissing, match="ANTQ_METRICS_TOKEN"):
        await server.start()
    assert server.url is None
    await server.stop()


async def test_no_port_set_serves_nothing(sqlite_database: Database) -> None:
    server = MetricsServer(settings(), sqlite_database)
    await server.start()
    assert server.url is None
    await server.stop()


async def test_the_public_web_port_has_no_metrics(sqlite_database: Database) -> None:
    transport = httpx.ASGITransport(app=build_web_app(sqlite_database, []))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as visitor:
        assert (await visitor.get("/metrics")).status_code == 404


async def test_a_database_that_does_not_answer_leaves_the_process_numbers() -> None:
    gone = Database("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    server = MetricsServer(settings(metrics_port=0), gone)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=str(server.url)) as prometheus:
            scraped = await prometheus.get("/metrics")
    finally:
        await server.stop()
        await gone.dispose()
    assert scraped.status_code == 200
    assert value(scraped.text, "antq_database_up") == 0
    assert "process_resident_memory_bytes" in scraped.text
