"""What storage raises, as one tree: catch ``StorageError`` for any of it, ``Conflict`` for what
running the work again fixes, ``InvalidRecord`` for a caller's bug.

The feature modules re-export the classes they raise (``from storage.tips import
DuplicateTipCode`` works), and ``is_transient`` says which of the driver's own errors are worth
another try.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

__all__ = [
    "ConcurrentUpdate",
    "Conflict",
    "DuplicateInvitationCode",
    "DuplicateTipCode",
    "InvalidRecord",
    "InvitationTaken",
    "ReportTaken",
    "StorageError",
    "UnsupportedDatabase",
    "is_transient",
]


class StorageError(Exception):
    """Something storage refused to do; the root of every error raised by ``storage``."""


class Conflict(StorageError):
    """Another transaction wrote first: the caller's transaction stored nothing of what it was
    doing, and the same work run again (reading afresh) will succeed."""


class ConcurrentUpdate(Conflict):
    """Another process saved this member's conversation between reading and saving it."""


class ReportTaken(Conflict):
    """Another leader filed or corrected the same monthly update first: run the message again."""


class InvitationTaken(Conflict):
    """The invitation was used (or expired) between reading and redeeming it: run again."""


class DuplicateTipCode(Conflict):
    """The new tip's random code is taken; the caller's transaction is intact, retry with
    another code."""


class DuplicateInvitationCode(Conflict):
    """The new invitation's random code is taken; the caller's transaction is intact, retry
    with another code."""


class InvalidRecord(StorageError, ValueError):
    """A record handed to storage breaks a rule of its table (an anonymous tip that names its
    sender, a time not written HH:MM, an unknown severity ...): a caller's bug, never worth a
    retry. A ``ValueError`` too, as a bad argument is."""


class UnsupportedDatabase(StorageError, ValueError):
    """The database URL names a backend other than SQLite or PostgreSQL."""


# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available.
_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})


def is_transient(error: BaseException) -> bool:
    """True when ``error`` says the database was busy (SQLite's lock outlasted busy_timeout,
    or PostgreSQL gave up on a lock or a serialisable transaction) or the connection was lost;
    the same work may succeed when tried again."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        # The server closed the connection (a restart, an idle timeout): the pool dropped it,
        # and the next try gets a fresh one. This is what a pre-ping on every checkout would
        # catch, at the price of one round trip per transaction.
        return True
    original = error.orig
    code = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if code in _TRANSIENT_SQLSTATES:
        return True
    message = str(original).lower()
    return "database is locked" in message or "database table is locked" in message
