"""Reading ``/metrics`` as Prometheus would: a scrape over HTTP or in process, and one
sample's value out of the page."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bot.observability.server import metrics_app
from storage.database import Database

TOKEN = "metrics-token-for-tests"


def bearer(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def scrape(database: Database) -> str:
    """The page a scrape of this process's ``/metrics`` gets now (no token asked)."""
    transport = httpx.ASGITransport(app=metrics_app(database))
    async with httpx.AsyncClient(transport=transport, base_url="http://metrics") as client:
        answer = await client.get("/metrics")
    assert answer.status_code == 200, answer.text
    return answer.text


def value(page: str, sample: str, **labels: str) -> float:
    """The value of ``sample`` with exactly ``labels`` on ``page``; 0 when it is not there
    (a counter no event has moved yet)."""
    for family in text_string_to_metric_families(page):
        for found in family.samples:
            if found.name == sample and found.labels == labels:
                return float(found.value)
    return 0.0


def moved(before: str, after: str, sample: str, **labels: str) -> float:
    """How far ``sample`` moved between two scrapes."""
    return value(after, sample, **labels) - value(before, sample, **labels)
