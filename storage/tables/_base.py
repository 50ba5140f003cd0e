"""What every table shares: the declarative base with its metadata and naming convention, the
UTC column type and the clock its defaults read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, MetaData, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase

# Named constraints: Alembic's SQLite batch mode can only alter constraints it can name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


DAY = timedelta(days=1)


def day_stamp(moment: datetime) -> datetime:
    """The start (midnight UTC) of ``moment``'s day: the finest time a row that names a person
    keeps. A finer one would tell which of the people who wrote that day sent an anonymous tip,
    by matching it to the tip's own times; to the day it says only "one of them"."""
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def day_end(moment: datetime) -> datetime:
    """The first midnight (UTC) not before ``moment``: a day stamp for a time that a lifetime
    is counted from (a draft's), so that rounding never cuts the lifetime short."""
    start = day_stamp(moment)
    return start if start == moment else start + DAY


class UtcDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that always stores UTC and always returns aware datetimes.

    SQLite keeps no offset, so without this a value would come back naive (and a non-UTC
    aware value would be stored with the wrong wall time).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of all models; its metadata is what Alembic compares against."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {datetime: UtcDateTime()}  # noqa: RUF012
