"""Replacing the server key does not let anybody do twice what is kept once by a keyed mark:
answer a survey, rate a tip, be told of a tip's status. With the new key listed first and the
old one kept, a mark made under the old key still counts; ``antq secret-key rotate`` re-keys
the marks (no member id stored); once the old key is removed they count still."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from sqlalchemy import select

from bot.broadcasts.rules import fan_out_broadcasts
from bot.effect_context import EffectContext
from bot.operations.rekeying import rekey
from bot.operations.secret_key import rotate
from bot.processor import MessageProcessor
from bot.scheduler import DeliveryScheduler
from bot.sealing import Sealer
from bot.surveys.rules import remind_surveys
from bot.tips.handlers import recurring_occasions, tell_sender
from conversations.menu import build_engine
from conversations.replies import Inbound
from storage._sql import outbox
from storage.database import Database
from storage.surveys import survey_answered, survey_responses, tip_rated, tip_ratings
from storage.tips.records import find_tip_by_code
from tests.bot.delivery.harness import local
from tests.bot.harness import SEALER, CommandLine, Phone, at_menu, rows
from tests.bot.surveys.harness import RESIDENTS, ChannelPhone, seed, write_survey
from tests.bot.tips.harness import act, staffed, taken_tip
from tests.conversations.harness import CATALOGUES, Clock, t

OLD_KEY = bytes(range(32))  # the key of the tests' bot (SEALER)
NEW_KEY = bytes(range(100, 132))
BOTH = Sealer(NEW_KEY, OLD_KEY)  # ANTQ_SECRET_KEY=NEW,OLD
NEW_ONLY = Sealer(NEW_KEY)  # the old key removed
START = local(2026, 11, 24, 9, 0)
TIPSTER = "77"  # the chat ``new_tip`` files the tip from


def _processor(database: Database, sealer: Sealer, clock: Clock) -> MessageProcessor:
    return MessageProcessor(database, build_engine(CATALOGUES), sealer, CATALOGUES, clock=clock)


async def _answer(processor: MessageProcessor, name: str) -> str:
    """``name`` asks to answer survey 1 and, when asked, answers it; what they were told."""
    phone = ChannelPhone.of(processor, name)
    await phone.send("/khaosat 1")
    if t("surveys.answer.already") in phone.text:
        return phone.text
    for answer in ("2", "1", "Cần thêm đèn đường"):
        await phone.send(answer)
    return phone.text


async def test_an_answer_given_before_the_key_was_replaced_still_counts(
    database: Database,
) -> None:
    await seed(database, START)
    clock = Clock(START)
    old = _processor(database, SEALER, clock)
    admin = ChannelPhone.of(old, "admin")
    await write_survey(admin)
    await admin.send("1")
    assert t("surveys.answer.thanks") in await _answer(old, "dan_tay")

    # Restarted with NEW,OLD: the answer made under the old key is found; nothing is stored.
    both = _processor(database, BOTH, clock)
    assert t("surveys.answer.already") in await _answer(both, "dan_tay")
    assert len(await rows(database, survey_responses)) == 1
    # Somebody else answers under the new key.
    assert t("surveys.answer.thanks") in await _answer(both, "dan_dong")

    done = await rekey(database, BOTH)
    assert (done["survey_marks"].rekeyed, done["survey_marks"].current) == (1, 1)
    assert done["survey_marks"].unmatched == 0
    marks = await rows(database, survey_answered)
    assert len(marks) == 2 and all(set(mark) == {"survey_id", "digest"} for mark in marks)

    # The old key removed: neither can answer again; a third person still can.
    new = _processor(database, NEW_ONLY, clock)
    assert t("surveys.answer.already") in await _answer(new, "dan_tay")
    assert t("surveys.answer.already") in await _answer(new, "dan_dong")
    assert t("surveys.answer.thanks") in await _answer(new, "dan_dong_zalo")
    async with database.session() as session:
        answered = len((await session.execute(select(survey_responses.c.id))).all())
    assert answered == 3
    # A second run finds every mark under the newest key.
    again = await rekey(database, NEW_ONLY)
    assert (again["survey_marks"].rekeyed, again["survey_marks"].current) == (0, 3)


async def _rate(processor: MessageProcessor, code: str) -> str:
    """The tipster asks to rate the tip and, when asked, rates it; what they were told."""
    phone = Phone(processor, user_id=TIPSTER)
    await at_menu(phone)
    await phone.send(text=f"/danhgia {code}")
    if phone.asked("surveys.ask.rating"):
        await phone.send(text="2")
        await phone.send(text="Tốt")
    return phone.text


async def _tell_closed_again(database: Database, sealer: Sealer, code: str) -> bool:
    """The tip's sender told once more that the tip was closed (as a second closing would)."""
    async with database.transaction() as session:
        tip = await find_tip_by_code(session, code)
        assert tip is not None
        member: Any = None  # telling the sender needs no member
        ctx = EffectContext(
            session,
            member,
            Inbound("telegram", "601", "601", text=""),
            START,
            sealer,
            catalogues=CATALOGUES,
        )
        return await tell_sender(ctx, tip, "closed")


async def test_a_tip_rated_and_told_before_the_key_was_replaced_is_not_again(
    database: Database,
) -> None:
    commune = await staffed(database)
    clock, code, officer = await taken_tip(commune)  # the bot under the old key
    await act(officer, code, "closed", "Da xac minh, xu ly xong")
    assert t("surveys.rating.thanks") in await _rate(_processor(commune, SEALER, clock), code)
    notices = len(await rows(commune, outbox))

    both = _processor(commune, BOTH, clock)
    assert t("surveys.rating.already") in await _rate(both, code)
    assert not await _tell_closed_again(commune, BOTH, code)
    assert len(await rows(commune, tip_ratings)) == 1
    assert len(await rows(commune, outbox)) == notices

    await rotate(commune, BOTH)  # the routes re-sealed, as the same command does
    done = await rekey(commune, BOTH)
    assert (done["rating_marks"].rekeyed, done["rating_marks"].unmatched) == (1, 0)
    # The "closed" notice and the invitation to rate (plus the earlier status notices).
    assert done["tip_notice_keys"].rekeyed >= 2
    assert len(await rows(commune, tip_rated)) == 1

    new = _processor(commune, NEW_ONLY, clock)
    assert t("surveys.rating.already") in await _rate(new, code)
    assert not await _tell_closed_again(commune, NEW_ONLY, code)
    assert len(await rows(commune, tip_ratings)) == 1
    assert len(await rows(commune, outbox)) == notices
    # The notices' dedup keys are now the new key's.
    async with commune.session() as session:
        tip = await find_tip_by_code(session, code)
        assert tip is not None
        renamed = {NEW_ONLY.opaque_key(occasion) for occasion in recurring_occasions(tip.id)}
        keys = set((await session.execute(select(outbox.c.dedup_key))).scalars())
    assert len(keys & renamed) == done["tip_notice_keys"].rekeyed


async def _answered_under_the_old_key(database: Database) -> None:
    await seed(database, START)
    old = _processor(database, SEALER, Clock(START))
    admin = ChannelPhone.of(old, "admin")
    await write_survey(admin)
    await admin.send("1")
    assert t("surveys.answer.thanks") in await _answer(old, "dan_tay")


def _text(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode()


def test_the_command_reports_the_marks_it_re_keyed_per_kind(
    antq: CommandLine, monkeypatch: pytest.MonkeyPatch
) -> None:
    antq.on_database(_answered_under_the_old_key)
    monkeypatch.setenv("ANTQ_SECRET_KEY", f"{_text(NEW_KEY)},{_text(OLD_KEY)}")
    rotated = antq("secret-key", "rotate")
    assert rotated.exit_code == 0, rotated.output
    assert "open surveys' answered marks: 1 re-keyed, 0 already under" in rotated.output
    assert "tips' rated marks: 0 re-keyed" in rotated.output
    assert "dedup keys of notices to tipsters: 0 re-keyed" in rotated.output

    monkeypatch.setenv("ANTQ_SECRET_KEY", _text(NEW_KEY))
    again = antq("secret-key", "rotate")
    assert "open surveys' answered marks: 0 re-keyed, 1 already under" in again.output


async def test_who_answered_before_the_key_was_replaced_is_not_reminded(
    database: Database,
) -> None:
    clock = Clock(START)
    ids = await seed(database, START)
    old = _processor(database, SEALER, clock)
    admin = ChannelPhone.of(old, "admin")
    await write_survey(admin)
    await admin.send("1")
    assert t("surveys.answer.thanks") in await _answer(old, "dan_tay")

    ticking = DeliveryScheduler(
        database, rules=[fan_out_broadcasts, remind_surveys(BOTH)], clock=clock
    )
    clock.now = local(2026, 11, 26, 17, 1)
    for _ in range(3):
        await ticking.tick()
    async with database.session() as session:
        reminded = await session.execute(
            select(outbox.c.member_id).where(outbox.c.message_key == "surveys.reminder")
        )
        members = sorted(reminded.scalars())
    assert members == sorted(ids[name] for name in RESIDENTS if name != "dan_tay")
