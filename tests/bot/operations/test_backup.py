"""Backups that restore (deploy/README.md, "Backups"): ``antq backup`` copies the database of a
bot that is working, ``antq restore`` brings the copy back in a new place, and the bot started
there with the key kept apart from the backup goes on where the copy left off — the replies it
owed, its outbox, and an anonymous tip's thread.

Real ``antq`` processes: the first bot's Telegram refuses to take messages (429) while people
write, so that replies and queued messages are still owed when the copy is made.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import func, select

from bot.delivery.queueing import MemberMessage, queue_for_member
from bot.operations import backup as commands
from bot.operations.backup import BackupError, backup, restore
from conversations.fields import format_tip_code
from storage._sql import pending_replies
from storage.database import Database
from storage.delivery.outbox import URGENT
from storage.tables import utcnow
from tests.bot.tips.harness import OFFICER_A, OFFICER_B, ask, member_id, new_tip, officer_phone
from tests.bot.tips.harness import act as act_on
from tests.conversations.harness import Clock, t
from tests.fakes.telegram_server import FakeTelegramServer
from tests.harness import (
    CHECKOUT,
    PATIENCE,
    SECRET_KEY,
    plain_postgres_url,
    run_antq,
    start_antq_run,
    stop_antq,
    wait_until,
)

TIPSTER = 77  # the anonymous sender of ``new_tip``'s tip
WRITERS = [501, 502, 503]  # people who write while the platform takes nothing
LATE_WRITER = 504  # writes while the copy is being made
QUESTION = "Xe thường đỗ ở đâu?"
WORKER = "backup-bot"


async def _owed_work(database: Database) -> str:
    """A tip whose handler asked its anonymous tipster a question, and a message queued for
    another officer, neither sent yet; the tip's code."""
    clock = Clock(utcnow())
    code = await new_tip(database, clock)
    officer = await officer_phone(database, clock, OFFICER_A)
    await act_on(officer, code, "take")
    await ask(officer, code, QUESTION)
    other = await member_id(database, OFFICER_B)
    async with database.transaction() as session:
        notice = MemberMessage(other, URGENT, "backup:urgent", text="Họp giao ban lúc 14 giờ")
        assert await queue_for_member(session, notice, now=clock.now)
    return code


async def _owed_replies(database: Database) -> int:
    async with database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(pending_replies)) or 0)


class Place:
    """Where a bot keeps its database: an SQLite file in a data folder, or a PostgreSQL
    database; and the server key as that place keeps it."""

    def __init__(self, url: str, home: Path, *, key_file: bool) -> None:
        self.url = url
        self.home = home
        self.key_file = key_file
        home.mkdir(parents=True, exist_ok=True)

    def settings(self) -> dict[str, str]:
        settings = {"ANTQ_DATABASE_URL": self.url, "ANTQ_DATA_DIR": str(self.home)}
        if not self.key_file:
            settings["ANTQ_SECRET_KEY"] = SECRET_KEY
        return settings


async def _new_postgres(url: str) -> str:
    name = f"antq_restore_{secrets.token_hex(6)}"
    admin = await asyncpg.connect(plain_postgres_url(url, "postgres"))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return name


async def _drop_postgres(url: str, name: str) -> None:
    admin = await asyncpg.connect(plain_postgres_url(url, "postgres"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def _run_bot(place: Place, telegram: FakeTelegramServer):  # type: ignore[no-untyped-def]
    return await start_antq_run(
        place.home,
        read_output=True,
        **place.settings(),
        ANTQ_TELEGRAM_TOKEN=telegram.token,
        ANTQ_TELEGRAM_BASE_URL=telegram.base_url,
        ANTQ_WORKER_ID=WORKER,
    )


async def test_a_backup_of_a_working_bot_restores_and_the_bot_goes_on(
    commune: Database, tmp_path: Path
) -> None:
    on_postgres = not commune.is_sqlite
    if on_postgres and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed (Debian: postgresql-client)")
    code = await _owed_work(commune)
    original = Place(commune.url, tmp_path / "original", key_file=not on_postgres)
    if original.key_file:
        # A local SQLite set-up keeps its key in the data folder (kept apart as a copy).
        (original.home / "secret.key").write_text(SECRET_KEY)
    backup_file = tmp_path / "backups" / "antq.backup"
    backup_file.parent.mkdir()

    async with FakeTelegramServer() as down:
        # The platform takes nothing: replies and queued messages stay owed.
        down.fail_next("sendMessage", status=429, retry_after=1, times=1_000_000)
        bot = await _run_bot(original, down)
        try:
            for writer in WRITERS:
                down.user_sends_text(writer, "/start")
            await wait_until(
                lambda: _owed_replies(commune),
                what="the bot owing replies",
            )
            await wait_until(
                lambda: len(down.calls("sendMessage")) >= 2, what="the bot trying to send"
            )
            down.user_sends_text(LATE_WRITER, "/start")
            status, said = await run_antq(
                "backup", str(backup_file), home=original.home, **original.settings()
            )
        finally:
            log = await stop_antq(bot)
    assert status == 0, said
    assert bot.returncode == 0, log
    assert backup_file.stat().st_mode & 0o077 == 0  # the owner's alone: it holds tip text
    assert SECRET_KEY not in backup_file.read_bytes().decode(errors="replace")

    # A new place: a new data folder, or a new empty PostgreSQL database.
    if on_postgres:
        name = await _new_postgres(commune.url)
        restored_url = plain_postgres_url(commune.url, name)
    else:
        restored_url = f"sqlite+aiosqlite:///{tmp_path / 'restored' / 'antq.sqlite3'}"
    restored = Place(restored_url, tmp_path / "restored", key_file=original.key_file)
    try:
        status, said = await run_antq(
            "restore", str(backup_file), home=restored.home, **restored.settings()
        )
        assert status == 0, said
        if restored.key_file:
            # The key file comes back from where it was kept, apart from the backup.
            (restored.home / "secret.key").write_text((original.home / "secret.key").read_text())
        async with FakeTelegramServer() as up:
            bot = await _run_bot(restored, up)
            try:
                # The replies owed when the copy was made are sent.
                for writer in WRITERS:
                    await up.wait_for_messages(writer, 1, timeout=PATIENCE)
                # The outbox: the officer's queued message, and the handler's question on the
                # tip's sealed route, which only the kept key opens.
                (urgent,) = await up.wait_for_messages(int(OFFICER_B[0]), 1, timeout=PATIENCE)
                assert urgent["text"] == "Họp giao ban lúc 14 giờ"
                asked = t("asking.to_tipster", code=format_tip_code(code), question=QUESTION)
                await up.wait_for(
                    lambda: (
                        any(
                            asked in message.get("text", "")
                            for message in up.sent_messages(TIPSTER)
                        )
                        or None
                    ),
                    timeout=PATIENCE,
                )
                # The thread goes on: the tipster answers, and the handler is told.
                up.user_sends_text(TIPSTER, f"/bosung {code}")
                await up.wait_for_messages(TIPSTER, 2, timeout=PATIENCE)
                up.user_sends_text(TIPSTER, "Trước cổng chợ")
                await up.wait_for_messages(TIPSTER, 3, timeout=PATIENCE)
                up.user_sends_text(TIPSTER, "xong")
                await up.wait_for_messages(int(OFFICER_A[0]), 1, timeout=PATIENCE)
            finally:
                log = await stop_antq(bot)
        assert bot.returncode == 0, log
    finally:
        if on_postgres:
            await _drop_postgres(commune.url, name)


async def test_a_backup_never_overwrites_and_a_restore_needs_a_new_database(
    database: Database, tmp_path: Path
) -> None:
    if not database.is_sqlite and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed (Debian: postgresql-client)")
    made = tmp_path / "antq.backup"
    made.write_bytes(b"yesterday's backup")
    # Synchronous, as the command line calls them: here in a thread beside the test's loop.
    with pytest.raises(BackupError, match="exists already"):
        await asyncio.to_thread(backup, database.url, made)
    assert made.read_bytes() == b"yesterday's backup"
    made.unlink()
    await asyncio.to_thread(backup, database.url, made)
    # The database it came from is not empty: restoring over it is refused, nothing touched.
    with pytest.raises(BackupError, match="restore into a new"):
        await asyncio.to_thread(restore, database.url, made)
    async with database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(pending_replies)) == 0


def test_the_readme_gives_the_pg_dump_and_pg_restore_lines_antq_runs() -> None:
    readme = " ".join((CHECKOUT / "deploy" / "README.md").read_text().replace("\\\n", " ").split())
    url = "postgresql://antq@127.0.0.1:5432/antq"
    for command in (
        commands.pg_dump_command(url, Path("antq.dump")),
        commands.pg_restore_command(url, Path("antq.dump")),
    ):
        where = ("--file=", "--dbname=")  # the README names its own file and database
        flags = [
            part for part in command[1:] if part.startswith("--") and not part.startswith(where)
        ]
        written = " ".join([Path(command[0]).name, *flags])
        assert written in readme, written
