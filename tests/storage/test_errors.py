"""Storage's error tree, and which database errors the processor tries again."""

from __future__ import annotations

import importlib
import pkgutil
import sqlite3
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError, OperationalError

import storage
from storage import conversations, monthly_reports, tips
from storage.errors import Conflict, InvalidRecord, StorageError, is_transient
from storage.people import invitations


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


def test_every_error_storage_defines_is_under_its_root() -> None:
    defined = [
        value
        for path in pkgutil.walk_packages(storage.__path__, "storage.")
        if ".migrations" not in path.name
        for value in vars(importlib.import_module(path.name)).values()
        if isinstance(value, type)
        and issubclass(value, Exception)
        and value.__module__.startswith("storage.")
    ]
    assert defined
    assert all(issubclass(error, StorageError) for error in defined)


def test_the_races_a_new_run_fixes_are_conflicts_under_their_features_names() -> None:
    raced = (
        conversations.ConcurrentUpdate,
        monthly_reports.ReportTaken,
        invitations.InvitationTaken,
        invitations.DuplicateInvitationCode,
        tips.DuplicateTipCode,
    )
    assert all(issubclass(error, Conflict) for error in raced)


def test_a_record_breaking_its_tables_rules_is_a_bad_argument_not_a_conflict() -> None:
    assert issubclass(InvalidRecord, ValueError)
    assert not issubclass(InvalidRecord, Conflict)
