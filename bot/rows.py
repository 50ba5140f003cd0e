"""Records of one layer made into those of another, the same way for every feature.

A view (``EventView``, ``ModelView``…) names most of its fields as the storage record does,
and a new row (``NewEvent``…) as the effect that asks for it; ``from_row`` copies those by
name so a field is declared once, and only what differs (a place, a count, the member) is
written at the call. ``same_session`` lends
the caller's transaction to the page-by-page readers of ``storage.exports``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # the in-memory reads of the flow tests share from_row without a database
    from sqlalchemy.ext.asyncio import AsyncSession

    from storage.exports import Sessions

__all__ = ["from_row", "same_session"]

View = TypeVar("View")


def from_row(kind: type[View], row: object, **given: Any) -> View:
    """A ``kind`` dataclass whose fields are ``given`` or else copied from ``row``'s attributes
    of the same name; a field the row lacks keeps its default (or fails loudly without one)."""
    copied = {
        field.name: getattr(row, field.name)
        for field in fields(kind)  # type: ignore[arg-type]
        if field.init and field.name not in given and hasattr(row, field.name)
    }
    return kind(**copied, **given)


def same_session(session: AsyncSession) -> Sessions:
    """Pages read in the caller's transaction (what is read that way is capped, so it stays
    short)."""

    @asynccontextmanager
    async def opened() -> AsyncIterator[AsyncSession]:
        yield session

    return opened
