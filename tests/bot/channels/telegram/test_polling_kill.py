"""Long polling confirms an update to Telegram only once it is stored.

The real ``antq run`` fetches a person's message by getUpdates; the person's lock in the
database is held (as by another process applying their previous message) so the message cannot
be committed; the process is SIGKILLed. Started again, it gets the message again from Telegram
and answers it, once.
"""

from __future__ import annotations

import asyncio
import os
import signal
from asyncio.subprocess import Process
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from storage._sql import processed_updates
from storage.areas import insert_areas
from storage.database import Database
from tests.bot.harness import TREE
from tests.fakes.telegram_server import FakeTelegramServer
from tests.harness import PATIENCE, start_telegram_bot, wait_until

USER = 7391846205
# The class of the advisory lock a processor takes for one user
# (storage.reply_path.updates.lock_user).
USER_LOCK_CLASS = 20_020
HOLD = text("SELECT pg_advisory_lock(:lock_class, hashtext(:user_key))")
RELEASE = text("SELECT pg_advisory_unlock(:lock_class, hashtext(:user_key))")


async def _start_bot(telegram: FakeTelegramServer, database_url: str, home: Path) -> Process:
    return await start_telegram_bot(
        telegram,
        database_url,
        home,
        show_errors=bool(os.environ.get("ANTQ_TEST_VERBOSE")),
        ANTQ_WORKER_ID="bot-1",
    )


def _fetched(telegram: FakeTelegramServer, update_id: int) -> bool:
    """Whether a getUpdates answer carried ``update_id``."""
    for call in telegram.calls("getUpdates"):
        result = call.result if isinstance(call.result, list) else []
        if any(update.get("update_id") == update_id for update in result):
            return True
    return False


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_an_update_fetched_but_not_stored_when_the_process_dies_is_answered_once_after(
    database: Database, database_url: str, tmp_path: Path
) -> None:
    async with database.transaction() as session:
        await insert_areas(session, TREE)  # no loading of the whole country at the first start
    async with FakeTelegramServer() as telegram:
        first = await _start_bot(telegram, database_url, tmp_path)
        holder = await database.engine.connect()
        values = {"lock_class": USER_LOCK_CLASS, "user_key": f"telegram:{USER}"}
        try:
            # The bot cannot apply the person's message from now on. (No waiting for a first
            # getUpdates: the fake records a long poll once it returns, after its timeout.)
            await holder.execute(HOLD, values)
            update_id = telegram.user_sends_text(USER, "/start")
            await wait_until(lambda: _fetched(telegram, update_id), what="the update fetched")
            # Whatever the process would ask Telegram next, it asks it now.
            await asyncio.sleep(0)
        finally:
            first.send_signal(signal.SIGKILL)
            await first.wait()
            await holder.execute(RELEASE, values)
            await holder.close()
        assert not telegram.sent_messages()
        second = await _start_bot(telegram, database_url, tmp_path)
        try:
            await telegram.wait_for_messages(USER, 1, timeout=PATIENCE)
        finally:
            second.send_signal(signal.SIGTERM)
            await second.wait()
    async with database.session() as session:
        claims = await session.scalar(
            select(func.count())
            .select_from(processed_updates)
            .where(processed_updates.c.update_key == str(update_id))
        )
    assert claims == 1
