"""Helpers of every test folder: waiting for something to happen, starting ``antq``, and
walking the whole database as an attacker would.

A test never checks after a fixed sleep: it waits for the event it expects, with a deadline
generous enough for a machine busy with other work (a busy machine is slow, not wrong).
"""

from __future__ import annotations

import asyncio
import base64
import inspect
import os
import re
import socket
import sys
from asyncio.subprocess import DEVNULL, PIPE, STDOUT, Process
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from sqlalchemy import Table

    from storage.database import Database
    from tests.fakes.telegram_server import FakeTelegramServer

T = TypeVar("T")

# How long a test waits for something that takes milliseconds on a quiet machine.
PATIENCE = 60.0
# The command this checkout installed, and a server key for the processes it starts.
ANTQ = Path(sys.executable).parent / "antq"
SECRET_KEY = base64.b64encode(bytes(range(32))).decode()
# This checkout: on an ``antq`` process's PYTHONPATH, its code runs, not whichever checkout
# the entry point was installed from.
CHECKOUT = Path(__file__).resolve().parents[1]


async def wait_until(
    predicate: Callable[[], T | Awaitable[T]],
    timeout: float = PATIENCE,  # noqa: ASYNC109 - a deadline for the condition, not for I/O
    *,
    interval: float = 0.05,
    what: str = "the condition",
) -> T:
    """``predicate()``'s first truthy value (awaited when it is a coroutine), checked every
    ``interval`` seconds; an AssertionError naming ``what`` when ``timeout`` passes first."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = predicate()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value  # type: ignore[return-value]
        if loop.time() >= deadline:
            raise AssertionError(f"{what} did not happen within {timeout:.0f} s")
        await asyncio.sleep(interval)


def antq_environment(**settings: str) -> dict[str, str]:
    """The environment of an ``antq`` process a test starts: only ``settings`` (ANTQ_...) and
    PATH, this checkout's code (PYTHONPATH), and its web server on a free port of 127.0.0.1, so
    that bots of tests running side by side (or of another run on the same machine) never
    fight over a port."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(CHECKOUT),
        "ANTQ_WEB_HOST": "127.0.0.1",
        "ANTQ_WEB_PORT": "0",
        **settings,
    }


async def start_antq_run(
    home: Path, *, read_output: bool = False, show_errors: bool = False, **settings: str
) -> Process:
    """``antq run`` working in ``home``, with ``settings`` (see ``antq_environment``). With
    ``read_output`` its output and errors are the process's stdout, in order; else they are
    dropped, but for the errors when ``show_errors``."""
    if read_output:
        stdout, stderr = PIPE, STDOUT
    else:
        stdout, stderr = DEVNULL, None if show_errors else DEVNULL
    return await asyncio.create_subprocess_exec(
        str(ANTQ),
        "run",
        stdin=DEVNULL,
        stdout=stdout,
        stderr=stderr,
        env=antq_environment(**settings),
        cwd=home,
    )


async def start_telegram_bot(
    telegram: FakeTelegramServer,
    database_url: str,
    home: Path,
    *,
    data_dir: Path | None = None,
    show_errors: bool = False,
    **settings: str,
) -> Process:
    """``antq run`` working in ``home`` on ``database_url``, its data in ``data_dir`` (``home``
    by default), with the server key and Telegram's fake ``telegram``, and ``settings``."""
    return await start_antq_run(
        home,
        show_errors=show_errors,
        ANTQ_DATABASE_URL=database_url,
        ANTQ_DATA_DIR=str(data_dir or home),
        ANTQ_SECRET_KEY=SECRET_KEY,
        ANTQ_TELEGRAM_TOKEN=telegram.token,
        ANTQ_TELEGRAM_BASE_URL=telegram.base_url,
        **settings,
    )


def free_port() -> int:
    """A port free now: for a bot whose webhook URL must name its port before it listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def plain_postgres_url(url: str, database: str | None = None) -> str:
    """``url`` as asyncpg takes it (no ``+driver``), optionally naming another database."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def postgres_location(url: str) -> str:
    """Where the server of ``url`` is (host:port), to say so without its credentials."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}"


async def answers_healthy(port: int) -> bool:
    """Whether the bot serving on ``port`` of 127.0.0.1 answers ``/healthz`` with 200 (its
    database migrated and reachable); False while it is still starting."""
    import httpx

    try:
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{port}/healthz", timeout=PATIENCE)
    except httpx.TransportError:
        return False
    return response.status_code == 200


async def stop_antq(process: Process) -> str:
    """Stop ``process`` as systemd would (SIGTERM) unless it stopped already; what it wrote
    when started with ``read_output``, else ""."""
    if process.returncode is None:
        process.terminate()
    output, _ = await asyncio.wait_for(process.communicate(), timeout=PATIENCE)
    return (output or b"").decode(errors="replace")


async def run_antq(*arguments: str, home: Path, **settings: str) -> tuple[int, str]:
    """``antq arguments...`` run to its end in ``home`` with ``settings`` (see
    ``antq_environment``) and this checkout's code: its exit status and its output (errors
    included)."""
    process = await asyncio.create_subprocess_exec(
        str(ANTQ),
        *arguments,
        stdin=DEVNULL,
        stdout=PIPE,
        stderr=STDOUT,
        env=antq_environment(**settings),
        cwd=home,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=PATIENCE)
    assert process.returncode is not None
    return process.returncode, output.decode(errors="replace")


# ---------------------------------------------------------------- the attacker's schema walk
#
# The unlinkability tests (tips, threads, surveys, opinions) read the whole database as an
# attacker without the key would: every table, every column, so that a table or a column added
# later is checked without editing them. ``Trace`` says what names one thing in a row, and
# ``rows_naming_both`` is the walk: the rows that name an anonymous item and its author at once.

Row = dict[str, Any]
# A column named so holds a member's id, foreign key or not (``created_by``: an author).
MEMBER_COLUMN_SUFFIX, MEMBER_COLUMNS = "member_id", ("created_by", "changed_by")


def references(table: Table, target: str) -> set[str]:
    """The columns of ``table`` holding an id of the table ``target`` (by foreign key)."""
    return {
        column.name
        for column in table.columns
        for key in column.foreign_keys
        if key.column.table.name == target
    }


def row_words(row: Row) -> str:
    """A row's values as text, to look for words in (sealed bytes say nothing)."""
    return " ".join(str(value) for value in row.values() if not isinstance(value, bytes))


@dataclass(frozen=True)
class Trace:
    """What names one thing in a row: its own row or a foreign key to it (``ids``: a table's
    name -> the thing's ids there; on ``members`` also a column named as a member's id), an
    audit-style ``subject_kind``/``subject_id`` pair (``subjects``: kind -> ids), or ``words``
    in any value (a pattern where a plain substring would match too much, e.g. a short id)."""

    ids: Mapping[str, Collection[object]]
    words: Sequence[str | re.Pattern[str]] = ()
    subjects: Mapping[str, Collection[object]] = field(default_factory=dict)

    def in_row(self, table: Table, row: Row) -> bool:
        for target, ids in self.ids.items():
            if table.name == target and row.get("id") in ids:
                return True
            columns = references(table, target)
            if target == "members":
                columns |= {
                    name
                    for name in row
                    if name.endswith(MEMBER_COLUMN_SUFFIX) or name in MEMBER_COLUMNS
                }
            if any(row[column] in ids for column in columns if row[column] is not None):
                return True
        kind = row.get("subject_kind")
        if kind in self.subjects and row.get("subject_id") in self.subjects[kind]:
            return True
        text = row_words(row)
        return any(
            word.search(text) if isinstance(word, re.Pattern) else word in text
            for word in self.words
        )


def person(member: int, identities: Collection[int], *words: str | re.Pattern[str]) -> Trace:
    """What names a person: their member row, their identities, a member's column holding
    their id, and ``words`` (their chat id, their name)."""
    return Trace({"members": {member}, "identities": set(identities)}, words)


async def database_contents(database: Database) -> dict[str, list[Row]]:
    """Every row of every table of the schema, by table name."""
    from sqlalchemy import select

    from storage.tables import Base

    async with database.transaction() as session:
        return {
            table.name: [dict(row) for row in (await session.execute(select(table))).mappings()]
            for table in Base.metadata.sorted_tables
        }


async def rows_naming_both(database: Database, item: Trace, author: Trace) -> list[tuple[str, Row]]:
    """(table name, row) of every row of the schema that names both ``item`` and ``author``."""
    from storage.tables import Base

    contents = await database_contents(database)
    return [
        (table.name, row)
        for table in Base.metadata.sorted_tables
        for row in contents[table.name]
        if item.in_row(table, row) and author.in_row(table, row)
    ]


async def finish_every_reply(database: Database) -> None:
    """What the channels do once they sent the replies: the stored batches go (until then a
    batch holds the chat it goes to and what it says)."""
    from sqlalchemy import select

    from storage._sql import pending_replies
    from storage.reply_path.replies import finish_replies

    async with database.transaction() as session:
        ids = (await session.execute(select(pending_replies.c.id))).scalars().all()
        await finish_replies(session, ids)
