"""The inbox's statements: what waits, read while a writer holds SQLite's lock; the numbers of
applied updates kept, their content not."""

from __future__ import annotations

from sqlalchemy import select

from storage.database import Database
from storage.inbox import inbox, mark_applied, store, unknown_below, waiting


async def _store(database: Database, user: str, number: int) -> None:
    await store(
        database,
        channel="telegram",
        user_key=user,
        update_key=str(number),
        position=number,
        payload=f"text {number}",
    )


async def test_what_waits_is_read_while_another_transaction_writes(database: Database) -> None:
    await _store(database, "lan", 10)
    async with database.transaction() as session:
        # A writer holds the database (SQLite's one write lock) until the read is done.
        await session.execute(
            inbox.insert().values(
                channel="telegram", user_key="minh", update_key="11", position=11, payload="x"
            )
        )
        rows = await waiting(database, channel="telegram", user_key="lan")
        unknown = await unknown_below(
            database, channel="telegram", user_key="lan", first=10, last=10, window=100
        )
    assert [row.payload for row in rows] == ["text 10"]
    assert unknown.count == 0


async def test_an_applied_update_keeps_its_number_not_its_content(database: Database) -> None:
    for number in (10, 11, 13):
        await _store(database, "lan", number)
    rows = await waiting(database, channel="telegram", user_key="lan")
    await mark_applied(database, channel="telegram", ids=[rows[0].id, rows[1].id], keep=100)
    assert [
        row.position for row in await waiting(database, channel="telegram", user_key="lan")
    ] == [13]
    async with database.session() as session:
        kept = (await session.execute(select(inbox.c.position, inbox.c.payload))).all()
    assert sorted(kept) == [(10, ""), (11, ""), (13, "text 13")]
    # 12 is missing below 13 (anybody's, on its way); 10 and 11 are known.
    unknown = await unknown_below(
        database, channel="telegram", user_key="lan", first=13, last=13, window=100
    )
    assert unknown.count == 1
    # Numbers more than ``keep`` below the newest applied are forgotten.
    rows = await waiting(database, channel="telegram", user_key="lan")
    await mark_applied(database, channel="telegram", ids=[rows[0].id], keep=2)
    async with database.session() as session:
        left = sorted((await session.execute(select(inbox.c.position))).scalars())
    assert left == [11, 13]
