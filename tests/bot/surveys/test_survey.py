"""A survey from writing to results, through the real processor, scheduler and senders on
the database: sent to a commune's residents on Telegram, Zalo, the Zalo OA and the console,
answered by some at their own pace, reminded once, closed, its results charted and exported."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from bot.broadcasts.rules import fan_out_broadcasts, finish_broadcasts
from bot.scheduler import DeliveryScheduler
from bot.surveys.rules import survey_rules
from conversations.replies import Document
from storage._sql import conversations, outbox
from storage.database import Database
from storage.surveys import survey_responses, surveys
from tests.bot.delivery.harness import FakeClock, local
from tests.bot.harness import SEALER, make_processor
from tests.bot.surveys.harness import (
    PEOPLE,
    RESIDENTS,
    TITLE,
    ChannelPhone,
    deliver,
    received,
    seed,
    write_survey,
)
from tests.conversations.harness import Clock, t

START = local(2026, 11, 24, 9, 0)
CLOSES = "17:00 27/11/2026"


def scheduler(database: Database, clock: Clock) -> DeliveryScheduler:
    rules = [fan_out_broadcasts, finish_broadcasts, *survey_rules(SEALER)]
    return DeliveryScheduler(database, rules=rules, clock=clock)


async def test_a_survey_is_sent_answered_reminded_closed_and_counted(database: Database) -> None:
    ids = await seed(database, START)
    clock = Clock(START)
    processor = make_processor(database, clock)
    admin = ChannelPhone.of(processor, "admin")
    await write_survey(admin)

    # The reach (the OA resident counted inside the OA's window) and the invitation first.
    assert t("surveys.reach", count=len(RESIDENTS)) in admin.text, admin.text
    assert "PHIẾU KHẢO SÁT: " + TITLE in admin.text
    await admin.send("1")  # confirm
    assert t("surveys.created", number=1, count=len(RESIDENTS)) in admin.text, admin.text

    # Sent like a broadcast: every resident on their own channel, nobody else.
    ticking = scheduler(database, clock)
    await ticking.tick()
    sent = await deliver(database, FakeClock(clock.now))
    for name in RESIDENTS:
        (copy,) = received(sent, name)
        assert "/khaosat 1" in copy or "/survey 1" in copy, (name, copy)
    for name in ("officer", "admin", "dan_son", "dan_dong_stop", "dan_dong_blocked", "leader_tay"):
        assert received(sent, name) == [], name

    # Telegram: answered at once.
    dong = ChannelPhone.of(processor, "dan_dong")
    await dong.send("/khaosat 1")
    assert t("surveys.answer.anonymous") in dong.text
    await dong.send("1")  # Tốt
    await dong.send("3")
    await dong.send("Lắp thêm đèn chiếu sáng ở ngõ 3")
    assert t("surveys.answer.thanks") in dong.text
    # One answer per person.
    await dong.send("/khaosat 1")
    assert t("surveys.answer.already") in dong.text

    # Zalo OA: a slip, then back to change the first answer.
    oa = ChannelPhone.of(processor, "dan_dong_oa")
    await oa.send("/khaosat 1")
    await oa.send("Rất tốt")  # not an option: asked again
    assert t("input.choose_option", count=3) in oa.text
    await oa.send("Chưa tốt")
    await oa.send("/quaylai")
    await oa.send("2")  # Bình thường after all
    await oa.send("0")
    await oa.send("Tăng cường tuần tra ban đêm")
    assert t("surveys.answer.thanks") in oa.text

    # The console: half way, the bot restarts; the answer goes on where it was.
    console = ChannelPhone.of(processor, "dan_dong_console")
    await console.send("/khaosat 1")
    await console.send("2")
    console = ChannelPhone(make_processor(database, clock), *PEOPLE["dan_dong_console"])
    await console.send("5")
    await console.send("Không có ý kiến thêm")
    assert t("surveys.answer.thanks") in console.text

    # A resident who cancels keeps nothing answered, and may answer later.
    tay = ChannelPhone.of(processor, "dan_tay")
    await tay.send("/khaosat 1")
    await tay.send("1")
    await tay.send("/huy")
    assert t("flow.cancelled") in tay.text

    # Someone outside the audience cannot answer.
    son = ChannelPhone.of(processor, "dan_son")
    await son.send("/khaosat 1")
    assert t("surveys.answer.not_found", number=1) in son.text

    # The reminder: once, to those who have not answered, a day before the closing.
    clock.now = local(2026, 11, 26, 17, 1)
    await ticking.tick()
    await ticking.tick()
    async with database.session() as session:
        reminded = (
            await session.execute(
                select(outbox.c.member_id).where(outbox.c.message_key == "surveys.reminder")
            )
        ).scalars()
        reminded_ids = sorted(reminded)
    answered = {"dan_dong", "dan_dong_oa", "dan_dong_console"}
    assert reminded_ids == sorted(ids[name] for name in RESIDENTS if name not in answered)
    sent = await deliver(database, FakeClock(clock.now))
    assert any("/khaosat 1" in text for text in received(sent, "dan_tay"))
    assert received(sent, "dan_dong") == []

    # Results as they come: counts and percentages per option, overall and by place.
    await admin.send("/ketquakhaosat 1")
    await admin.send("1")
    assert t("surveys.results.option", option="Tốt", count="1", percent="33%") in admin.text
    assert t("surveys.results.option", option="Bình thường", count="2", percent="67%") in admin.text
    assert (
        t(
            "surveys.results.place",
            place="Thôn Đông",
            shares="Tốt 33%; Bình thường 67%; Chưa tốt 0%",
        )
        in admin.text
    )
    assert "• Lắp thêm đèn chiếu sáng ở ngõ 3" in admin.text  # no author: anonymous
    chart = next(reply for reply in admin.replies if isinstance(reply, Document))
    assert chart.filename == "khaosat-1.png" and chart.data.startswith(b"\x89PNG")

    # Closed at its time: the admin is told, and no answer is taken any more.
    clock.now = local(2026, 11, 27, 17, 1)
    await ticking.tick()
    async with database.session() as session:
        (status,) = (await session.execute(select(surveys.c.status))).scalars()
        notice = (
            await session.execute(
                select(outbox).where(outbox.c.message_key == "surveys.closed_notice")
            )
        ).one()
    assert status == "closed"
    assert notice.member_id == ids["admin"] and notice.params["count"] == 3
    await tay.send("/khaosat 1")
    assert t("surveys.answer.closed") in tay.text

    # Exported: CSV and XLSX, the texts with no author.
    await admin.send("/ketquakhaosat 1")
    await admin.send("2")
    (exported,) = [reply for reply in admin.replies if isinstance(reply, Document)]
    table = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert table[0][:3] == ["Câu hỏi", "Địa bàn", "Phương án / câu trả lời"]
    texts = [row for row in table if row[2] == "Tăng cường tuần tra ban đêm"]
    assert texts and all(row[5] == "" for row in texts)
    assert [
        "1. Anh/chị thấy an ninh trật tự nơi ở thế nào?",
        "Toàn bộ",
        "Tốt",
        "1",
        "33.3",
        "",
    ] in table
    await admin.send("/ketquakhaosat 1")
    await admin.send("3")
    (workbook,) = [reply for reply in admin.replies if isinstance(reply, Document)]
    sheet = load_workbook(io.BytesIO(workbook.data)).active
    cells = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert [
        "2. Trong tháng, anh/chị thấy người lạ đến bao nhiêu lần?",
        "Toàn bộ",
        "Trung bình",
        3,
        2.67,
        None,
    ] in cells

    # The answers themselves keep nobody and a day, never a time.
    async with database.session() as session:
        rows = (await session.execute(select(survey_responses))).mappings().all()
        states = (await session.execute(select(conversations.c.data))).scalars().all()
    assert len(rows) == 3
    assert all(row["member_id"] is None for row in rows)
    assert all(row["answered_on"].hour == 0 and row["answered_on"].minute == 0 for row in rows)
    assert not any("Lắp thêm đèn" in str(state) for state in states)
