"""Transactions on connections held between them: the per-message lifecycle of the hot path
(``storage.group_commit``, on PostgreSQL and on SQLite's one writer) without a pool checkout,
a new connection wrapper and five trips through SQLAlchemy's async bridge per message.

A ``Database.transaction()`` costs, besides BEGIN and COMMIT themselves, a pool checkout and
return (with its reset and events), a new ``Connection``, and a trip through the greenlet
bridge for each of: the session's begin, its connection, the raw connection, the commit and
the close; on the tip flow that was a large share of a message's CPU. Here a connection stays
checked out between transactions and each transaction is a new ``AsyncSession`` bound to it
that takes full control of the connection's transaction (``join_transaction_mode=
"control_fully"``): the transaction begins on the connection without a trip (SQLAlchemy sends
no BEGIN of its own on asyncpg; its adapter sends one just before the first statement; on
SQLite ``BEGIN IMMEDIATE`` goes with the first statement, ``storage.database``), the hot path's
statements find the connection at once (``storage._sql.run_together``), and on PostgreSQL the
COMMIT goes straight to the driver when the ORM has nothing to flush (otherwise the commit and
the close are one trip, as is every rollback).

Every guarantee of ``Database.transaction()`` stays: one transaction, committed on success
and rolled back on error (also when the session was never used, only ``run_together``). A
connection is given back to the pool and not kept when anything went wrong with it (lost,
invalidated, a rollback that failed, a cancelled task), when the server was found to have
dropped a connection (the others it keeps are likely gone too: all of them go back, and the
pool's own checks apply to the next checkout), and after ``HOLD_SECONDS`` held, so that the
pool's recycling and checkout rules still apply. ``close`` (``Database.dispose``) gives
every idle one back.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.util import greenlet_spawn

from storage._sql import HELD_CONNECTION, commit_on_driver

__all__ = ["HOLD_SECONDS", "HeldConnections"]

# Long enough that a busy bot checks a connection out of the pool rarely, short enough that
# the pool's recycling (every 30 min) still reaches every connection.
HOLD_SECONDS = 60.0


class _Held:
    __slots__ = ("connection", "raw", "since")

    def __init__(self, connection: AsyncConnection, raw: PoolProxiedConnection, since: float):
        self.connection = connection
        self.raw = raw
        self.since = since


class HeldConnections:
    """Idle connections of one engine kept between transactions (see the module); at most as
    many as transactions ran at once."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        hold_seconds: float = HOLD_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.hold_seconds = hold_seconds
        self.clock = clock
        self._idle: list[_Held] = []
        # Connections belong to the event loop that opened them.
        self._loop: asyncio.AbstractEventLoop | None = None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in one transaction on a held connection: commits on success, rolls back
        on error, as ``Database.transaction()``."""
        held = await self._take()
        session = AsyncSession(
            bind=held.connection, expire_on_commit=False, join_transaction_mode="control_fully"
        )
        session.info[HELD_CONNECTION] = (held.connection, held.raw)
        # No I/O: the driver sends BEGIN with the transaction's first statement.
        held.connection.sync_connection.begin()  # type: ignore[union-attr]
        try:
            yield session
        except BaseException as error:
            await self._end(held, session, commit=False, keep=isinstance(error, Exception))
            raise
        await self._end(held, session, commit=True, keep=True)

    async def close(self) -> None:
        """Give every idle connection back to the pool (at shutdown)."""
        idle, self._idle = self._idle, []
        if self._loop is not asyncio.get_running_loop():
            return  # another loop's connections: they cannot be closed from this one
        for held in idle:
            await _give_back(held)

    async def _take(self) -> _Held:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            # The loop that opened the idle ones is gone (a test's own loop): forget them.
            self._loop, self._idle = loop, []
        while self._idle:
            held = self._idle.pop()
            if self.clock() - held.since < self.hold_seconds and _usable(held.connection):
                return held
            await _give_back(held)
        connection = await self.engine.connect()
        try:
            raw = await connection.get_raw_connection()
        except BaseException:
            await connection.close()
            raise
        return _Held(connection, raw, self.clock())

    async def _end(self, held: _Held, session: AsyncSession, *, commit: bool, keep: bool) -> None:
        sync_session, sync_connection = session.sync_session, held.connection.sync_connection
        try:
            if (
                commit
                and held.connection.dialect.driver == "asyncpg"
                and not (sync_session.new or sync_session.deleted or sync_session.dirty)
            ):
                # Nothing for the ORM to flush (the hot path writes with Core statements):
                # COMMIT on the driver, then the session's and the connection's bookkeeping,
                # which sends nothing more; no trip through the bridge.
                await commit_on_driver(held.connection, held.raw)
                _commit(sync_session, sync_connection)
            else:
                await greenlet_spawn(
                    _commit if commit else _roll_back, sync_session, sync_connection
                )
        except BaseException:
            if commit:
                # The commit failed: what is left is rolled back; the caller hears of the
                # commit's error, and the connection is not kept.
                with suppress(Exception):
                    await greenlet_spawn(_roll_back, sync_session, sync_connection)
            await _give_back(held)
            raise
        if sync_connection is not None and sync_connection.invalidated:
            # The server dropped it (a restart, a proxy): the idle ones are likely gone too.
            idle, self._idle = self._idle, []
            for other in (held, *idle):
                await _give_back(other)
        elif keep and _usable(held.connection) and self._loop is asyncio.get_running_loop():
            self._idle.append(held)
        else:
            await _give_back(held)


def _usable(connection: AsyncConnection) -> bool:
    sync = connection.sync_connection
    if sync is None or sync.closed or sync.invalidated:
        return False
    return not sync.in_transaction()


async def _give_back(held: _Held) -> None:
    # Back to the pool, which resets it (or discards it when that fails). Never raises: the
    # caller is already on its way out, with its own result or error.
    with suppress(Exception):
        await held.connection.close()


def _commit(session: Session, connection: Connection | None) -> None:
    try:
        # Flushes, then commits the connection's transaction when the session took part in
        # it (``control_fully``); one the session never used is committed here.
        session.commit()
        if connection is not None and connection.in_transaction():
            connection.commit()
    finally:
        session.close()


def _roll_back(session: Session, connection: Connection | None) -> None:
    try:
        session.rollback()
        if connection is not None and connection.in_transaction():
            connection.rollback()
    finally:
        session.close()
