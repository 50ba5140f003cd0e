"""Rows that name a person keep no time finer than the day.

A time kept to the minute hides an anonymous tipster only among those who wrote in that minute:
on a quiet commune, joining a member's row to a tip's time picks the sender by elimination.
The code now writes these times to the day (``storage.tables.day_stamp``); this brings the rows
written before to the day too. A conversation's time goes to the end of its day
(``day_end``), so that no draft's lifetime is cut short; finished outbox rows lose their due
time; chats' send slots whose gap has passed go. The finer times cannot come back.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 09:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, the rows concerned) kept to the start of their day.
TO_THE_DAY: tuple[tuple[str, str, str], ...] = (
    ("members", "created_at", "true"),
    ("identities", "created_at", "true"),
    ("identities", "last_seen_at", "true"),
    ("processed_updates", "processed_at", "true"),
    ("outbox", "created_at", "true"),
    ("outbox", "not_before", "status NOT IN ('queued', 'sending')"),
    ("outbox", "finished_at", "true"),
    ("audit_log", "at", "true"),
    ("consent_decisions", "decided_at", "true"),
    ("member_roles", "granted_at", "true"),
    ("member_roles", "revoked_at", "true"),
    ("invitations", "used_at", "true"),
    ("code_attempts", "updated_at", "true"),
    ("member_preferences", "updated_at", "true"),
    ("event_participants", "registered_at", "true"),
    ("event_participants", "cancelled_at", "true"),
)


def _day(column: str, dialect: str) -> str:
    """SQL for the start (UTC) of ``column``'s day: SQLite stores naive UTC text."""
    if dialect == "sqlite":
        return f"strftime('%Y-%m-%d 00:00:00.000000', {column})"
    return f"date_trunc('day', {column}, 'UTC')"


def _next_day(column: str, dialect: str) -> str:
    if dialect == "sqlite":
        return f"strftime('%Y-%m-%d 00:00:00.000000', {column}, '+1 day')"
    return f"date_trunc('day', {column}, 'UTC') + interval '1 day'"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, column, rows in TO_THE_DAY:
        op.execute(
            f"UPDATE {table} SET {column} = {_day(column, dialect)}"
            f" WHERE {column} IS NOT NULL AND {rows}"
        )
    day = _day("updated_at", dialect)
    op.execute(
        f"UPDATE conversations SET updated_at = {_next_day('updated_at', dialect)}"
        f" WHERE updated_at <> {day}"
    )
    now = "CURRENT_TIMESTAMP" if dialect == "sqlite" else "statement_timestamp()"
    op.execute(f"DELETE FROM chat_send_slots WHERE next_at <= {now}")


def downgrade() -> None:
    """Nothing to undo: the finer times are gone, and the older code reads day times too."""
