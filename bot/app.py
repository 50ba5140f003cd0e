"""Builds the running application from settings: database, catalogues, engine, channels.

It is the wiring: the only module that knows both the channels and delivery. It gives each
channel the limiter its replies share with the outbox (``Application.limiters``), and delivery
the channels' transports (``platform_transports``; the console chat is its own).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import uvicorn

from bot.channels.base import Channel, health_problems, health_warnings
from bot.channels.console import ConsoleChannel, ReadLine, Write, stopped_by_signals
from bot.channels.supervision import supervised
from bot.delivery.limits import ChannelLimits, RateLimiter, platform_limiters
from bot.delivery.service import Delivery, start_delivery
from bot.delivery.shared_limits import shared_platform_limiters
from bot.delivery.transports import OpenTransport
from bot.heap import freeze_startup_objects
from bot.inbound_limits import InboundLimiter
from bot.observability.json_logs import use_json_format
from bot.observability.server import MetricsServer
from bot.people.areas import seed_when_empty
from bot.private_files import keep_private
from bot.processor import MessageProcessor
from bot.sealing import Sealer, load_sealer
from bot.settings import Settings
from bot.targets import YearSettings
from bot.web.app import build_web_app
from bot.web.console import ConsoleKit, ConsoleOptions, WebConsole
from conversations.engine import Engine
from conversations.i18n import Catalogues
from conversations.menu import build_engine
from storage import migrate
from storage.database import Database

log = logging.getLogger(__name__)


# Loggers that would print secrets or tipsters' words below these levels: request URLs carry
# bot tokens (httpx), SQL parameters carry tip text and user ids (aiosqlite, SQLAlchemy),
# updates carry messages (python-telegram-bot); the rest is chatter.
LOGGER_FLOORS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiosqlite": logging.INFO,
    "sqlalchemy.engine": logging.WARNING,
    "telegram": logging.INFO,
    # It warns of every trigger a state does not take, which flows fire on purpose ("back"
    # at the first step is answered by the engine).
    "transitions": logging.ERROR,
    "alembic": logging.WARNING,
}


# Where a console chat's logs go, under ANTQ_DATA_DIR: the terminal is the chat.
CONSOLE_LOG_FILE = "antq.log"


def configure_logging(
    level: str | int, *, file: Path | None = None, log_format: str = "text"
) -> None:
    """Log at ``level`` to standard error, or to ``file``, without ever logging secrets, tip
    text or user ids; as JSON lines with ``log_format`` "json"."""
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        filename=file,
        encoding="utf-8",
        force=True,  # the command configured standard error before it knew the mode
    )
    if log_format == "json":
        use_json_format(logging.getLogger())
    root_level = logging.getLogger().level
    for name, floor in LOGGER_FLOORS.items():
        logging.getLogger(name).setLevel(max(floor, root_level))


@dataclass
class Application:
    """Everything a running bot needs, built once per process."""

    settings: Settings
    database: Database
    catalogues: Catalogues
    engine: Engine
    sealer: Sealer
    processor: MessageProcessor
    # One limiter per platform, shared by the channel's replies and the outbox sender, so
    # that together they keep to the platform's rate (replies go first).
    limiters: dict[str, RateLimiter] = field(default_factory=platform_limiters)

    @classmethod
    def build(cls, settings: Settings) -> Application:
        database = Database(settings.database_url)
        catalogues = Catalogues.load()
        engine = build_engine(
            catalogues,
            draft_ttl=settings.draft_ttl,
            bot_username=settings.telegram_bot_username,
            report_calendar=settings.report_calendar,
            privacy_terms=settings.privacy_terms,
            web_base_url=settings.web_console_url,
            thread_messages_per_hour=settings.thread_messages_per_hour,
            year_calendar=settings.year_calendar,
            link_code_minutes=settings.link_code_minutes,
        )
        configured = settings.secret_key.get_secret_value() if settings.secret_key else None
        sealer = load_sealer(
            configured, data_dir=settings.data_dir, allow_local_key=database.is_sqlite
        )
        processor = MessageProcessor(
            database,
            engine,
            sealer,
            catalogues,
            inbound=InboundLimiter(settings.inbound_limit),
            year=YearSettings.of(settings),
        )
        # On PostgreSQL every process of the bot takes from one budget in the database.
        limiters = shared_platform_limiters(database, settings.chat_burst)
        return cls(settings, database, catalogues, engine, sealer, processor, limiters)

    def open_route(self, sealed: bytes) -> str:
        """The chat id in an anonymous tipster's sealed route, for the outbox sender only."""
        return self.sealer.open_route(sealed)[1]

    async def close(self) -> None:
        for limiter in self.limiters.values():
            await limiter.close()
        await self.database.dispose()

    async def seed_places_on_first_start(self) -> None:
        """Load the official provinces and communes when there is no place yet, so that the
        first conversation finds the commune it names; say so in one line."""
        async with self.database.transaction() as session:
            loaded = await seed_when_empty(session)
        if loaded is not None:
            print(
                f"antq: first start: loaded {loaded.get('province', 0)} provinces and "
                f"{loaded.get('commune', 0)} communes (antq areas seed)",
                file=sys.stderr,
            )

    def console(
        self,
        user_id: str,
        *,
        read_line: ReadLine | None = None,
        write: Write | None = None,
    ) -> ConsoleChannel:
        """The terminal chat as ``user_id`` (on standard input and output unless given)."""
        return ConsoleChannel(
            self.processor,
            self.catalogues,
            user_id=user_id,
            read_line=read_line,
            write=write,
            files_dir=self.settings.data_dir / "exports",
        )


async def upgrade_database(settings: Settings) -> None:
    """Bring the schema to the newest migration (Alembic runs in its own thread and loop)."""
    await asyncio.to_thread(migrate.upgrade, settings.database_url)


def platform_channels(app: Application) -> list[Channel]:
    """The channels whose tokens are configured: Telegram, Zalo, or both in one process."""
    channels: list[Channel] = []
    settings = app.settings
    # Imported here so that the console chat does not load the platform libraries.
    if settings.telegram_token is not None:
        from bot.channels.telegram import TelegramChannel

        channels.append(
            TelegramChannel(
                app.processor, app.catalogues, settings, limiter=app.limiters["telegram"]
            )
        )
    if settings.zalo_token is not None:
        from bot.channels.zalo_bot.channel import ZaloChannel

        channels.append(
            ZaloChannel(app.processor, app.catalogues, settings, limiter=app.limiters["zalo"])
        )
    if settings.zalo_oa is not None:
        from bot.channels.zalo_oa.channel import ZaloOaChannel

        limiter = app.limiters.setdefault("zalo_oa", RateLimiter(ZALO_OA_LIMITS))
        channels.append(ZaloOaChannel(app.processor, app.catalogues, settings, limiter=limiter))
    # One channel failing to start stops none of the others: retried, named on /healthz.
    return supervised(channels)


def platform_transports(
    settings: Settings, channels: list[Channel] | None = None
) -> dict[str, OpenTransport]:
    """How the outbox reaches each platform whose token is configured, by channel name (the
    Zalo OA's through its channel, which keeps the tokens)."""
    transports: dict[str, OpenTransport] = {}
    # Imported here so that the console chat does not load the platform libraries.
    if settings.telegram_token is not None:
        from bot.channels.telegram import transport as telegram

        transports["telegram"] = functools.partial(telegram.open_transport, settings)
    if settings.zalo_token is not None:
        from bot.channels.zalo_bot import transport as zalo

        transports["zalo"] = functools.partial(zalo.open_transport, settings)
    for channel in channels or []:
        if channel.name == "zalo_oa":
            transports["zalo_oa"] = channel.open_transport  # type: ignore[attr-defined]
    return transports


# The OA API allows an app 4,000 requests a minute (ZALO_OA.md §4); this leaves room for the
# token refreshes and a second process. No per-chat limit is documented.
ZALO_OA_LIMITS = ChannelLimits(per_second=50.0, chat_gap=0.5)

IDLE_CONNECTION_SECONDS = 5


class WebServer(uvicorn.Server):
    """uvicorn, with the stop signals left to us.

    uvicorn re-raises SIGTERM once it has shut down, which would kill the process before the
    channels stop (PTB's application, the Zalo client, the database pool); the application
    asks it to exit instead, then stops the channels and exits with status 0.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    def request_exit(self) -> None:
        if self.should_exit:
            self.force_exit = True  # a second Ctrl+C: do not wait for open connections
        self.should_exit = True


async def serve(app: Application, channels: list[Channel]) -> None:
    """Run the channels (and the web server when they receive by webhook) until stopped."""
    settings = app.settings
    routes = [route for channel in channels for route in channel.routes()]
    routes += web_console(app).routes()
    transports = platform_transports(settings, channels)
    if not (routes or settings.webhook_mode):
        await _run_channels(app, channels, wait_for_stop_signal, transports)
        return
    web = build_web_app(
        app.database,
        routes,
        max_body_bytes=settings.web_max_body_bytes,
        channel_problems=functools.partial(health_problems, channels),
        trusted_proxies=settings.trusted_proxies,
        channel_warnings=functools.partial(health_warnings, channels),
    )
    config = uvicorn.Config(
        web,
        host=settings.web_host,
        port=settings.web_port,
        log_level="warning",
        # Forwarded headers are believed by the app, from ANTQ_TRUSTED_PROXIES only.
        proxy_headers=False,
        # A connection idle *between* requests is closed after this; a body must arrive within
        # the app's limit (bot.web.limits); headers are capped in size by h11 (16 KB). uvicorn
        # has no time limit on reading a request's headers: the proxy's client_header_timeout
        # (deploy/nginx/antq.conf) is what closes a connection that never finishes one.
        timeout_keep_alive=IDLE_CONNECTION_SECONDS,
    )
    server = WebServer(config)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, server.request_exit)
    serving = asyncio.create_task(server.serve())  # returns after SIGINT / SIGTERM
    # A platform may call the webhook as soon as it is registered (Zalo checks it at once), so
    # the port must be open before the channels start and register their webhooks.
    while not server.started and not serving.done():  # noqa: ASYNC110 (uvicorn has only a flag)
        await asyncio.sleep(0.05)
    if serving.done():
        await serving  # re-raises why the server could not start (say, the port is taken)
        return
    try:
        await _run_channels(app, channels, lambda: serving, transports)
    finally:
        server.should_exit = True
        await serving


async def _run_channels(
    app: Application,
    channels: list[Channel],
    until: Callable[[], Awaitable[object]],
    transports: Mapping[str, OpenTransport],
) -> None:
    """Start the channels and then the outbox senders (over ``transports``) and scheduler,
    wait for ``until()``, stop delivery first (nothing half-sent) and then the channels that
    started."""
    started: list[Channel] = []
    delivery: Delivery | None = None
    try:
        for channel in channels:
            await channel.start()
            started.append(channel)
        # On the processor's clock: what a message and the outbox write agree on the time.
        delivery = await start_delivery(
            app, channels, transports=transports, clock=app.processor.clock
        )
        await until()
    finally:
        if delivery is not None:
            await delivery.stop()
        for channel in reversed(started):
            await channel.stop()


async def wait_for_stop_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()


def web_console(app: Application) -> WebConsole:
    """The officers' web console on the application's database, key and settings."""
    settings = app.settings
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else None
    options = ConsoleOptions(
        session_lifetime=timedelta(hours=settings.web_session_hours),
        report_calendar=settings.report_calendar,
        year=app.processor.year,
        telegram_token=token,
        telegram_base_url=settings.telegram_base_url,
        https_only=settings.web_console_url.startswith("https://"),
        clock=app.processor.clock,
        link_code_minutes=settings.link_code_minutes,
    )
    return WebConsole(ConsoleKit(app.database, app.sealer, app.catalogues, options))


@contextlib.asynccontextmanager
async def console_web_server(app: Application) -> AsyncIterator[None]:
    """Beside the terminal chat, the web console on 127.0.0.1 (``ANTQ_WEB_PORT``), so that a
    newcomer can try ``/web`` at once; when the port is taken the chat runs without it."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", app.settings.web_port))
    except OSError:
        listener.close()
        log.warning("port %s is taken: the web console is not served", app.settings.web_port)
        yield
        return
    web = build_web_app(
        app.database, web_console(app).routes(), trusted_proxies=app.settings.trusted_proxies
    )
    config = uvicorn.Config(
        web, log_config=None, log_level="warning", access_log=False, proxy_headers=False
    )
    server = WebServer(config)
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        yield
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception):
            await serving
        listener.close()


async def chat_in_console(
    app: Application, console: ConsoleChannel, *, stop_on_signals: bool = False
) -> None:
    """The console chat with its outbox sender and the scheduler: what the bot says first
    (status news, reminders, broadcasts) is printed between the prompts. With
    ``stop_on_signals`` Ctrl+C (or SIGTERM) ends it at once and cleanly, as Ctrl+D does."""
    transports = {console.name: console.open_transport}
    stop = asyncio.Event()
    with stopped_by_signals(stop) if stop_on_signals else contextlib.nullcontext():
        await _run_channels(app, [console], functools.partial(console.converse, stop), transports)


async def run(settings: Settings, *, console_user: str = "1") -> None:
    """``antq run``: migrate, then serve every configured channel (the console when none)."""
    in_console = (
        settings.telegram_token is None and settings.zalo_token is None and settings.zalo_oa is None
    )
    if in_console and not sys.stdin.isatty():
        # In a container or under systemd a console chat would read EOF and exit at once, and
        # the supervisor would restart it forever; say what is missing instead.
        raise SystemExit(
            "antq run: neither ANTQ_TELEGRAM_TOKEN nor ANTQ_ZALO_TOKEN is set, "
            "and the console chat needs a terminal (or use: antq chat)"
        )
    if not in_console:
        warn_of_placeholders(settings)
    app = await _started(settings, in_console=in_console)
    # Everything built so far lives as long as the process (bot.heap).
    freeze_startup_objects()
    metrics = MetricsServer(settings, app.database)
    try:
        await metrics.start()
        channels = platform_channels(app)
        if channels:
            await serve(app, channels)
        else:
            async with console_web_server(app):
                console = app.console(console_user)
                await chat_in_console(app, console, stop_on_signals=True)
    finally:
        await metrics.stop()
        await app.close()


def warn_of_placeholders(settings: Settings) -> None:
    """A bot serving people must name the unit responsible for their data: the privacy
    notice they agree to names it, and the placeholder names nobody."""
    if not settings.privacy_terms.named:
        log.warning(
            "ANTQ_DATA_CONTROLLER is still the placeholder %r: set it to the unit responsible"
            " for the personal data (the privacy notice people agree to names it)",
            settings.data_controller,
        )


async def chat(settings: Settings, user_id: str) -> None:
    """``antq chat``: the console chat as a given platform user id, alone or beside a running
    bot (``make run``) to try several users at once. It serves no web console (that is the
    bot's, on ``ANTQ_WEB_PORT``) and sends under a worker name of its own, so that it never
    contends with the bot's process for either."""
    app = await _started(chat_settings(settings, user_id), in_console=True)
    try:
        await chat_in_console(app, app.console(user_id), stop_on_signals=True)
    finally:
        await app.close()


def chat_settings(settings: Settings, user_id: str) -> Settings:
    """The settings of ``antq chat --user-id N``: the worker name ``<ANTQ_WORKER_ID or host
    name>-chat-N``, stable across its restarts and apart from the bot's own and from another
    user's terminal."""
    suffix = f"-chat-{user_id}"
    worker = settings.worker_id or socket.gethostname()
    name = (worker[: max(0, WORKER_NAME_LENGTH - len(suffix))] + suffix)[:WORKER_NAME_LENGTH]
    return settings.model_copy(update={"worker_id": name})


# The longest worker name the outbox keeps (``outbox.lease_worker``).
WORKER_NAME_LENGTH = 64


async def _started(settings: Settings, *, in_console: bool) -> Application:
    """Private files, logs out of the chat, the newest schema, the places on a first start."""
    keep_private(settings)
    if in_console:
        log_file = settings.data_dir / CONSOLE_LOG_FILE
        configure_logging(settings.log_level, file=log_file, log_format=settings.log_format)
    await upgrade_database(settings)
    app = Application.build(settings)
    try:
        await app.seed_places_on_first_start()
    except BaseException:
        await app.close()
        raise
    return app
