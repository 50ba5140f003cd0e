"""Small SQL helpers shared by the repositories: Core tables, the subtree test and a place's
ancestors, a place's columns, claiming due rows, reading page by page, dialect checks, and the
hot path's statements past the session's execution layer (``run_together``: one trip to
SQLite's thread; on PostgreSQL straight on the asyncpg adapter)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import KW_ONLY, dataclass, fields
from typing import Any, NoReturn

from sqlalchemy import ColumnElement, Join, Row, Select, Table, and_, insert, or_, select, update
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.compiler import Compiled

from storage.tables import (
    Area,
    AuditEntry,
    Broadcast,
    ChatSendSlot,
    CodeAttemptsRow,
    ConsentDecision,
    Conversation,
    Event,
    EventParticipant,
    Identity,
    Incident,
    Invitation,
    MemberPreferences,
    MemberRole,
    MemberRow,
    ModelActivity,
    MonthlyReport,
    OutboxMessage,
    PendingReply,
    ProcessedUpdate,
    RetentionRun,
    SecurityModel,
    SendBudget,
    SendLogEntry,
    StandardRecognition,
    StandardRegistration,
    Tip,
    TipAttachment,
    TipMessage,
    TipStatusChange,
    UnitGrade,
    WebLoginLink,
    WebSession,
)

# Core tables: the repositories use Core statements, which skip the ORM's per-row work.
members: Table = MemberRow.__table__  # type: ignore[assignment]
identities: Table = Identity.__table__  # type: ignore[assignment]
conversations: Table = Conversation.__table__  # type: ignore[assignment]
tips: Table = Tip.__table__  # type: ignore[assignment]
tip_attachments: Table = TipAttachment.__table__  # type: ignore[assignment]
tip_messages: Table = TipMessage.__table__  # type: ignore[assignment]
processed_updates: Table = ProcessedUpdate.__table__  # type: ignore[assignment]
areas: Table = Area.__table__  # type: ignore[assignment]
member_roles: Table = MemberRole.__table__  # type: ignore[assignment]
invitations: Table = Invitation.__table__  # type: ignore[assignment]
code_attempts: Table = CodeAttemptsRow.__table__  # type: ignore[assignment]
consent_decisions: Table = ConsentDecision.__table__  # type: ignore[assignment]
audit_log: Table = AuditEntry.__table__  # type: ignore[assignment]
outbox: Table = OutboxMessage.__table__  # type: ignore[assignment]
pending_replies: Table = PendingReply.__table__  # type: ignore[assignment]
member_preferences: Table = MemberPreferences.__table__  # type: ignore[assignment]
monthly_reports: Table = MonthlyReport.__table__  # type: ignore[assignment]
incidents: Table = Incident.__table__  # type: ignore[assignment]
security_models: Table = SecurityModel.__table__  # type: ignore[assignment]
model_activities: Table = ModelActivity.__table__  # type: ignore[assignment]
events: Table = Event.__table__  # type: ignore[assignment]
event_participants: Table = EventParticipant.__table__  # type: ignore[assignment]
tip_status_changes: Table = TipStatusChange.__table__  # type: ignore[assignment]
broadcasts: Table = Broadcast.__table__  # type: ignore[assignment]
retention_runs: Table = RetentionRun.__table__  # type: ignore[assignment]
web_login_links: Table = WebLoginLink.__table__  # type: ignore[assignment]
web_sessions: Table = WebSession.__table__  # type: ignore[assignment]
standard_registrations: Table = StandardRegistration.__table__  # type: ignore[assignment]
standard_recognitions: Table = StandardRecognition.__table__  # type: ignore[assignment]
unit_grades: Table = UnitGrade.__table__  # type: ignore[assignment]
send_budgets: Table = SendBudget.__table__  # type: ignore[assignment]
send_log: Table = SendLogEntry.__table__  # type: ignore[assignment]
chat_send_slots: Table = ChatSendSlot.__table__  # type: ignore[assignment]


def dialect_name(session: AsyncSession) -> str:
    """'sqlite' or 'postgresql', for the few statements that differ."""
    return session.get_bind().dialect.name


def escape_like(text: str) -> str:
    """``text`` with LIKE's wildcards escaped (escape character ``\\``), so they match only
    themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def inside(column: ColumnElement[str], prefix: str) -> ColumnElement[bool]:
    """``column`` starts with ``prefix``, wildcards and all: for a materialised path, the place
    at ``prefix`` and every place below it."""
    return column.like(escape_like(prefix) + "%", escape="\\")


def ancestor_paths(path: str) -> list[str]:
    """The paths of the place at ``path`` and of every place above it, the root first:
    "/40/17662/17662-001/" → ["/40/", "/40/17662/", "/40/17662/17662-001/"]."""
    codes = [code for code in path.split("/") if code]
    return ["/" + "/".join(codes[: depth + 1]) + "/" for depth in range(len(codes))]


async def insert_row(session: AsyncSession, table: Table, values: Mapping[str, Any]) -> int:
    """Insert one row of ``table`` (which has an ``id`` column); its id."""
    statement = insert(table).values(dict(values)).returning(table.c.id)
    return int((await session.execute(statement)).scalar_one())


async def claim_ids(
    session: AsyncSession,
    table: Table,
    waiting: ColumnElement[bool],
    *,
    values: Mapping[str, Any],
    order_by: Sequence[ColumnElement[Any]],
    limit: int,
    among: Sequence[ColumnElement[bool]] = (),
) -> list[int]:
    """Set ``values`` on up to ``limit`` rows of ``table`` that are ``waiting`` (and match
    ``among``), the first by ``order_by``; the ids of the rows this transaction claimed.

    The candidates are read first, locked with SKIP LOCKED on PostgreSQL, then updated by id
    under ``waiting`` again, so two processes never claim one row: ``waiting`` must stop being
    true once ``values`` are set (an ``escalated_at IS NULL`` set to a time). Read apart
    because inside ``IN (…)`` PostgreSQL may run a ``LIMIT … FOR UPDATE SKIP LOCKED`` subquery
    more than once and claim far beyond ``limit``.
    """
    candidates = (
        select(table.c.id)
        .where(waiting, *among)
        .order_by(*order_by)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    candidate_ids = list((await session.execute(candidates)).scalars())
    if not candidate_ids:
        return []
    claimed = await session.execute(
        update(table)
        .where(table.c.id.in_(candidate_ids), waiting)
        .values(dict(values))
        .returning(table.c.id)
    )
    return list(claimed.scalars())


# A place's parent, joined to name it: same-named places are told apart by their parent.
_place_parent = areas.alias("place_parent")


@dataclass(frozen=True, slots=True)
class PlacedRecord:
    """The place of a stored row as ``place_columns`` selects it: the records of rows that
    belong to a place extend it (its fields are keyword-only, after the record's own)."""

    _: KW_ONLY
    area_id: int
    area_code: str
    area_name: str
    area_kind: str
    area_path: str
    parent_name: str | None


def record_columns(
    record: type, table: Table, **others: ColumnElement[Any]
) -> tuple[ColumnElement[Any], ...]:
    """The columns to select for the dataclass ``record``, in the order of its fields:
    ``others[name]`` labelled ``name`` where given, else ``table``'s column of that name; so
    that ``record(**row._asdict())`` builds it and its fields are declared once."""
    return tuple(
        others[field.name].label(field.name) if field.name in others else table.c[field.name]
        for field in fields(record)
    )


def labelled(table: Table, prefix: str, names: Sequence[str]) -> tuple[ColumnElement[Any], ...]:
    """``table``'s columns ``names``, each labelled ``<prefix>_<name>``: to select them beside
    another table's columns of the same names."""
    return tuple(table.c[name].label(f"{prefix}_{name}") for name in names)


def place_columns() -> tuple[ColumnElement[Any], ...]:
    """The place of a row, as ``area_id``, ``area_code``, ``area_name``, ``area_kind``,
    ``area_path`` and ``parent_name`` (a ``PlacedRecord``); select them from ``with_place``."""
    return (
        *labelled(areas, "area", ("id", "code", "name", "kind", "path")),
        _place_parent.c.name.label("parent_name"),
    )


def with_place(table: Table) -> Join:
    """``table`` joined to its place (by its ``area_id``) and to the place's parent, if any."""
    return table.join(areas, areas.c.id == table.c.area_id).outerjoin(
        _place_parent, _place_parent.c.id == areas.c.parent_id
    )


# Opens a session for one page (a transaction of its own, or the caller's).
Sessions = Callable[[], AbstractAsyncContextManager[AsyncSession]]


def after(
    key: ColumnElement[Any], value: Any, tiebreak: ColumnElement[Any], last: Any
) -> ColumnElement[bool]:
    """Rows after (value, last) in (key, tiebreak) order; spelled out rather than as a row
    value so that the key column's type (UTC datetimes) converts ``value``."""
    return or_(key > value, and_(key == value, tiebreak > last))


async def pages(
    sessions: Sessions,
    statement: Callable[[Row[Any] | None], Select[Any]],
    page_size: int,
) -> AsyncIterator[Row[Any]]:
    """Rows of successive pages (keyset pagination, each page in a session of its own);
    ``statement(last_row)`` builds the page after ``last_row`` (None: the first page)."""
    last: Row[Any] | None = None
    while True:
        async with sessions() as session:
            # ``all()`` fetches the page in one call; iterating the result fetched row by row.
            rows = (await session.execute(statement(last).limit(page_size))).all()
        for row in rows:
            yield row
        if len(rows) < page_size:
            return
        last = rows[-1]


async def pages_by(
    sessions: Sessions,
    statement: Select[Any],
    key: ColumnElement[Any],
    *,
    page_size: int,
    key_name: str | None = None,
) -> AsyncIterator[Row[Any]]:
    """Rows of ``statement`` in the order of ``key``, a column unique per row (a place's
    path), page by page; ``key`` is selected as ``key_name`` (by default its own name)."""
    name: str = key_name or key.name  # type: ignore[attr-defined]
    ordered = statement.order_by(key)

    def page(last: Row[Any] | None) -> Select[Any]:
        return ordered if last is None else ordered.where(key > last._mapping[name])

    async for row in pages(sessions, page, page_size):
        yield row


# --- the hot path's statements past the session (SQLite's thread, asyncpg) -------------------

# Statements the hot path sent to the driver past SQLAlchemy's execution (the bench counts them
# beside those SQLAlchemy's events see).
statements_past_sqlalchemy = [0]


@dataclass(frozen=True, slots=True)
class TripOutcome:
    """What one statement of ``run_together`` did: rows changed, and the rows it returned
    (plain tuples, in the order of the statement's columns, converted as SQLAlchemy would)."""

    rowcount: int
    rows: Sequence[tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class _DriverSQL:
    statement: Executable
    sql: str
    names: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]
    compiled: Compiled
    # How each column of a returned row is converted (JSON, UTC times, booleans).
    results: tuple[Callable[[Any], Any] | None, ...]

    def parameters(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        full = self.compiled.construct_params(dict(values))
        return tuple(
            full[name] if process is None else process(full[name])
            for name, process in zip(self.names, self.processors, strict=True)
        )

    def rows(self, rows: Sequence[Any]) -> list[tuple[Any, ...]]:
        if not any(self.results):
            return [tuple(row) for row in rows]
        return [
            tuple(
                value if process is None or value is None else process(value)
                for value, process in zip(row, self.results, strict=True)
            )
            for row in rows
        ]


_driver_sql: dict[tuple[int, str, tuple[str, ...]], _DriverSQL] = {}


def _compiled_for_driver(
    statement: Executable, dialect: Dialect, keys: tuple[str, ...]
) -> _DriverSQL:
    """``statement`` compiled once for ``dialect`` and the parameter names ``keys``, with the
    value conversions of its columns' types (JSON text, UTC times) as SQLAlchemy applies them."""
    key = (id(statement), dialect.name, keys)
    found = _driver_sql.get(key)
    if found is not None and found.statement is statement:
        return found
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    names = tuple(compiled.positiontup or ())
    processors = tuple(
        compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    )
    columns = getattr(statement, "exported_columns", ())
    results = tuple(_result_processor(column.type, dialect) for column in columns)
    made = _DriverSQL(statement, str(compiled), names, processors, compiled, results)
    _driver_sql[key] = made
    return made


def _result_processor(type_: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    try:
        return type_.dialect_impl(dialect).result_processor(dialect, None)
    except (TypeError, InvalidRequestError):
        # asyncpg's floats choose by the result's column type, unknown here: a double
        # precision (a tip's latitude) comes from the driver as the float it is.
        return None


def _statements_on_thread(
    connection: Any, steps: Sequence[tuple[str, tuple[Any, ...]]]
) -> list[tuple[int, list[Any]]]:
    outcomes: list[tuple[int, list[Any]]] = []
    for sql, parameters in steps:
        cursor = connection.execute(sql, parameters)
        try:
            rows = cursor.fetchall() if cursor.description else []
            outcomes.append((cursor.rowcount, rows))
        finally:
            cursor.close()
    return outcomes


_HELD = "antq_held_connection"

# ``AsyncSession.info`` key: the connection a session is bound to for good and its pooled DBAPI
# connection (``storage.held``), found without a trip through the bridge.
HELD_CONNECTION = "antq_held_connection_fixed"


async def _held(session: AsyncSession) -> tuple[AsyncConnection, PoolProxiedConnection]:
    """The session's connection and its pooled DBAPI connection, looked up once per
    transaction (each look-up is a trip through SQLAlchemy's async bridge)."""
    pinned = session.info.get(HELD_CONNECTION)
    if pinned is not None:
        return pinned  # type: ignore[no-any-return]
    transaction = session.sync_session.get_transaction()
    found = session.info.get(_HELD)
    if found is not None and transaction is not None and found[0] is transaction:
        return found[1], found[2]
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    session.info[_HELD] = (session.sync_session.get_transaction(), connection, raw)
    return connection, raw


async def _on_asyncpg(
    connection: AsyncConnection,
    raw: PoolProxiedConnection,
    steps: Sequence[tuple[Executable, Mapping[str, Any]]],
) -> list[TripOutcome]:
    """``steps`` on PostgreSQL straight on SQLAlchemy's asyncpg adapter, in the transaction
    it holds (begun by the first statement, as SQLAlchemy does), with its cache of prepared
    statements: compiled once, converted as SQLAlchemy would, a round trip each, and none of
    the engine's and session's layers per statement (most of a message's CPU, which is what
    limits the bot's throughput on PostgreSQL). A driver error is raised as SQLAlchemy raises
    it (``DBAPIError``: an ``IntegrityError``, a lost connection invalidated)."""
    adapted = raw.dbapi_connection
    dialect = connection.dialect
    outcomes = []
    for statement, values in steps:
        sql = _compiled_for_driver(statement, dialect, tuple(values))
        parameters = sql.parameters(values)
        cursor = adapted.cursor()  # type: ignore[union-attr]
        statements_past_sqlalchemy[0] += 1
        try:
            await cursor._prepare_and_execute(sql.sql, parameters)
        except Exception as error:
            await _raise_as_sqlalchemy(connection, error, sql.sql, parameters)
        rows = sql.rows(list(cursor._rows)) if cursor.description else []
        outcomes.append(TripOutcome(cursor.rowcount, rows))
    return outcomes


async def commit_on_driver(connection: AsyncConnection, raw: PoolProxiedConnection) -> None:
    """COMMIT the transaction SQLAlchemy's asyncpg adapter holds on ``raw``, straight on the
    driver: what ``Connection.commit`` would send, without the trips through the async bridge
    (``storage.held``). The ``Connection``'s own bookkeeping is left to the caller; it sends
    nothing more afterwards, the adapter's transaction being over. A driver error is raised as
    SQLAlchemy raises it (a lost connection invalidated)."""
    adapted: Any = raw.dbapi_connection
    transaction = adapted._transaction
    if transaction is None:
        return  # no statement ran: the server has no transaction to end
    try:
        try:
            await adapted._call_and_discard(transaction.commit)
        except Exception as error:
            adapted._handle_exception(error)  # raises it as the adapter's DBAPI error
    except Exception as error:
        await _raise_as_sqlalchemy(connection, error, "COMMIT", ())


async def _raise_as_sqlalchemy(
    connection: AsyncConnection, error: Exception, sql: str, parameters: tuple[Any, ...]
) -> NoReturn:
    dialect = connection.dialect
    dbapi_error = dialect.loaded_dbapi.Error
    if not isinstance(error, dbapi_error):
        raise error
    raw = await connection.get_raw_connection()
    lost = dialect.is_disconnect(error, raw.dbapi_connection, None)
    if lost:
        # As SQLAlchemy does: the pool drops the connection, the next try gets a fresh one.
        await connection.invalidate(error)
    raise DBAPIError.instance(
        sql,
        parameters,
        error,
        dbapi_error,
        hide_parameters=True,
        dialect=dialect,
        connection_invalidated=lost,
    ) from error


async def run_together(
    session: AsyncSession, steps: Sequence[tuple[Executable, Mapping[str, Any]]]
) -> list[TripOutcome]:
    """Run Core ``steps`` (statement, parameters) in order in the session's transaction.

    On SQLite all of them go to the driver's thread in one trip, compiled once and converted
    as SQLAlchemy would (each trip costs thread switches and an event-loop wake-up, more than
    a small statement itself). On PostgreSQL each is a round trip on the driver, past the
    engine's and session's layers (``_on_asyncpg``). Elsewhere they run one by one through
    the session. Every statement runs, whatever the one before did: a caller that finds one
    did not do its part (an optimistic lock missed) raises, and the transaction is rolled
    back. The statements must be built once (module constants: compiled once), and take no
    expanding (``IN``) parameters."""
    connection, raw = await _held(session)
    if connection.dialect.driver == "asyncpg":
        return await _on_asyncpg(connection, raw, steps)
    run = getattr(raw.driver_connection, "run", None)
    if connection.dialect.name != "sqlite" or run is None:
        outcomes = []
        for statement, values in steps:
            result = await session.execute(statement, dict(values))
            rows = [tuple(row) for row in result.all()] if result.returns_rows else []
            outcomes.append(TripOutcome(result.rowcount, rows))  # type: ignore[attr-defined]
        return outcomes
    compiled = [
        _compiled_for_driver(statement, connection.dialect, tuple(values))
        for statement, values in steps
    ]
    prepared = [
        (sql.sql, sql.parameters(values)) for sql, (_, values) in zip(compiled, steps, strict=True)
    ]
    statements_past_sqlalchemy[0] += len(prepared)
    done = await run(_statements_on_thread, prepared)
    return [
        TripOutcome(rowcount, sql.rows(rows))
        for sql, (rowcount, rows) in zip(compiled, done, strict=True)
    ]


async def read_rows(
    connection: AsyncConnection, statement: Executable, values: Mapping[str, Any]
) -> list[tuple[Any, ...]]:
    """The rows of one SELECT, which must be built once (a module's constant: compiled once).

    On SQLite it runs outside any transaction, straight on the driver's thread: every
    transaction here begins with ``BEGIN IMMEDIATE`` and so waits for the writer, while a
    plain read of a WAL database waits for nobody. Elsewhere it runs as usual."""
    raw = await connection.get_raw_connection()
    run = getattr(raw.driver_connection, "run", None)
    if connection.dialect.name != "sqlite" or run is None:
        result = await connection.execute(statement, dict(values))
        return [tuple(row) for row in result.all()]
    sql = _compiled_for_driver(statement, connection.dialect, tuple(values))
    statements_past_sqlalchemy[0] += 1
    ((_, rows),) = await run(_statements_on_thread, [(sql.sql, sql.parameters(values))])
    return sql.rows(rows)
