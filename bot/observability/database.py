"""The counts that live in the database, read when ``/metrics`` is scraped.

Read at scrape time rather than counted as they change, so that several processes on one
database show the same numbers (sum nothing across processes: take ``max``). A database that
does not answer leaves the process's own counters on the page and says so in ``antq_database_up``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from storage.database import Database
from storage.observability import WaitingCounts, waiting_counts

log = logging.getLogger(__name__)


async def database_metrics(database: Database) -> list[Metric]:
    """The database's counts as metric families, read now; ``antq_database_up`` 0 (and no
    counts) when the database does not answer."""
    up = GaugeMetricFamily(
        "antq_database_up", "1 when the database answered the scrape's queries, else 0"
    )
    try:
        async with database.transaction() as session:
            counts = await waiting_counts(session)
    except Exception as error:  # a scrape reports; it does not fail
        log.warning("metrics: the database did not answer: %s", type(error).__name__)
        up.add_metric([], 0)
        return [up]
    up.add_metric([], 1)
    return [up, *families(counts)]


def gauge(
    name: str, documentation: str, labels: list[str], values: Mapping[Any, float]
) -> GaugeMetricFamily:
    """One labelled gauge, a sample a key of ``values`` (a label's value, or a tuple of them
    in the order of ``labels``), sorted so that a page reads the same at every scrape."""
    family = GaugeMetricFamily(name, documentation, labels=labels)
    for key, value in sorted(values.items()):
        family.add_metric(list(key) if isinstance(key, tuple) else [key], value)
    return family


def families(counts: WaitingCounts) -> Iterator[Metric]:
    yield gauge(
        "antq_outbox_messages",
        "Outbox messages by channel and status: queued and sending wait; sent, failed, "
        "blocked, cancelled and outside_window are kept until the retention schedule erases "
        "them (ANTQ_RETENTION_OUTBOX_DAYS)",
        ["channel", "result"],
        counts.outbox,
    )
    yield gauge(
        "antq_replies_unsent",
        "Reply batches stored with their answer and not yet sent, by channel",
        ["channel"],
        counts.unsent_replies,
    )
    yield gauge(
        "antq_replies_unsent_oldest_timestamp_seconds",
        "When the oldest unsent reply batch of a channel was stored (Unix time)",
        ["channel"],
        counts.oldest_unsent_reply,
    )
    yield gauge(
        "antq_inbox_waiting",
        "Updates received by webhook and stored, not yet applied, by channel",
        ["channel"],
        counts.inbox,
    )
    if counts.retention_last_run is not None:
        yield GaugeMetricFamily(
            "antq_retention_last_run_timestamp_seconds",
            "When the retention schedule last ran, in any process (Unix time)",
            value=counts.retention_last_run,
        )


class Scrape(Collector):
    """One scrape's page: the process's registry and the database's counts read for it."""

    def __init__(self, registry: Collector, read: Iterable[Metric]) -> None:
        self.registry = registry
        self.read = list(read)

    def collect(self) -> Iterable[Metric]:
        yield from self.registry.collect()
        yield from self.read
