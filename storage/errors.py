"""Which database errors are worth one more try: the database was busy, not the request wrong."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

__all__ = ["is_transient"]

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
