"""Revision 0033: a unit's registration keeps its signers in ``people_signed``, not in the
residential areas' ``households_registered``; an area's households stay where they are; the
downgrade puts the signers back."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from storage.migrate import alembic_config, upgrade

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
PLACES = (
    (1, "40", "Nghệ An", "province", None, "/40/"),
    (2, "17662", "Xã Đô Lương", "commune", 1, "/40/17662/"),
    (3, "17662-001", "Thôn Một", "thon", 2, "/40/17662/17662-001/"),
    (4, "17662-002", "Trường THCS Đô Lương", "school", 2, "/40/17662/17662-002/"),
    (5, "17662-003", "Công ty May", "business", 2, "/40/17662/17662-003/"),
)
# area id → what was registered before the migration (households_registered)
REGISTERED = {3: 120, 4: 780, 5: 290}


async def registrations(engine: object) -> dict[int, tuple[int | None, ...]]:
    async with engine.connect() as connection:  # type: ignore[attr-defined]
        rows = await connection.execute(
            text("SELECT * FROM standard_registrations ORDER BY area_id")
        )
        return {
            row.area_id: (row.households_registered, getattr(row, "people_signed", None))
            for row in rows
        }


async def test_unit_signers_move_to_their_column_and_back(database_url: str) -> None:
    await asyncio.to_thread(upgrade, database_url, "0029")
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            for area_id, code, name, kind, parent, path in PLACES:
                await connection.execute(
                    text(
                        "INSERT INTO areas (id, code, name, name_folded, kind, parent_id, path, "
                        "created_at) VALUES (:id, :code, :name, :name, :kind, :parent, :path, :t)"
                    ),
                    {"id": area_id, "code": code, "name": name, "kind": kind,
                     "parent": parent, "path": path, "t": NOW},
                )  # fmt: skip
            for area_id, people in REGISTERED.items():
                await connection.execute(
                    text(
                        "INSERT INTO standard_registrations (area_id, year, "
                        "households_registered, registered_on, late, registered_at) "
                        "VALUES (:area, 2026, :people, :on, false, :t)"
                    ),
                    {"area": area_id, "people": people, "on": date(2026, 3, 2), "t": NOW},
                )
        await asyncio.to_thread(upgrade, database_url, "0033")
        await engine.dispose()  # PostgreSQL: statements prepared before the table changed go
        # The area keeps its households; the school's and the company's signers move.
        assert await registrations(engine) == {3: (120, None), 4: (None, 780), 5: (None, 290)}

        config = alembic_config(database_url)
        await asyncio.to_thread(command.downgrade, config, "0029")
        await engine.dispose()  # PostgreSQL: statements prepared before the table changed go
        assert await registrations(engine) == {3: (120, None), 4: (780, None), 5: (290, None)}
    finally:
        await engine.dispose()
