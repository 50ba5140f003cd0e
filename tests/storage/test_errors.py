"""Which database errors the processor tries again."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError, OperationalError

from storage.errors import is_transient


@dataclass
class PgError(Exception):
    sqlstate: str


def test_busy_and_lock_failures_are_transient() -> None:
    assert is_transient(OperationalError("x", None, sqlite3.OperationalError("database is locked")))
    assert is_transient(OperationalError("x", None, PgError("40P01")))  # deadlock
    assert is_transient(OperationalError("x", None, PgError("40001")))  # serialization


def test_wrong_requests_are_not() -> None:
    assert not is_transient(IntegrityError("x", None, sqlite3.IntegrityError("UNIQUE failed")))
    assert not is_transient(OperationalError("x", None, sqlite3.OperationalError("no such table")))
    assert not is_transient(ValueError("database is locked"))


def test_a_lost_connection_is_transient() -> None:
    lost = OperationalError("x", None, ConnectionResetError("connection was closed"))
    lost.connection_invalidated = True
    assert is_transient(lost)
