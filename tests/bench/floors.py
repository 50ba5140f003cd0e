"""The floor of a durable step: what the design (state and replies in one transaction) costs
with nothing of ours in the way, measured in the same run as the figures it bounds.

Per message, one transaction: read the user's conversation row, write it back (version + 1),
insert the reply batch (RETURNING its id), commit; the sent batches are deleted in groups of
``DELETE_GROUP`` by one more task, as a dispatcher would. ``ANTQ_BENCH_USERS`` (200) users,
each sending its next message as soon as the last one committed (closed loop), on a migrated
database of the bot's schema.

- ``floor-raw-<db>``: the driver alone, hand-written SQL (aiosqlite on one connection, the one
  writer; asyncpg on a pool of ``POSTGRES_CONNECTIONS``);
- ``floor-core-<db>``: the same statements through SQLAlchemy Core on held ``AsyncConnection``s
  of the bot's own engine (``storage.database.create_engine``): what a lean hot path in this
  stack can reach.

Printed: messages/s and CPU ms per message (the process's CPU, worker threads included). The
tip flow's ratios to ``floor-raw`` are printed by ``tip_flow`` from the figures kept here.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiosqlite
import asyncpg
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from storage._sql import conversations, identities, insert_row, members, pending_replies
from storage.database import Database, create_engine
from tests.bench.databases import DatabaseUnavailable, postgresql_database, sqlite_database
from tests.bench.report import Report
from tests.harness import plain_postgres_url

USERS = 200
DELETE_GROUP = 50
POSTGRES_CONNECTIONS = 10  # the bot's own pool size (storage.database.create_engine)

# A conversation in the middle of a tip and a batch of two replies, as the tip flow stores them.
DATA = {
    "answers": {
        "category": "theft",
        "description": "Có người lạ đi xe máy không biển số quanh khu chợ vào ban đêm",
        "place": "Ngõ 12, đường Lê Lợi, gần cổng chợ",
    }
}
PAYLOAD = [
    {"t": "text", "text": "Đã ghi nhận. Bước 4/6."},
    {
        "t": "choices",
        "text": "Việc này xảy ra khi nào? Anh/chị chọn một mục hoặc nhập ngày giờ.",
        "options": [["now", "Đang diễn ra"], ["today", "Hôm nay"], ["earlier", "Trước đó"]],
        "ref": "tip_report:when",
    },
]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


DATA_JSON = _dumps(DATA)
PAYLOAD_JSON = _dumps(PAYLOAD)


@dataclass(frozen=True)
class FloorSettings:
    users: int = USERS
    seconds: float = 5.0
    ramp: float = 1.0

    @classmethod
    def from_env(cls) -> FloorSettings:
        return cls(
            users=int(os.environ.get("ANTQ_BENCH_USERS", USERS)),
            seconds=float(os.environ.get("ANTQ_BENCH_FLOOR_SECONDS", 5.0)),
        )


class Floor:
    """One way of running the durable step: ``step(member_id)`` is one message's transaction
    (the new batch's id), ``delete(ids)`` one group of sent batches."""

    step: Callable[[int], Awaitable[int]]
    delete: Callable[[list[int]], Awaitable[None]]


async def _seed(database: Database, users: int) -> list[int]:
    """``users`` members, each with an identity and a conversation; their member ids."""
    now = _now()
    ids: list[int] = []
    async with database.transaction() as session:
        for index in range(users):
            member_id = await insert_row(session, members, {"created_at": now})
            await insert_row(
                session,
                identities,
                {
                    "member_id": member_id,
                    "channel": "console",
                    "platform_user_id": f"floor-{index}",
                    "chat_id": f"floor-{index}",
                    "active": True,
                    "created_at": now,
                    "last_seen_at": now,
                },
            )
            await session.execute(
                insert(conversations).values(
                    member_id=member_id,
                    flow="tip_report",
                    step="when",
                    data=DATA,
                    version=1,
                    updated_at=now,
                )
            )
            ids.append(member_id)
    return ids


async def _identity_ids(database: Database) -> dict[int, int]:
    async with database.transaction() as session:
        rows = await session.execute(select(identities.c.member_id, identities.c.id))
        return {member_id: identity_id for member_id, identity_id in rows}


@dataclass(frozen=True)
class FloorFigures:
    rate: float
    cpu_ms: float


async def _drive(floor: Floor, member_ids: list[int], settings: FloorSettings) -> FloorFigures:
    """Closed loop: every user sends its next message as soon as the last one committed."""
    sent: list[int] = []
    completions: list[float] = []
    stop = asyncio.Event()
    started = time.perf_counter()
    deadline = started + settings.ramp + settings.seconds

    async def user(member_id: int) -> None:
        while time.perf_counter() < deadline:
            sent.append(await floor.step(member_id))
            completions.append(time.perf_counter())

    async def deleter() -> None:
        while not stop.is_set() or sent:
            if len(sent) >= DELETE_GROUP or (stop.is_set() and sent):
                group = sent[:DELETE_GROUP]
                del sent[:DELETE_GROUP]
                await floor.delete(group)
            else:
                await asyncio.sleep(0.005)

    cpu_before: float | None = None
    cpu_after = 0.0

    async def clock_window() -> None:
        nonlocal cpu_before, cpu_after
        await asyncio.sleep(settings.ramp)
        cpu_before = time.process_time()
        await asyncio.sleep(settings.seconds)
        cpu_after = time.process_time()

    deleting = asyncio.create_task(deleter())
    async with asyncio.TaskGroup() as group:
        group.create_task(clock_window())
        for member_id in member_ids:
            group.create_task(user(member_id))
    stop.set()
    await deleting
    lo, hi = started + settings.ramp, started + settings.ramp + settings.seconds
    count = sum(1 for finish in completions if lo <= finish < hi)
    assert cpu_before is not None
    cpu_ms = (cpu_after - cpu_before) * 1000.0 / max(count, 1)
    return FloorFigures(count / settings.seconds, cpu_ms)


# --- the statements, written once for each way --------------------------------------------

_SELECT = "SELECT flow, step, data, version FROM conversations WHERE member_id = {0}"
_UPDATE = (
    "UPDATE conversations SET flow = {0}, step = {1}, data = {2}, version = {3},"
    " updated_at = {4} WHERE member_id = {5} AND version = {6}"
)
_INSERT = (
    "INSERT INTO pending_replies (identity_id, channel, update_key, locale, payload,"
    " parts_sent, created_at, removal_owed) VALUES ({0}, 'console', NULL, 'vi', {1}, 0, {2},"
    " false) RETURNING id"
)


def _now() -> datetime:
    return datetime.now(UTC).replace(second=0, microsecond=0)


def _sqlite_time(moment: datetime) -> str:
    """``moment`` as SQLAlchemy stores a UTC time in SQLite."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


class RawSQLite(Floor):
    """aiosqlite alone, one connection (SQLite has one writer), BEGIN IMMEDIATE ... COMMIT."""

    def __init__(self, connection: aiosqlite.Connection, identities: dict[int, int]) -> None:
        self.connection = connection
        self.identities = identities
        self.lock = asyncio.Lock()
        self.select = _SELECT.format("?")
        self.update = _UPDATE.format(*"???????")
        self.insert = _INSERT.format("?", "?", "?")

    async def step(self, member_id: int) -> int:  # type: ignore[override]
        # One trip to aiosqlite's thread per statement (execute_fetchall runs and fetches in
        # one), as lean as the driver goes.
        async with self.lock:
            db = self.connection
            await db.execute("BEGIN IMMEDIATE")
            try:
                rows = await db.execute_fetchall(self.select, (member_id,))
                flow, step, data, version = next(iter(rows))
                data = json.loads(data)
                now = _sqlite_time(_now())
                await db.execute(
                    self.update,
                    (flow, step, _dumps(data), version + 1, now, member_id, version),
                )
                inserted = await db.execute_fetchall(
                    self.insert, (self.identities[member_id], PAYLOAD_JSON, now)
                )
                (batch_id,) = next(iter(inserted))
                await db.commit()
            except BaseException:
                await db.rollback()
                raise
        return int(batch_id)

    async def delete(self, ids: list[int]) -> None:  # type: ignore[override]
        marks = ",".join("?" * len(ids))
        async with self.lock:
            await self.connection.execute("BEGIN IMMEDIATE")
            await self.connection.execute(f"DELETE FROM pending_replies WHERE id IN ({marks})", ids)
            await self.connection.commit()


class RawPostgres(Floor):
    """asyncpg alone on a pool of ``POSTGRES_CONNECTIONS``, prepared statements."""

    def __init__(self, pool: asyncpg.Pool, identities: dict[int, int]) -> None:
        self.pool = pool
        self.identities = identities
        self.select = _SELECT.format("$1")
        self.update = _UPDATE.format("$1", "$2", "$3::json", "$4", "$5", "$6", "$7")
        self.insert = _INSERT.format("$1", "$2::json", "$3")

    async def step(self, member_id: int) -> int:  # type: ignore[override]
        async with self.pool.acquire() as db, db.transaction():
            flow, step, data, version = await db.fetchrow(self.select, member_id)
            data = json.loads(data)
            now = _now()
            await db.execute(
                self.update, flow, step, _dumps(data), version + 1, now, member_id, version
            )
            return int(
                await db.fetchval(self.insert, self.identities[member_id], PAYLOAD_JSON, now)
            )

    async def delete(self, ids: list[int]) -> None:  # type: ignore[override]
        async with self.pool.acquire() as db:
            await db.execute("DELETE FROM pending_replies WHERE id = any($1::int[])", ids)


_core_select = select(
    conversations.c.flow, conversations.c.step, conversations.c.data, conversations.c.version
).where(conversations.c.member_id == bindparam("member_id"))
_core_update = update(conversations).where(
    conversations.c.member_id == bindparam("member_id_"),
    conversations.c.version == bindparam("expected_version"),
)
_core_insert = insert(pending_replies).returning(pending_replies.c.id)


class CoreFloor(Floor):
    """The same statements through SQLAlchemy Core on held ``AsyncConnection``s."""

    def __init__(self, connections: list[AsyncConnection], identities: dict[int, int]) -> None:
        self.free: asyncio.Queue[AsyncConnection] = asyncio.Queue()
        for connection in connections:
            self.free.put_nowait(connection)
        self.identities = identities

    @asynccontextmanager
    async def _held(self) -> AsyncIterator[AsyncConnection]:
        connection = await self.free.get()
        try:
            yield connection
        finally:
            self.free.put_nowait(connection)

    async def step(self, member_id: int) -> int:  # type: ignore[override]
        async with self._held() as db, db.begin():
            row = (await db.execute(_core_select, {"member_id": member_id})).one()
            now = _now()
            await db.execute(
                _core_update,
                {
                    "member_id_": member_id,
                    "expected_version": row.version,
                    "flow": row.flow,
                    "step": row.step,
                    "data": row.data,
                    "version": row.version + 1,
                    "updated_at": now,
                },
            )
            values = {
                "identity_id": self.identities[member_id],
                "channel": "console",
                "update_key": None,
                "locale": "vi",
                "payload": PAYLOAD,
                "parts_sent": 0,
                "created_at": now,
                "removal_owed": False,
            }
            return int((await db.execute(_core_insert, values)).scalar_one())

    async def delete(self, ids: list[int]) -> None:  # type: ignore[override]
        async with self._held() as db, db.begin():
            await db.execute(pending_replies.delete().where(pending_replies.c.id.in_(ids)))


# --- running them ----------------------------------------------------------------------------


@asynccontextmanager
async def _raw_sqlite(database: Database, ids: dict[int, int]) -> AsyncIterator[Floor]:
    path = make_url(database.url).database
    assert path is not None
    connection = await aiosqlite.connect(path, isolation_level=None)
    try:
        for pragma in ("busy_timeout=10000", "synchronous=NORMAL", "journal_mode=WAL"):
            await connection.execute(f"PRAGMA {pragma}")
        yield RawSQLite(connection, ids)
    finally:
        await connection.close()


@asynccontextmanager
async def _raw_postgres(database: Database, ids: dict[int, int]) -> AsyncIterator[Floor]:
    url = plain_postgres_url(database.url.replace("+asyncpg", ""))
    pool = await asyncpg.create_pool(
        url, min_size=POSTGRES_CONNECTIONS, max_size=POSTGRES_CONNECTIONS
    )
    try:
        yield RawPostgres(pool, ids)
    finally:
        await pool.close()


@asynccontextmanager
async def _core(database: Database, ids: dict[int, int]) -> AsyncIterator[Floor]:
    engine = create_engine(database.url)
    count = 1 if database.is_sqlite else POSTGRES_CONNECTIONS
    connections = [await engine.connect() for _ in range(count)]
    try:
        yield CoreFloor(connections, ids)
    finally:
        for connection in connections:
            await connection.close()
        await engine.dispose()


FloorMaker = Callable[[Database, dict[int, int]], AbstractAsyncContextManager[Floor]]


async def run_floors(
    report: Report,
    database_name: str,
    database_factory: Callable[[], AbstractAsyncContextManager[Database]],
    raw: FloorMaker,
    settings: FloorSettings | None = None,
) -> None:
    settings = settings or FloorSettings.from_env()
    try:
        async with database_factory() as database:
            member_ids = await _seed(database, settings.users)
            identity_ids = await _identity_ids(database)
            await database.dispose()
            for kind, maker in (("raw", raw), ("core", _core)):
                name = f"floor-{kind}-{database_name}"
                async with maker(database, identity_ids) as floor:
                    figures = await _drive(floor, member_ids, settings)
                report.figure(name, "concurrent-users", settings.users, "users")
                report.figure(name, "messages/s", figures.rate, "msg/s")
                report.figure(name, "cpu-per-message", figures.cpu_ms, "ms")
    except DatabaseUnavailable as error:
        report.skipped(f"floor-{database_name}", str(error))


async def sqlite(report: Report) -> None:
    await run_floors(report, "sqlite", sqlite_database, _raw_sqlite)


async def postgresql(report: Report) -> None:
    await run_floors(report, "postgresql", postgresql_database, _raw_postgres)


class AdjacentFloor:
    """floor-raw taken on a benchmark's own database, right before and after the phase it
    bounds: on a machine others load too, a floor measured minutes apart says little."""

    def __init__(self, database: Database, member_ids: list[int], identities: dict[int, int]):
        self.database = database
        self.member_ids = member_ids
        self.identities = identities

    @classmethod
    async def seeded(cls, database: Database, users: int) -> AdjacentFloor:
        member_ids = await _seed(database, users)
        identity_ids = await _identity_ids(database)
        return cls(database, member_ids, {m: identity_ids[m] for m in member_ids})

    async def measure(self, seconds: float) -> FloorFigures:
        raw = _raw_sqlite if self.database.is_sqlite else _raw_postgres
        settings = FloorSettings(users=len(self.member_ids), seconds=seconds, ramp=0.5)
        async with raw(self.database, self.identities) as floor:
            return await _drive(floor, self.member_ids, settings)
