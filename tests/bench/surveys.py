"""A survey to 100,000 residents on SQLite: sent at the platform's rate with flat memory, and
answers counted by the thousand.

- memory: the peak Python allocation (tracemalloc) while the survey's invitation is fanned
  out (it is a broadcast row: ``fan_out_batch``) and while its one reminder is queued, at
  10,000 and at 100,000 recipients; keyset pages keep both flat;
- rate: the real ``OutboxSender`` with ``TelegramTransport`` against ``FakeTelegramServer``
  enforcing Telegram's 30 messages/s: the invitations accepted in a window of ``SECONDS``;
- answers: 10,000 people's answers stored through the bot's effect handler, one transaction
  each as the processor commits them (the "answered" mark, the response), then all counted by
  place (the results an admin reads); answers per minute. And the same through the whole
  conversation (``/khaosat 1`` and three answers, by the real processor) for ``THROUGH_ENGINE``
  people, for the cost of the chat around it.

Settings (environment): ANTQ_BENCH_SURVEY_RECIPIENTS (100000), ANTQ_BENCH_SURVEY_SMALL (10000),
ANTQ_BENCH_SURVEY_SECONDS (20), ANTQ_BENCH_SURVEY_ANSWERS (10000),
ANTQ_BENCH_SURVEY_THROUGH_ENGINE (500).
"""

from __future__ import annotations

import asyncio
import functools
import os
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcasts.rules import FANOUT_BATCH, fan_out_batch
from bot.effect_context import EffectContext
from bot.effects import EFFECT_HANDLERS
from bot.places import load_grants
from bot.processor import MessageProcessor
from bot.sealing import Sealer
from bot.surveys.reads import load_results
from bot.surveys.rules import remind_page
from conversations.audience import Audience
from conversations.i18n import Catalogues
from conversations.menu import build_engine
from conversations.policy import Member
from conversations.privacy import NOTICE_VERSION
from conversations.replies import Inbound
from conversations.surveys import (
    CHOICE,
    NUMBER,
    REMINDER_KEY,
    TEXT,
    CreateSurvey,
    Question,
    SubmitSurveyAnswers,
)
from storage._sql import broadcasts, identities, members, outbox
from storage.database import Database
from storage.group_commit import GroupCommit
from storage.people.roles import grant_role
from storage.surveys import survey_by_id, surveys
from tests.bench.broadcast import NOW, _seed, _send_window
from tests.bench.databases import sqlite_database
from tests.bench.report import Report

BENCHMARK = "surveys-sqlite"
T = TypeVar("T")
# People answering at the same moment (a survey's invitation reaches thousands at once).
CONCURRENT = 32
SEALER = Sealer(bytes(range(32)))
QUESTIONS = (
    Question(
        CHOICE,
        "An ninh trật tự nơi anh/chị ở thế nào?",
        "",
        (("Tốt", ""), ("Bình thường", ""), ("Chưa tốt", "")),
    ),
    Question(NUMBER, "Trong tháng, anh/chị thấy người lạ đến bao nhiêu lần?"),
    Question(TEXT, "Anh/chị có đề xuất gì?"),
)
ANSWER_TEXTS = ("Lắp thêm đèn ở ngõ", "Tăng cường tuần tra", "Không có")


async def _admin(database: Database, commune_id: int) -> Member:
    """A member who administers the commune (the survey's author)."""
    async with database.transaction() as session:
        admin_id = int(
            (
                await session.execute(members.insert().values(locale="vi", created_at=NOW))
            ).inserted_primary_key[0]
        )
        await grant_role(
            session, member_id=admin_id, role="admin", area_id=commune_id, granted_by=None
        )
        grants = await load_grants(session, admin_id)
    return Member(admin_id, "vi", grants, NOTICE_VERSION)


@functools.cache
def _catalogues() -> Catalogues:
    return Catalogues.load()


def _context(session: object, member: Member, when: object) -> EffectContext:
    message = Inbound("telegram", str(member.id), str(member.id))
    return EffectContext(
        session,  # type: ignore[arg-type]
        member,
        message,
        when,  # type: ignore[arg-type]
        SEALER,
        catalogues=_catalogues(),
    )


async def _create(database: Database, admin: Member, commune_id: int, hamlet_id: int) -> int:
    effect = CreateSurvey(
        area_id=commune_id,
        audience=Audience((hamlet_id,), ("resident",), ("telegram",)),
        title_vi="Ý kiến về an ninh trật tự",
        title_en=None,
        questions=QUESTIONS,
        anonymous=True,
        closes_at=NOW + timedelta(days=3),
    )
    async with database.transaction() as session:
        await EFFECT_HANDLERS[CreateSurvey](_context(session, admin, NOW), effect)
        return int(await session.scalar(select(surveys.c.id).order_by(surveys.c.id.desc())) or 0)


async def _broadcast_of(database: Database, survey_id: int) -> int:
    async with database.session() as session:
        return int(
            await session.scalar(select(surveys.c.broadcast_id).where(surveys.c.id == survey_id))
            or 0
        )


async def _fan_out(database: Database, broadcast_id: int) -> int:
    queued = 0
    while True:
        async with database.transaction() as session:
            read = await fan_out_batch(session, broadcast_id, now=NOW)
        queued += read
        if read < FANOUT_BATCH:
            return queued


async def _remind(database: Database, survey_id: int) -> int:
    """Queue the whole reminder, a page a transaction as the rule does tick after tick; the
    number queued."""
    while True:
        async with database.transaction() as session:
            record = await survey_by_id(session, survey_id)
            assert record is not None
            if record.reminded_at is not None:
                break
            await remind_page(session, SEALER, record, now=NOW)
    async with database.session() as session:
        queued = await session.scalar(
            select(func.count()).select_from(outbox).where(outbox.c.message_key == REMINDER_KEY)
        )
    return int(queued or 0)


async def _peak(work: Callable[[], Awaitable[int]]) -> tuple[float, int]:
    """(peak MiB allocated while ``work`` runs, what it returned)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = await work()
        return tracemalloc.get_traced_memory()[1] / 1024 / 1024, result
    finally:
        tracemalloc.stop()


async def _survey_at(database: Database, recipients: int) -> tuple[int, int]:
    """A seeded hamlet of ``recipients`` and its survey; (survey id, its broadcast's id)."""
    commune_id, hamlet_id = await _seed(database, recipients)
    admin = await _admin(database, commune_id)
    survey_id = await _create(database, admin, commune_id, hamlet_id)
    return survey_id, await _broadcast_of(database, survey_id)


async def _memory_at(recipients: int) -> tuple[float, float, int, int]:
    """(fan-out peak MiB, reminder peak MiB, invitations queued, reminders queued)."""
    async with sqlite_database() as database:
        survey_id, broadcast_id = await _survey_at(database, recipients)
        fan_out_peak, invited = await _peak(lambda: _fan_out(database, broadcast_id))
        remind_peak, reminded = await _peak(lambda: _remind(database, survey_id))
    return fan_out_peak, remind_peak, invited, reminded


async def _answer(database: Database, survey_id: int, people: list[int]) -> float:
    """Seconds to store every person's answers, ``CONCURRENT`` people at a time, each in its
    own piece of work of the processor's group commit (one transaction per message when
    alone, one commit for the messages that arrive together)."""
    writer = GroupCommit(database)

    async def one(index: int, member_id: int) -> None:
        answers = (index % 3, index % 7, ANSWER_TEXTS[index % len(ANSWER_TEXTS)])
        effect = SubmitSurveyAnswers(survey_id, answers)
        member = Member(member_id, "vi", (), NOTICE_VERSION)

        async def work(session: AsyncSession) -> None:
            await EFFECT_HANDLERS[SubmitSurveyAnswers](_context(session, member, NOW), effect)

        await writer.run(work)

    started = time.perf_counter()
    await _together(list(enumerate(people)), lambda item: one(*item))
    return time.perf_counter() - started


async def _together(items: list[T], act: Callable[[T], Awaitable[None]]) -> None:
    """``act`` on every item, ``CONCURRENT`` at a time (people answering at once)."""
    queue = list(reversed(items))

    async def worker() -> None:
        while queue:
            await act(queue.pop())

    await asyncio.gather(*(worker() for _ in range(CONCURRENT)))


async def _tally(database: Database, survey_id: int) -> tuple[float, int]:
    started = time.perf_counter()
    async with database.session() as session:
        record = await survey_by_id(session, survey_id)
        assert record is not None
        results = await load_results(session, record)
    return time.perf_counter() - started, results.respondents


async def _through_engine(database: Database, survey_id: int, people: list[int]) -> float:
    """Seconds for ``people`` to answer by chat: ``/khaosat N`` and one message an answer."""
    async with database.transaction() as session:
        await session.execute(update(members).values(consent_version=NOTICE_VERSION))
        chats = dict(
            (
                await session.execute(
                    select(identities.c.member_id, identities.c.chat_id).where(
                        identities.c.member_id.in_(people)
                    )
                )
            ).all()
        )
    processor = MessageProcessor(
        database, build_engine(Catalogues.load()), SEALER, Catalogues.load(), clock=lambda: NOW
    )

    async def answer(item: tuple[int, int]) -> None:
        index, member_id = item
        chat = chats[member_id]
        for text in (f"/khaosat {survey_id}", str(index % 3 + 1), str(index % 9), "Tuần tra"):
            await processor.process(Inbound("telegram", chat, chat, text=text))

    started = time.perf_counter()
    await _together(list(enumerate(people)), answer)
    return time.perf_counter() - started


async def run(report: Report) -> None:
    recipients = int(os.environ.get("ANTQ_BENCH_SURVEY_RECIPIENTS", "100000"))
    small = int(os.environ.get("ANTQ_BENCH_SURVEY_SMALL", "10000"))
    seconds = float(os.environ.get("ANTQ_BENCH_SURVEY_SECONDS", "20"))
    answers = int(os.environ.get("ANTQ_BENCH_SURVEY_ANSWERS", "10000"))
    by_chat = int(os.environ.get("ANTQ_BENCH_SURVEY_THROUGH_ENGINE", "500"))

    small_fan_out, small_remind, _, _ = await _memory_at(small)
    async with sqlite_database() as database:
        survey_id, broadcast_id = await _survey_at(database, recipients)
        large_fan_out, invited = await _peak(lambda: _fan_out(database, broadcast_id))
        large_remind, reminded = await _peak(lambda: _remind(database, survey_id))
        report.figure(BENCHMARK, f"invitations queued of {recipients}", invited, "messages")
        report.figure(BENCHMARK, f"invitation fan-out peak memory at {small}", small_fan_out, "MiB")
        report.figure(
            BENCHMARK, f"invitation fan-out peak memory at {recipients}", large_fan_out, "MiB"
        )
        fan_out_ratio = large_fan_out / small_fan_out
        report.figure(
            BENCHMARK, f"fan-out peak memory ratio {recipients} / {small}", fan_out_ratio, "x", 2
        )
        report.figure(BENCHMARK, f"reminder peak memory at {small}", small_remind, "MiB")
        report.figure(BENCHMARK, f"reminder peak memory at {recipients}", large_remind, "MiB")
        remind_ratio = large_remind / small_remind
        report.figure(
            BENCHMARK, f"reminder peak memory ratio {recipients} / {small}", remind_ratio, "x", 2
        )

        # Only the invitations go out in the send window: the reminders wait for their turn.
        async with database.transaction() as session:
            await session.execute(delete(outbox).where(outbox.c.message_key == "surveys.reminder"))
        rate, accepted, refused = await _send_window(database, seconds)
        report.figure(BENCHMARK, f"send window of {seconds:.0f} s", accepted, "messages")
        report.figure(BENCHMARK, "sustained rate", rate, "messages/s")
        report.figure(BENCHMARK, "429 answers", refused, "responses")

        async with database.session() as session:
            people = list(
                (
                    await session.execute(
                        select(members.c.id)
                        .where(members.c.home_area_id.is_not(None))
                        .order_by(members.c.id)
                        .limit(answers + by_chat)
                    )
                ).scalars()
            )
        store_seconds = await _answer(database, survey_id, people[:answers])
        tally_seconds, counted = await _tally(database, survey_id)
        per_minute = answers / (store_seconds + tally_seconds) * 60
        report.figure(BENCHMARK, f"store {answers} answers", store_seconds, "s")
        report.figure(BENCHMARK, f"tally {counted} answers by place", tally_seconds, "s")
        report.figure(BENCHMARK, "answers stored and tallied", per_minute, "answers/min")
        chat_seconds = await _through_engine(database, survey_id, people[answers:])
        chat_rate = by_chat / chat_seconds * 60
        report.figure(
            BENCHMARK,
            f"answers by chat ({by_chat} people, 4 messages each)",
            chat_rate,
            "answers/min",
        )
        async with database.session() as session:
            stored = int(
                await session.scalar(select(surveys.c.id).where(surveys.c.id == survey_id)) or 0
            )
            assert stored == survey_id
            copies = await session.scalar(
                select(broadcasts.c.recipients).where(broadcasts.c.id == broadcast_id)
            )

    report.target(
        BENCHMARK, f"all {recipients} invitations queued", invited == recipients == copies
    )
    report.target(
        BENCHMARK,
        f"a reminder to each of the {recipients} who did not answer",
        reminded == recipients,
    )
    report.target(BENCHMARK, "sustained rate >= 29/s of Telegram's 30/s", rate >= 29)
    report.target(BENCHMARK, "no 429 from the fake server", refused == 0)
    report.target(
        BENCHMARK,
        f"flat memory: fan-out peak at {recipients} within 1.5x of {small}",
        fan_out_ratio <= 1.5,
    )
    report.target(
        BENCHMARK,
        f"flat memory: reminder peak at {recipients} within 1.5x of {small}",
        remind_ratio <= 1.5,
    )
    report.target(BENCHMARK, f"every one of {answers} answers counted", counted == answers)
    report.target(
        BENCHMARK, ">= 10,000 answers stored and tallied per minute", per_minute >= 10_000
    )
