"""Telegram by long polling under load: 200 simulated users at once file tips through the fake
Bot API server, against our bot and against a minimal ConversationHandler bot.

Every message goes the whole way a real one goes: a simulated user's message, button tap,
shared location or photo is queued in the fake server (tests/fakes/telegram_server.py) as an
update; the bot fetches it with getUpdates over loopback HTTP, runs it (ours: through the
processor, the engine and a migrated SQLite database) and sends its answer with sendMessage;
the user reads the answer, recognises the question by its text and finds the buttons it
offers (answering.py), and only then does the next thing (a closed loop). A user is a new
Telegram account going from /start to a stored tip with a location and a photo (11 to 13
messages: our bot does not ask the language of an app set to Vietnamese); when one is done,
a new one takes its place, so that ``users`` conversations are always in flight. The latency
of a message runs from its update being queued to the answer's last message (the next
question) being received. Rates and latencies are taken over a window of ``seconds`` after a
``ramp`` (all users start at the same moment); the users still half-way at the end are
abandoned.

The same simulated users then talk to the yardstick (reference_bot.py): the same questions,
texts and keyboards on PTB's own ConversationHandler, in memory. Each bot gets a fresh fake
server, in this process, so the fake's cost (it checks every request against the 900 KB Bot
API description) weighs on both; the share of time spent on that check is printed. Target: our
throughput at least 0.8 of the yardstick's.

Our channel keeps every request naming a chat to Telegram's 30 a second (PTB's
AIORateLimiter), the yardstick has no such limit: the benchmark lifts ours to measure the bot,
not the limit, and prints what the limit allows (``cap-at-30-requests/s``).

Settings (environment): ANTQ_BENCH_USERS (200), ANTQ_BENCH_SECONDS (20, the window per bot).
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import itertools
import os
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from telegram.constants import FloodLimit
from telegram.ext import AIORateLimiter

from bot.channels.telegram import TelegramChannel
from bot.processor import MessageProcessor
from bot.sealing import Sealer
from bot.settings import Settings
from conversations.i18n import Catalogues
from conversations.menu import build_engine
from tests.bench.answering import (
    LOCALE,
    OPENING,
    Choose,
    Move,
    Phrasebook,
    SendPhoto,
    ShareLocation,
    TipFiler,
    Type,
    UserStuck,
)
from tests.bench.databases import sqlite_database
from tests.bench.driving import TipsNotStored, count_tips
from tests.bench.reference_bot import ANSWER_NOTED, ReferenceTipBot
from tests.bench.report import Report, percentile
from tests.fakes.telegram_server import FakeTelegramServer

BENCHMARK = "telegram-polling-sqlite"
REFERENCE = f"{BENCHMARK}-reference"
DEFAULT_USERS = 200
WARM_UP_USERS = 10
WARM_UP_SECONDS = 3.0
# User numbers (hence Telegram user ids) of the measured phase, after the warm-up's.
MEASURED_USERS_FROM = 100_000
TARGET_RATIO = 0.8
FIRST_USER_ID = 6_100_000_000
# Long enough for the slowest answer under load; a timeout means the bot lost a message.
ANSWER_TIMEOUT = 60.0
# Only matters when no update is waiting (at the start and the end of a run).
POLL_TIMEOUT = dtm.timedelta(seconds=5)


@dataclass(frozen=True)
class BenchSettings:
    users: int = DEFAULT_USERS  # at once, all the time
    ramp: float = 5.0  # seconds before the window: all users start at the same moment
    seconds: float = 20.0  # the measured window

    @classmethod
    def from_env(cls) -> BenchSettings:
        return cls(
            users=int(os.environ.get("ANTQ_BENCH_USERS", DEFAULT_USERS)),
            seconds=float(os.environ.get("ANTQ_BENCH_SECONDS", 20.0)),
        )


def button_labels(message: dict[str, Any]) -> list[str]:
    """The labels of the inline buttons under ``message``."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [button["text"] for row in rows for button in row]


def button_data(message: dict[str, Any], label: str) -> str:
    """The callback_data of the inline button labelled ``label`` under ``message``."""
    for row in message.get("reply_markup", {}).get("inline_keyboard", []):
        for button in row:
            if button["text"] == label:
                return str(button["callback_data"])
    raise UserStuck(f"no button {label!r} under {message.get('text', '')[:60]!r}")


class SimulatedUser:
    """One person in a private chat with the bot, reading each message before going on."""

    def __init__(self, server: FakeTelegramServer, user_id: int, filer: TipFiler) -> None:
        self.server = server
        self.user_id = user_id
        self.filer = filer
        self._read = 0  # messages of the chat already read
        self._question: dict[str, Any] = {}  # the message asking what is answered next

    async def file_a_tip(self, traffic: Traffic) -> None:
        """Open the chat and answer until the tip is filed, telling ``traffic`` when each
        question came and how late."""
        move: Move | None = OPENING
        while move is not None:
            if traffic.over():
                return  # abandoned half-way
            queued = time.perf_counter()
            self._do(move)
            self._question = await self._next_question()
            answered = time.perf_counter()
            traffic.answered(answered, answered - queued)
            move = self.filer.next_move()
        traffic.users_done += 1

    def _do(self, move: Move) -> None:
        server, user = self.server, self.user_id
        match move:
            case Type(text):
                server.user_sends_text(user, text)
            case Choose(label, _):
                data = button_data(self._question, label)
                server.user_taps_button(user, self._question["message_id"], data)
            case ShareLocation(latitude, longitude):
                server.user_shares_location(user, latitude, longitude)
            case SendPhoto():
                server.user_sends_photo(user, file_size=84_000)

    async def _next_question(self) -> dict[str, Any]:
        """The first unread message that asks something (waiting for it as long as needed);
        the messages before it are read and passed over."""
        while True:
            received = await self.server.wait_for_messages(
                self.user_id, self._read + 1, timeout=ANSWER_TIMEOUT
            )
            for message in received[self._read :]:
                self._read += 1
                if self.filer.read(message.get("text", ""), button_labels(message)):
                    return message


@dataclass
class Traffic:
    """When each answer came (perf_counter seconds) and how long after its message."""

    stop_at: float  # no message is sent after this
    answers: list[tuple[float, float]] = field(default_factory=list)
    users_done: int = 0

    def over(self) -> bool:
        return time.perf_counter() >= self.stop_at

    def answered(self, at: float, latency: float) -> None:
        self.answers.append((at, latency))

    def latencies(self, begin: float, end: float) -> list[float]:
        """Sorted latencies (s) of the answers that came in [begin, end)."""
        return sorted(latency for at, latency in self.answers if begin <= at < end)


async def keep_users_coming(
    server: FakeTelegramServer, phrasebook: Phrasebook, slots: int, seconds: float, first: int
) -> Traffic:
    """For ``seconds``, ``slots`` users at once file a tip each; when one is done a new one
    takes its place. Then the users still half-way give up after their current message."""
    traffic = Traffic(stop_at=time.perf_counter() + seconds)
    numbers = itertools.count(first)

    async def slot() -> None:
        while not traffic.over():
            number = next(numbers)
            filer = TipFiler(phrasebook, number, shares_location=True)
            await SimulatedUser(server, FIRST_USER_ID + number, filer).file_a_tip(traffic)

    # A user who is stuck ends the run at once: the others are cancelled.
    async with asyncio.TaskGroup() as slots_running:
        for _ in range(slots):
            slots_running.create_task(slot())
    return traffic


class SpecCheckClock:
    """Adds up the time the fake server spends checking requests against the Bot API
    description. It wraps a private method of the fake: this measures, it changes nothing."""

    def __init__(self, server: FakeTelegramServer) -> None:
        self.seconds = 0.0
        check = server._validate_params

        def timed(method: str, raw: dict[str, Any]) -> dict[str, Any]:
            started = time.perf_counter()
            try:
                return check(method, raw)
            finally:
                self.seconds += time.perf_counter() - started

        server._validate_params = timed  # type: ignore[method-assign]


class PollingBot(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass(frozen=True)
class Run:
    """What one bot did while the users kept coming (after a warm-up)."""

    latencies: list[float]  # seconds, sorted: the answers within the measured window
    seconds: float  # the measured window
    answers: int  # all answers of the phase, the ramp included: the per-message figures' basis
    cpu: float  # seconds of this process's CPU in the phase (every thread: aiosqlite has one)
    requests: int  # Bot API requests in the phase, getUpdates included
    chat_requests: int  # those naming a chat: what PTB's AIORateLimiter counts
    spec_check: float  # seconds the fake spent checking requests in the phase
    elapsed: float  # seconds, the whole phase
    users_done: int  # users who filed their tip, the warm-up's included

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def rate_limit_cap(self) -> float:
        """Messages/s at most when requests naming a chat are kept to Telegram's 30 a second."""
        return FloodLimit.MESSAGES_PER_SECOND * self.answers / self.chat_requests

    def report(self, report: Report, benchmark: str, users: int) -> None:
        milliseconds = [seconds * 1000.0 for seconds in self.latencies]
        report.figure(benchmark, "concurrent-users", users, "users")
        report.figure(benchmark, "messages", len(milliseconds), "msg")
        report.figure(benchmark, "messages/s", self.rate, "msg/s")
        report.figure(benchmark, "p50", percentile(milliseconds, 0.50), "ms")
        report.figure(benchmark, "p99", percentile(milliseconds, 0.99), "ms")
        report.figure(benchmark, "api-requests-per-message", self.requests / self.answers, "req")
        report.figure(benchmark, "cpu-per-message", self.cpu * 1000.0 / self.answers, "ms")
        report.figure(benchmark, "spec-check-share", 100.0 * self.spec_check / self.elapsed, "%")


async def measure(
    server: FakeTelegramServer, bot: PollingBot, phrasebook: Phrasebook, settings: BenchSettings
) -> Run:
    """Warm ``bot`` up, then keep ``settings.users`` users at once filing tips through it."""
    await bot.start()
    try:
        warm_up = await keep_users_coming(
            server, phrasebook, WARM_UP_USERS, WARM_UP_SECONDS, first=0
        )
        clock = SpecCheckClock(server)
        first_request = len(server.requests)
        cpu, started = time.process_time(), time.perf_counter()
        traffic = await keep_users_coming(
            server,
            phrasebook,
            settings.users,
            settings.ramp + settings.seconds,
            first=MEASURED_USERS_FROM,
        )
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        requests = server.requests[first_request:]
    finally:
        await bot.stop()
    if server.rejected:
        refused = {(call.method, call.description) for call in server.rejected}
        raise TipsNotStored(f"the fake server refused {len(server.rejected)} requests: {refused}")
    window = started + settings.ramp
    return Run(
        latencies=traffic.latencies(window, window + settings.seconds),
        seconds=settings.seconds,
        answers=len(traffic.answers),
        cpu=cpu,
        requests=len(requests),
        chat_requests=sum("chat_id" in call.params for call in requests),
        spec_check=clock.seconds,
        elapsed=elapsed,
        users_done=warm_up.users_done + traffic.users_done,
    )


def check_tips(benchmark: str, stored: int, run: Run, settings: BenchSettings) -> None:
    """Every user who saw the menu again has a stored tip; an abandoned user may have one."""
    abandoned = WARM_UP_USERS + settings.users
    if not run.users_done <= stored <= run.users_done + abandoned:
        raise TipsNotStored(
            f"{benchmark}: {stored} tips stored for {run.users_done} users who filed one"
        )


def lift_overall_rate_limit(channel: TelegramChannel) -> None:
    """Let ``channel`` send as fast as it can: PTB's ``AIORateLimiter`` (which our
    ``RetryingRateLimiter`` extends) keeps all requests naming a chat to 30 a second, and the
    yardstick has no such limit. Retries and per-group limits stay. This reaches into a
    private attribute of PTB; no public setting exists."""
    limiter = channel.application.bot.rate_limiter
    assert isinstance(limiter, AIORateLimiter)
    limiter._base_limiter = None


async def run_ours(catalogues: Catalogues, phrasebook: Phrasebook, settings: BenchSettings) -> Run:
    async with sqlite_database() as database, FakeTelegramServer() as server:
        channel = TelegramChannel(
            MessageProcessor(
                database, build_engine(catalogues), Sealer(os.urandom(32)), catalogues
            ),
            catalogues,
            Settings(
                _env_file=None,  # type: ignore[call-arg]
                telegram_token=server.token,  # type: ignore[arg-type]
                telegram_base_url=server.base_url,
            ),
            publish_commands=False,
            poll_timeout=POLL_TIMEOUT,
        )
        lift_overall_rate_limit(channel)
        run = await measure(server, channel, phrasebook, settings)
        stored = await count_tips(database)
        error_text = catalogues.text(LOCALE, "error.internal")
        errors = sum(error_text in message.get("text", "") for message in server.sent_messages())
    if errors:
        raise TipsNotStored(f"{BENCHMARK}: {errors} error replies")
    check_tips(BENCHMARK, stored, run, settings)
    return run


async def run_reference(
    catalogues: Catalogues, phrasebook: Phrasebook, settings: BenchSettings
) -> Run:
    async with FakeTelegramServer() as server:
        bot = ReferenceTipBot(server.token, server.base_url, catalogues, poll_timeout=POLL_TIMEOUT)
        run = await measure(server, bot, phrasebook, settings)
    check_tips(REFERENCE, len(bot.tips), run, settings)
    return run


async def run(report: Report) -> None:
    """The benchmark; figures go to ``report``."""
    settings = BenchSettings.from_env()
    catalogues = Catalogues.load()
    # Both bots may send a bare acknowledgement to take the location keyboard away.
    phrasebook = Phrasebook.load(catalogues, notices=(ANSWER_NOTED,))
    reference = await run_reference(catalogues, phrasebook, settings)
    ours = await run_ours(catalogues, phrasebook, settings)
    ours.report(report, BENCHMARK, settings.users)
    report.figure(BENCHMARK, "tips-filed", ours.users_done, "tips")
    report.figure(BENCHMARK, "cap-at-30-requests/s", ours.rate_limit_cap, "msg/s")
    reference.report(report, REFERENCE, settings.users)
    ratio = ours.rate / reference.rate
    report.figure(BENCHMARK, "throughput-ratio-to-reference", ratio, "x")
    if settings.users == DEFAULT_USERS:
        met = ratio >= TARGET_RATIO
        report.target(BENCHMARK, f"messages/s >= {TARGET_RATIO} x reference", met)


if __name__ == "__main__":
    asyncio.run(run(Report()))
