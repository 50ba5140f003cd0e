"""Messages through the engine and the database together, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.app import configure_logging
from bot.reply_path import ScreenRule
from conversations.replies import AskLocation, Choices, Inbound, MediaItem, Reply
from conversations.secret_codes import LOCKOUTS, CodeKind
from conversations.tips.report import new_tip_code
from storage.conversations import load_conversation
from storage.database import Database
from storage.reply_path.replies import unsent_replies
from storage.tips import list_tips
from tests.bot.harness import NAME, USER_ID, Phone, at_menu, make_processor, two_processes, walk
from tests.conversations.harness import (
    ANONYMOUS_PATH,
    CONTACT_PATH,
    DESCRIPTION,
    t,
)

CHAT_ID = "7391846205"


async def to_tip_start(phone: Phone) -> None:
    await phone.send(text="/start")
    await phone.send(text="1")
    await phone.send(text="1")
    assert phone.asked("tip.ask.category")


async def sent_tip(database: Database, path: list[tuple[str, dict[str, object]]]) -> Phone:
    """The phone of someone who answered ``path`` from the menu and sent the tip."""
    phone = Phone(make_processor(database))
    await to_tip_start(phone)
    await walk(phone, path)
    await phone.send(text="1")
    return phone


async def test_a_tip_is_stored_with_its_attachments(database: Database) -> None:
    phone = Phone(make_processor(database))
    await to_tip_start(phone)
    await walk(phone, ANONYMOUS_PATH, upto=5)
    await phone.send(media=MediaItem("photo", "AgACAgUAAx", file_unique_id="AQAD", size_bytes=2048))
    await phone.send(
        media=MediaItem("voice", "AwACAgUAAx", mime_type="audio/ogg", duration_seconds=7)
    )
    await phone.send(text="xong")
    await phone.send(text="1")
    await phone.send(text="1")

    async with database.transaction() as session:
        (tip,) = await list_tips(session)
    assert tip.description == DESCRIPTION
    assert [(a.kind, a.file_id, a.channel) for a in tip.attachments] == [
        ("photo", "AgACAgUAAx", "telegram"),
        ("voice", "AwACAgUAAx", "telegram"),
    ]
    assert tip.attachments[1].duration_seconds == 7
    assert tip.code[:4] in phone.text


async def test_an_anonymous_tip_holds_no_readable_sender_identity(database: Database) -> None:
    await sent_tip(database, ANONYMOUS_PATH)

    async with database.transaction() as session:
        tips = (await session.execute(text("SELECT * FROM tips"))).mappings().all()
        files = (await session.execute(text("SELECT * FROM tip_attachments"))).mappings().all()
        member_id = (await session.execute(text("SELECT id FROM members"))).scalar_one()
        conversation = await load_conversation(session, member_id)
    (row,) = tips
    assert row["member_id"] is None and row["contact_phone"] is None
    for value in [*row.values(), *(v for f in files for v in f.values())]:
        shown = value.hex() if isinstance(value, bytes) else str(value)
        raw = value if isinstance(value, bytes) else shown.encode()
        for secret in (USER_ID, NAME):
            assert secret not in shown and secret.encode() not in raw
    # The draft with the tip's text is gone from the sender's conversation once it is sent.
    assert conversation is not None and DESCRIPTION not in str(conversation.data)


async def test_a_named_tip_keeps_the_sender_and_phone_for_officers(database: Database) -> None:
    await sent_tip(database, CONTACT_PATH)
    async with database.transaction() as session:
        (tip,) = await list_tips(session)
    assert not tip.anonymous and tip.member_id is not None
    assert tip.contact_phone == "+84912345678"


async def test_status_takes_the_code_alone_and_guessing_is_locked_out_across_restarts(
    database: Database,
) -> None:
    processor = make_processor(database)
    sender, other = Phone(processor), Phone(processor, user_id="55", name="Khác")
    await to_tip_start(sender)
    await walk(sender, ANONYMOUS_PATH)
    await sender.send(text="1")
    async with database.transaction() as session:
        (tip,) = await list_tips(session)

    await sender.send(text=f"/status {tip.code}")
    assert t("tip.status.received") in sender.text
    await other.send(text="/start")
    await other.send(text="1")
    lockout = LOCKOUTS[CodeKind.TIP]
    for _ in range(lockout.max_wrong):
        await other.send(text=f"/status {new_tip_code()}")
        assert t("status.not_found") in other.text

    restarted = Phone(make_processor(database), user_id="55", name="Khác")
    await restarted.send(text=f"/status {tip.code}")
    # Locked until a time shown in Vietnam's way, with the count of wrong codes.
    said = t("status.slow_down", count=lockout.max_wrong, until="{until}").split("{until}")[0]
    assert re.search(re.escape(said) + r"\d\d:\d\d \d\d/\d\d/\d{4}\.", restarted.text)
    assert t("tip.status.received") not in restarted.text


async def test_a_restart_mid_flow_resumes_at_the_same_step_with_the_same_answers(
    database_url: str, database: Database
) -> None:
    phone = Phone(make_processor(database))
    await to_tip_start(phone)
    await walk(phone, ANONYMOUS_PATH, upto=4)
    assert phone.asked("tip.ask.time")
    await database.dispose()

    # A new process: new engine, new connection pool, same database.
    restarted = Database(database_url)
    try:
        processor = make_processor(restarted)
        opened = list((await processor.open_chat(Inbound("telegram", CHAT_ID, USER_ID))).replies)
        assert t("draft.resumed") in opened[0].text
        assert t("tip.ask.time") in opened[-1].text
        assert t("flow.progress", position=5, total=9) in opened[-1].text
        phone = Phone(processor)
        phone.replies = opened
        await walk(phone, ANONYMOUS_PATH[4:])
        assert DESCRIPTION[:30] in phone.text and "Kim Liên" in phone.text
        await phone.send(text="1")
        async with restarted.transaction() as session:
            (tip,) = await list_tips(session)
        assert tip.description == DESCRIPTION
    finally:
        await restarted.dispose()


async def test_messages_of_one_user_are_handled_one_at_a_time_across_processes(
    database_url: str, database: Database
) -> None:
    async with two_processes(database_url, database) as (first_process, second_process):
        await to_tip_start(Phone(first_process))
        # Both processes receive messages of the same user at once.
        texts = [f"tin nhắn số {n} về việc mua bán ma tuý" for n in range(8)]
        await asyncio.gather(
            *(
                (first_process if n % 2 else second_process).process(
                    Inbound("telegram", CHAT_ID, USER_ID, text=body)
                )
                for n, body in enumerate(texts)
            )
        )
        async with database.transaction() as session:
            member_id = (await session.execute(text("SELECT id FROM members"))).scalar_one()
            conversation = await load_conversation(session, member_id)
        assert conversation is not None
        # /start, language, menu choice, then 8 messages: each one saved exactly once, in turn.
        assert conversation.version == 3 + len(texts)
        assert conversation.step == "category"  # none of them was a category


async def test_choices_and_location_questions_reach_the_channel_as_such(database: Database) -> None:
    phone = Phone(make_processor(database))
    await to_tip_start(phone)
    assert isinstance(phone.replies[-1], Choices)
    await walk(phone, ANONYMOUS_PATH, upto=2)
    assert isinstance(phone.replies[-1], AskLocation)


class BrokenEngine:
    async def handle(self, *args: object) -> None:
        raise RuntimeError("boom")


async def test_an_internal_error_gets_an_apology_and_logs_no_text(
    sqlite_database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    processor = make_processor(sqlite_database)
    processor.engine = BrokenEngine()  # type: ignore[assignment]
    secret_text = "bí mật của người báo tin 0912345678"
    configure_logging(logging.DEBUG)
    with caplog.at_level(logging.DEBUG):
        batch = await processor.process(
            Inbound("telegram", CHAT_ID, USER_ID, display_name=NAME, text=secret_text)
        )
    assert [reply.text for reply in batch.replies] == [t("error.internal")]
    assert batch.id is None  # an apology is not stored: nothing to resend after a restart
    assert secret_text not in caplog.text and USER_ID not in caplog.text and NAME not in caplog.text


async def test_a_delivery_seen_twice_is_answered_and_stored_once(
    database_url: str, database: Database
) -> None:
    """A webhook retry (even into a second process) changes nothing and sends nothing twice."""
    async with two_processes(database_url, database) as (first_process, second_process):
        await to_tip_start(Phone(first_process))
        delivery = Inbound("telegram", CHAT_ID, USER_ID, text="1", update_key="900001")
        first, again, elsewhere = await asyncio.gather(
            first_process.process(delivery),
            first_process.process(delivery),
            second_process.process(delivery),
        )
        # Processed once; the deliveries that came again find the same stored replies (not
        # sent yet: no channel sends them here), which a channel's dispatcher sends once.
        batches = [batch for batch in (first, again, elsewhere) if batch.replies]
        assert len({batch.id for batch in batches}) == 1
        assert t("tip.ask.description") in batches[0].replies[-1].text
        # The next delivery, with a new id, is processed as usual.
        batch = await first_process.process(
            Inbound("telegram", CHAT_ID, USER_ID, text="/back", update_key="900002")
        )
        assert t("tip.ask.category") in batch.replies[-1].text


def leaves_a_keyboard(shown: bool, replies: tuple[Reply, ...]) -> bool:
    return True


def takes_it_away(shown: bool, replies: tuple[Reply, ...]) -> bool:
    return False


async def test_what_a_chat_shows_is_decided_with_the_replies_before_any_is_sent(
    database: Database,
) -> None:
    """Nothing is sent here: the reply keyboard a batch leaves on the screen is stored with it,
    so the next batch owes its removal however late the first one goes."""
    processor = make_processor(database)

    async def answer(text: str, key: str, screen: ScreenRule) -> bool:
        message = Inbound("telegram", CHAT_ID, USER_ID, text=text, update_key=key)
        return (await processor.process(message, screen)).removal_owed

    assert await answer("/start", "1", leaves_a_keyboard) is False
    assert await answer("/help", "2", leaves_a_keyboard) is True
    assert await answer("/help", "3", takes_it_away) is True
    assert await answer("/help", "4", takes_it_away) is False
    # A delivery seen again, and a restart, find the batch as it was decided.
    again = Inbound("telegram", CHAT_ID, USER_ID, text="/help", update_key="3")
    assert (await processor.process(again, takes_it_away)).removal_owed is True
    async with database.transaction() as session:
        stored = await unsent_replies(session, channel="telegram")
    assert [batch.removal_owed for batch in stored] == [False, True, True, False]


async def test_a_user_who_blocked_the_bot_is_inactive_until_they_write_again(
    database: Database,
) -> None:
    processor = make_processor(database)
    phone = Phone(processor)
    await phone.send(text="/start")

    async def active() -> bool:
        async with database.transaction() as session:
            flag = await session.scalar(text("SELECT active FROM identities"))
        return bool(flag)

    await processor.mark_blocked("telegram", USER_ID)
    assert not await active()
    await phone.send(text="/menu")
    assert await active()


def _busy() -> OperationalError:
    return OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))


async def test_a_busy_database_is_tried_again_before_apologising(
    sqlite_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    processor = make_processor(sqlite_database)
    real = processor._process_once
    attempts: list[int] = []

    async def busy_once(message: Inbound, *rules: Any, opening: bool) -> list[Reply]:
        attempts.append(1)
        if len(attempts) == 1:
            raise _busy()
        return await real(message, *rules, opening=opening)

    monkeypatch.setattr(processor, "_process_once", busy_once)
    phone = Phone(processor)
    await phone.send(text="/start")
    assert len(attempts) == 2
    assert t("language.prompt") in phone.text  # the real answer, not the apology


async def test_a_database_that_stays_busy_gets_the_apology(
    sqlite_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    processor = make_processor(sqlite_database)
    attempts: list[int] = []

    async def always_busy(message: Inbound, *rules: Any, opening: bool) -> list[Reply]:
        attempts.append(1)
        raise _busy()

    monkeypatch.setattr(processor, "_process_once", always_busy)
    phone = Phone(processor)
    await phone.send(text="/start")
    assert len(attempts) == 2  # one more try, not a storm of them
    assert phone.text == t("error.internal")


async def test_a_message_after_the_database_dropped_its_connections_is_still_answered(
    database_url: str, database: Database
) -> None:
    """PostgreSQL restarted (or a proxy closed idle connections): the pooled connection is dead.
    The message is tried again on a fresh one instead of getting an apology."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server to drop connections")
    phone = Phone(make_processor(database))
    await phone.send(text="/start")
    admin = Database(database_url)
    try:
        async with admin.transaction() as session:
            await session.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
    finally:
        await admin.dispose()
    await phone.send(text="/help")
    assert t("error.internal") not in phone.text
    assert t("language.prompt") in phone.text  # the help of the question under way


async def test_control_characters_in_a_text_or_a_name_never_stop_a_conversation(
    database: Database,
) -> None:
    """PostgreSQL refuses NUL in text: a tip with one used to fail at every confirm, a name
    with one made every message of that person fail."""
    phone = Phone(make_processor(database), name="Nguyễn\x00 Văn\x07 Báo")
    await at_menu(phone)  # agrees to the privacy notice: a name is kept only with consent
    await phone.send(text="/tinbao")
    path = [
        (key, {"text": DESCRIPTION[:20] + "\x00\x1b" + DESCRIPTION[20:]} if i == 1 else answer)
        for i, (key, answer) in enumerate(ANONYMOUS_PATH)
    ]
    await walk(phone, path)
    await phone.send(text="1")
    assert t("error.internal") not in phone.text
    async with database.transaction() as session:
        (tip,) = await list_tips(session)
        name = (await session.execute(text("SELECT display_name FROM members"))).scalar_one()
    assert tip.description == DESCRIPTION
    assert name == "Nguyễn Văn Báo"
