"""A scrape of ``/metrics`` after real traffic: a tip filed in the console chat and the
officer's news printed to the tipster move the counters by what happened, and the page names
no tip, no text and no user."""

from __future__ import annotations

from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bot.observability.server import MetricsServer
from bot.settings import Settings
from storage.areas import insert_areas
from storage.database import Database
from tests.bot.channels.harness import TIP_LINES, ConsoleUser, console_app, console_chat, file_a_tip
from tests.bot.harness import TREE
from tests.bot.observability.harness import TOKEN, bearer, moved, value
from tests.bot.tips.harness import OFFICER_A, act, officer_phone, staff
from tests.conversations.harness import DESCRIPTION, Clock, t

TIPSTER = "9071538264"


def metrics_settings(**options: object) -> Settings:
    return Settings(_env_file=None, metrics_port=0, metrics_token=TOKEN, **options)  # type: ignore[call-arg]


async def test_a_scrape_after_a_tip_in_the_console_counts_it_and_names_nobody(
    database: Database, tmp_path: Path
) -> None:
    async with database.transaction() as session:
        await insert_areas(session, TREE)
    await staff(database, OFFICER_A, "officer", "17662")
    server = MetricsServer(metrics_settings(), database)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=str(server.url), headers=bearer()) as prometheus:
            before = (await prometheus.get("/metrics")).text
            tipster = ConsoleUser(TIPSTER)
            async with console_chat(console_app(database, tmp_path), tipster):
                code = await file_a_tip(tipster, database)
                officer = await officer_phone(database, Clock(), OFFICER_A)
                await act(officer, code.replace("-", ""), "take")
                await tipster.reads(t("inbox.sender.acknowledged", code=code))
            after = (await prometheus.get("/metrics")).text
    finally:
        await server.stop()

    # Every line typed is one message in, answered once.
    typed = len(TIP_LINES)
    assert moved(before, after, "antq_updates_total", channel="console", kind="text") == typed
    assert moved(before, after, "antq_answer_seconds_count", channel="console") == typed
    assert moved(before, after, "antq_answer_seconds_bucket", channel="console", le="+Inf") == typed
    # The officer's news went to the tipster's terminal through the outbox, once.
    assert moved(before, after, "antq_outbox_outcomes_total", channel="console", result="sent") == 1
    assert value(after, "antq_outbox_messages", channel="console", result="sent") == 1
    # The console sent every reply: none waits.
    assert value(after, "antq_replies_unsent", channel="console") == 0
    assert value(after, "antq_database_up") == 1
    # Nothing of the tip, its tipster or its officer.
    for secret in (DESCRIPTION, code, code.replace("-", ""), TIPSTER, OFFICER_A[1], "Cổng chợ"):
        assert secret not in after
    assert only_bounded_labels(after)


# The labels the bot's own numbers may carry, and every value each may take.
CHANNELS = {"console", "telegram", "zalo", "zalo_oa"}


def only_bounded_labels(page: str) -> bool:
    """Every sample of the bot's own numbers is labelled by channel, kind, result (and a
    histogram's bucket) only, the channel one of the bot's."""
    for family in text_string_to_metric_families(page):
        if not family.name.startswith("antq_"):
            continue
        for sample in family.samples:
            assert set(sample.labels) <= {"channel", "kind", "result", "le"}, sample
            assert sample.labels.get("channel", "console") in CHANNELS, sample
    return True
