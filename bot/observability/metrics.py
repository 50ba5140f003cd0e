"""The process's counters, and the one-line calls that move them.

Each call is made where the event happens (the channel runtime, the outbox sender, the shared
send budget, the scheduler, the retention rule, the web console's sign-in) and names nothing
but a channel, a kind or a result, so that no label can grow without bound or carry a person.
What lives in the database (unsent replies, the outbox by status) is not counted here but read
at scrape time (``bot.observability.database``), so that every process on one database agrees.

The registry is the process's own, not prometheus-client's global one: a library that
registers metrics of its own never shows on ``/metrics``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

from bot.delivery.errors import CredentialsRefused, RateLimited
from conversations.replies import Inbound

# No ``*_created`` series beside each counter: twice the lines, and nothing an alert reads.
disable_created_metrics()
REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)

# An answer takes milliseconds; seconds mean a busy database or a chat waiting its turn.
ANSWER_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

UPDATES = Counter(
    "antq_updates",
    "Messages from users that reached a channel's runtime, by channel and kind of message",
    ["channel", "kind"],
    registry=REGISTRY,
)
ANSWER_SECONDS = Histogram(
    "antq_answer_seconds",
    "Seconds from a message reaching its channel's runtime (its chat's turn included) to its "
    "replies stored with the new state, ready to send",
    ["channel"],
    buckets=ANSWER_BUCKETS,
    registry=REGISTRY,
)
RATE_LIMITED = Counter(
    "antq_rate_limited",
    "Answers 429 (too many requests, or a used-up quota) from a platform, by channel and by "
    "what was being sent (reply or outbox)",
    ["channel", "kind"],
    registry=REGISTRY,
)
BUDGET_WAITS = Counter(
    "antq_send_budget_waits",
    "Sends that waited for their slot in the send budget shared by every process (PostgreSQL)",
    ["channel"],
    registry=REGISTRY,
)
BUDGET_WAIT_SECONDS = Counter(
    "antq_send_budget_wait_seconds",
    "Seconds sends waited for their slot in the shared send budget",
    ["channel"],
    registry=REGISTRY,
)
OUTBOX_SENDS = Counter(
    "antq_outbox_outcomes",
    "Outcomes of outbox messages this process took to send, by channel and result: sent, "
    "failed, blocked, outside_window; retry, wait (429, a refused token) and defer (the chat "
    "had a message a moment ago) are tried again",
    ["channel", "result"],
    registry=REGISTRY,
)
RULE_RUNS = Counter(
    "antq_scheduler_rule_runs",
    "Scheduler rule runs (every minute, and the morning jobs) by result (ok, failed)",
    ["result"],
    registry=REGISTRY,
)
RETENTION_RUNS = Counter(
    "antq_retention_runs",
    "Runs of the retention schedule that erased what was past its period",
    registry=REGISTRY,
)
RETENTION_ERASED = Counter(
    "antq_retention_erased",
    "Rows erased by the retention schedule, by kind of data",
    ["kind"],
    registry=REGISTRY,
)
WEB_SIGNINS = Counter(
    "antq_web_signins",
    "Sign-ins to the web console by result (success; failure: a link spent, expired or not "
    "an officer's)",
    ["result"],
    registry=REGISTRY,
)


def update_in(inbound: Inbound) -> float:
    """A user's message reached its channel's runtime; the time to pass to ``answered``."""
    UPDATES.labels(inbound.channel, _kind(inbound)).inc()
    return time.monotonic()


def answered(channel: str, started: float) -> None:
    """The message that reached the runtime at ``started`` has its replies stored."""
    ANSWER_SECONDS.labels(channel).observe(time.monotonic() - started)


def rate_limited(channel: str, kind: str) -> None:
    """The platform answered 429 to a ``kind`` ("reply" or "outbox") send."""
    RATE_LIMITED.labels(channel, kind).inc()


def budget_waited(channel: str, seconds: float) -> None:
    """A send waits ``seconds`` for its slot in the shared budget."""
    BUDGET_WAITS.labels(channel).inc()
    BUDGET_WAIT_SECONDS.labels(channel).inc(max(0.0, seconds))


def outbox_rate_limited(channel: str, error: RateLimited) -> None:
    """The platform answered an outbox send 429 (a refused token is no 429: not counted)."""
    if not isinstance(error, CredentialsRefused):
        rate_limited(channel, "outbox")


def outbox_outcome(channel: str, result: str) -> None:
    """The sender recorded an outbox message's ``result`` (sent, retry, wait, defer, ...)."""
    OUTBOX_SENDS.labels(channel, result).inc()


def rule_ran(ok: bool) -> None:
    """A scheduler rule ran to its end (``ok``) or failed."""
    RULE_RUNS.labels("ok" if ok else "failed").inc()


def retention_ran(erased: Mapping[str, int]) -> None:
    """The retention schedule ran and erased ``erased`` rows of each kind of data."""
    RETENTION_RUNS.inc()
    for kind, count in erased.items():
        RETENTION_ERASED.labels(kind).inc(count)


def web_signin(result: str) -> None:
    """A sign-in to the web console: "success" or "failure"."""
    WEB_SIGNINS.labels(result).inc()


def _kind(inbound: Inbound) -> str:
    if inbound.option is not None:
        return "tap"
    if inbound.location is not None:
        return "location"
    if inbound.media is not None:
        return "media"
    if inbound.text is not None:
        return "text"
    return "other"
