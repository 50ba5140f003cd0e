"""A tip's thread through the processor and the database: the anonymous tipster adds by code
and the officers are told; an officer asks and the question goes on the tip's sealed route
only; /xemtin shows both sides without a name or an id."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

from bot.delivery.errors import RecipientBlocked
from bot.processor import MessageProcessor
from bot.scheduler import DeliveryScheduler
from bot.tips.rules import tip_daily_jobs, tip_rules
from conversations.commands import COMMAND_TAP
from conversations.fields import format_tip_code
from conversations.menu import build_engine
from conversations.replies import Location, MediaItem
from conversations.tips.report import new_tip_code
from storage._sql import code_attempts, outbox, tip_messages
from storage.database import Database
from storage.delivery.outbox import claim_due
from tests.bot.delivery.harness import FakeClock, RecordingTransport, sender
from tests.bot.harness import SEALER, Phone, at_menu, make_processor, phone_at_menu, rows
from tests.bot.tips.harness import (
    ADMIN,
    OFFICER_A,
    OFFICER_B,
    act,
    ask,
    member_id,
    new_tip,
    officer_phone,
    taken_tip,
    thread_sender,
)
from tests.conversations.harness import CATALOGUES, Clock, t

NO_OBLIGATION = (
    "Anh/chị không có nghĩa vụ phải trả lời. Công an không bao giờ yêu cầu chuyển tiền, cung cấp"
    " mã OTP, mật khẩu hay gọi video."
)


async def tipster(database: Database, clock: Clock) -> Phone:
    """The anonymous sender of the tip (user 77, as ``new_tip`` files it)."""
    phone = await phone_at_menu(database, clock, "77")
    return phone


async def add(phone: Phone, code: str, text: str) -> None:
    await phone.send(text=f"/bosung {code}")
    await phone.send(text=text)
    await phone.send(text="xong")  # no photos


async def notices_of(database: Database, key: str) -> list[dict[str, object]]:
    return [row for row in await rows(database, outbox) if row["message_key"] == key]


async def test_an_addition_reaches_the_handler_only_and_names_nobody(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    await act(await officer_phone(commune, clock, OFFICER_A), code, "take")
    phone = await tipster(commune, clock)
    await add(phone, code, "Xe biển số 37A-123.45")
    assert t("addition.sent", code=format_tip_code(code)) in phone.text

    (message,) = await rows(commune, tip_messages)
    assert message["direction"] == "tipster" and message["text"] == "Xe biển số 37A-123.45"
    assert set(message) == {
        "id", "tip_id", "direction", "text", "attachments", "created_at", "delivered_at", "read_at",
        "important", "escalated_at", "latitude", "longitude",
    }  # fmt: skip
    (notice,) = await notices_of(commune, "addition.notice")
    assert notice["member_id"] == await member_id(commune, OFFICER_A)
    assert "37A" not in str(notice["params"])  # the text is read with /xemtin, not in a notice


async def test_an_addition_to_a_tip_nobody_took_reaches_the_communes_officers(
    commune: Database,
) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    await add(await tipster(commune, clock), code, "Thường vào buổi tối")
    told = {row["member_id"] for row in await notices_of(commune, "addition.notice")}
    assert told == {await member_id(commune, OFFICER_A), await member_id(commune, OFFICER_B)}


async def test_a_wrong_code_gets_not_found_and_is_counted(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    guesser = await phone_at_menu(commune, clock, "88")
    wrong = next(c for c in (new_tip_code() for _ in range(9)) if c != code)
    await guesser.send(text=f"/bosung {wrong}")
    assert t("status.not_found") in guesser.text
    assert not guesser.asked("addition.ask_text")
    (attempt,) = await rows(commune, code_attempts)
    assert (attempt["kind"], attempt["failures"]) == ("tip", 1)
    assert await rows(commune, tip_messages) == []


async def test_a_question_goes_on_the_sealed_route_only_and_the_thread_reads_without_names(
    commune: Database,
) -> None:
    clock, code, officer = await taken_tip(commune)
    await officer.send(text=f"/hoi {code}")
    await officer.send(text="Xe thường đỗ ở đâu?")
    await officer.send(text="xong")  # no photos
    assert t("asking.sent", code=format_tip_code(code)) in officer.text

    (question,) = [
        row for row in await rows(commune, outbox) if row["text"] and "hỏi" in row["text"]
    ]
    assert question["sealed_route"] is not None
    assert question["chat_id"] is None and question["identity_id"] is None
    assert question["member_id"] is None
    assert ":" not in str(question["dedup_key"]) and "tip" not in str(question["dedup_key"])
    readable = " ".join(str(v) for k, v in question.items() if k != "sealed_route")
    assert not re.search(r"(?<![0-9A-Za-z])77(?![0-9A-Za-z])", readable)
    assert OFFICER_A[1] not in readable

    transport = RecordingTransport()
    outbox_sender = sender(
        commune, transport, FakeClock(clock.now), open_route=lambda s: SEALER.open_route(s)[1]
    )
    assert await outbox_sender.deliver_due() >= 1
    expected = t("asking.to_tipster", code=format_tip_code(code), question="Xe thường đỗ ở đâu?")
    assert expected in transport.sent["77"]
    # A question arriving unprompted is what scammers imitate: it ends saying so.
    (delivered,) = [text for text in transport.sent["77"] if "Xe thường đỗ ở đâu?" in text]
    assert delivered.endswith(NO_OBLIGATION)

    clock.advance(minutes=3)
    await add(await tipster(commune, clock), code, "Trước cổng chợ")
    reader = await officer_phone(commune, clock, OFFICER_B)
    await reader.send(text=f"/xemtin {code}")
    shown = reader.text
    asked = shown.index(f"{t('thread.officer')}: Xe thường đỗ ở đâu?")
    answered = shown.index(f"{t('thread.tipster')}: Trước cổng chợ")
    assert asked < answered
    thread = shown[shown.index(t("thread.title")) :]
    assert OFFICER_A[1] not in thread and OFFICER_B[1] not in thread
    assert not re.search(r"(?<![0-9A-Za-z])77(?![0-9A-Za-z])", thread)
    # The tipster sees the same exchange under the status, still naming no officer.
    follower = await tipster(commune, clock)
    await follower.send(text=f"/status {code}")
    status = follower.text
    assert t("status.thread_title") in status
    assert f"{t('thread.officer')}: Xe thường đỗ ở đâu?" in status
    assert OFFICER_A[1] not in status and OFFICER_B[1] not in status


# -- the dialogue: answering in place, delivery, ending, handing over, escalation ------------


async def test_a_delivered_question_is_timed_and_the_tipster_answers_it_in_place(
    commune: Database,
) -> None:
    clock, code, officer = await taken_tip(commune)
    await ask(officer, code, "Xe thường đỗ ở đâu?")
    (question,) = await rows(commune, tip_messages)
    assert question["delivered_at"] is None
    clock.advance(minutes=1, seconds=17)
    transport = RecordingTransport()
    assert await thread_sender(commune, clock, transport).deliver_due() >= 1
    (sent,) = [text for text in transport.sent["77"] if "Xe thường" in text]
    shown_code = format_tip_code(code)
    assert f"/traloi {shown_code}" in sent and f"/ketthuc {shown_code}" in sent
    (question,) = await rows(commune, tip_messages)
    assert question["delivered_at"] == clock.now.replace(second=0, microsecond=0)
    assert question["read_at"] is None  # no platform tells a bot that a message was read

    phone = await tipster(commune, clock)
    await phone.send(option=f"/traloi {code}", option_ref=COMMAND_TAP)  # the "Trả lời" button
    assert phone.asked("answering.ask_text")
    await phone.send(text="/huy")
    await phone.send(text=f"/traloi {shown_code}")  # typed as the question shows the code
    assert phone.asked("answering.ask_text")
    await phone.send(text="Trước cổng chợ")
    assert t("answering.sent", code=format_tip_code(code)) in phone.text
    answer = (await rows(commune, tip_messages))[-1]
    assert (answer["direction"], answer["text"]) == ("tipster", "Trước cổng chợ")
    (notice,) = await notices_of(commune, "answering.notice")  # an answer, not an addition
    assert notice["member_id"] == await member_id(commune, OFFICER_A)
    assert notice["kind"] == "tip_notice"  # at once, whatever the hour


async def test_the_officer_is_told_once_when_the_tipster_blocked_the_bot(
    commune: Database,
) -> None:
    clock, code, officer = await taken_tip(commune)
    transport = RecordingTransport()
    outbox_sender = thread_sender(commune, clock, transport)
    await outbox_sender.deliver_due()  # the tipster is told it was acknowledged
    await ask(officer, code, "Câu hỏi một?")
    await ask(officer, code, "Câu hỏi hai?")
    transport.failures = [RecipientBlocked("Forbidden"), RecipientBlocked("Forbidden")]
    await outbox_sender.deliver_due()
    (told,) = await notices_of(commune, "asking.blocked_notice")
    assert told["member_id"] == await member_id(commune, OFFICER_A)
    assert all(row["delivered_at"] is None for row in await rows(commune, tip_messages))


async def test_ending_the_dialogue_tells_the_handler_and_stops_questions(commune: Database) -> None:
    clock, code, officer = await taken_tip(commune)
    await ask(officer, code, "Xe màu gì?")
    phone = await tipster(commune, clock)
    await phone.send(text=f"/ketthuc {code}")
    assert t("ending.done", code=format_tip_code(code)) in phone.text
    (notice,) = await notices_of(commune, "ending.notice")
    assert notice["member_id"] == await member_id(commune, OFFICER_A)
    await officer.send(text=f"/hoi {code}")
    assert t("asking.ended", code=format_tip_code(code)) in officer.text
    await officer.send(text=f"/xemtin {code}")
    assert t("thread.ended").split("{")[0] in officer.text
    assert [row["direction"] for row in await rows(commune, tip_messages)] == ["officer"]


async def test_taking_a_tip_over_hands_its_thread_to_the_new_handler(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    await act(await officer_phone(commune, clock, OFFICER_A), code, "take")
    await add(await tipster(commune, clock), code, "Lần một")
    admin = await officer_phone(commune, clock, ADMIN)
    await act(admin, code, "take")
    assert t("thread.handed_over", code=format_tip_code(code), count=1) in admin.text
    await add(await tipster(commune, clock), code, "Lần hai")
    told = [row["member_id"] for row in await notices_of(commune, "addition.notice")]
    assert told == [await member_id(commune, OFFICER_A), await member_id(commune, ADMIN)]


async def test_an_unanswered_tipster_message_is_escalated_once_per_wait(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    officer = await officer_phone(commune, clock, OFFICER_A)
    await act(officer, code, "take")  # acknowledged: the tip itself is not escalated
    ticks = DeliveryScheduler(
        commune, rules=tip_rules(timedelta(hours=24), CATALOGUES), clock=clock
    )
    await add(await tipster(commune, clock), code, "Họ lại đến")
    clock.advance(hours=1)
    await add(await tipster(commune, clock), code, "Và hôm nay nữa")
    clock.advance(hours=23, minutes=1)
    assert await ticks.tick() == 1  # one escalation for both messages
    (sent,) = await unanswered(commune)
    assert sent["member_id"] == await member_id(commune, ADMIN)
    assert format_tip_code(code) in str(sent["text"])
    clock.advance(hours=2)
    assert await ticks.tick() == 0
    await ask(officer, code, "Mấy giờ?")
    await add(await tipster(commune, clock), code, "Khoảng 9 giờ tối")
    clock.advance(hours=23)
    assert await ticks.tick() == 0
    clock.advance(hours=1, minutes=1)
    assert await ticks.tick() == 1
    assert len(await unanswered(commune)) == 2


async def unanswered(database: Database) -> list[dict[str, object]]:
    return [
        row
        for row in await rows(database, outbox)
        if str(row["dedup_key"] or "").startswith("tip-unanswered:")
    ]


async def test_the_hourly_limit_holds_on_the_database(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    engine = build_engine(CATALOGUES, thread_messages_per_hour=1)
    processor = MessageProcessor(commune, engine, SEALER, CATALOGUES, clock=clock)
    phone = Phone(processor, user_id="77")
    await at_menu(phone)
    await phone.send(text=f"/traloi {code}")
    await phone.send(text="Một")
    await phone.send(text=f"/traloi {code}")
    assert t("thread.limit", code=format_tip_code(code), count=1) in phone.text
    assert len(await rows(commune, tip_messages)) == 1


async def test_two_officers_asking_at_once_both_reach_the_tipster(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)  # nobody took it: any officer of the commune may ask
    first = await officer_phone(commune, clock, OFFICER_A)
    second = await officer_phone(commune, clock, OFFICER_B)
    for phone, question in ((first, "Câu của A?"), (second, "Câu của B?")):
        await phone.send(text=f"/hoi {code}")
        await phone.send(text=question)
    await asyncio.gather(first.send(text="xong"), second.send(text="xong"))
    for phone in (first, second):
        assert t("asking.sent", code=format_tip_code(code)) in phone.text
    texts = sorted(str(row["text"]) for row in await rows(commune, tip_messages))
    assert texts == ["Câu của A?", "Câu của B?"]
    transport = RecordingTransport()
    await thread_sender(commune, clock, transport).deliver_due()
    delivered = " ".join(transport.sent["77"])
    assert "Câu của A?" in delivered and "Câu của B?" in delivered


async def test_a_restart_between_writing_and_delivering_loses_nothing(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    officer = await officer_phone(commune, clock, OFFICER_A)
    await ask(officer, code, "Trước khi khởi động lại?")
    # A sender claims the question and dies before sending it (its lease is left behind).
    async with commune.transaction() as session:
        claimed = await claim_due(
            session, channel="telegram", now=clock.now, lease=timedelta(minutes=2), limit=10
        )
    assert claimed
    # After the restart: a new processor and a new sender, on the same database.
    clock.advance(minutes=3)
    transport = RecordingTransport()
    await thread_sender(commune, clock, transport).deliver_due()
    copies = [text for text in transport.sent["77"] if "Trước khi khởi động lại?" in text]
    assert len(copies) == 1
    (question,) = await rows(commune, tip_messages)
    assert question["delivered_at"] is not None
    await tipster(commune, clock)
    later = Phone(make_processor(commune, clock), user_id="77")
    await later.send(text=f"/traloi {code}")
    await later.send(text="Sau khi khởi động lại")
    assert [row["text"] for row in await rows(commune, tip_messages)] == [
        "Trước khi khởi động lại?",
        "Sau khi khởi động lại",
    ]


async def test_the_morning_digest_names_the_tips_whose_tipsters_wrote(commune: Database) -> None:
    clock = Clock()
    code = await new_tip(commune, clock)
    await add(await tipster(commune, clock), code, "Một")
    await add(await tipster(commune, clock), code, "Hai")
    mornings = DeliveryScheduler(commune, rules=[], daily_jobs=tip_daily_jobs(), clock=clock)
    clock.advance(hours=20)
    assert await mornings.run_daily() == 2  # nobody took it: both officers of the commune
    digests = await notices_of(commune, "digest.thread_messages")
    assert {row["member_id"] for row in digests} == {
        await member_id(commune, OFFICER_A),
        await member_id(commune, OFFICER_B),
    }
    assert digests[0]["kind"] == "digest"
    assert digests[0]["params"] == {"count": 2, "tips": 1, "codes": f"{format_tip_code(code)} (2)"}
    assert "Một" not in str(digests[0]["params"])  # what they wrote is read with /xemtin
    await act(await officer_phone(commune, clock, OFFICER_A), code, "take")
    await add(await tipster(commune, clock), code, "Ba")
    clock.advance(days=1)
    assert await mornings.run_daily() == 1  # now only its handler


async def test_a_location_and_an_officers_photos_travel_with_the_thread(commune: Database) -> None:
    clock, code, officer = await taken_tip(commune)
    await officer.send(text=f"/hoi {code}")
    await officer.send(text="Có phải chiếc xe này?")
    await officer.send(media=MediaItem("photo", "AgACAgUAAxkBAAIBofficer_photo"))
    await officer.send(text="xong")
    photos = [row for row in await rows(commune, outbox) if (row["params"] or {}).get("photo")]
    (photo,) = photos
    assert photo["params"] == {"photo": "AgACAgUAAxkBAAIBofficer_photo"}
    assert photo["sealed_route"] is not None and photo["member_id"] is None
    assert t("asking.photo_caption", code=format_tip_code(code), number=1, count=1) == photo["text"]
    (question,) = [row for row in await rows(commune, outbox) if "Có phải chiếc xe" in row["text"]]
    assert question["text"].endswith(NO_OBLIGATION)

    phone = await tipster(commune, clock)
    await phone.send(text=f"/bosung {code}")
    await phone.send(text="bỏ qua")
    await phone.send(location=Location(21.0245, 105.8412))
    await phone.send(text="xong")
    assert t("addition.sent", code=format_tip_code(code)) in phone.text
    asked, added = await rows(commune, tip_messages)
    assert len(asked["attachments"]) == 1  # type: ignore[arg-type]
    assert (added["latitude"], added["longitude"], added["text"]) == (21.0245, 105.8412, None)
    await officer.send(text=f"/xemtin {code}")
    assert t("common.shared_location", lat=21.0245, lon=105.8412) in officer.text


async def test_an_answer_to_a_tip_closed_meanwhile_is_refused_politely(commune: Database) -> None:
    clock, code, officer = await taken_tip(commune)
    await ask(officer, code, "Còn gì nữa không?")
    phone = await tipster(commune, clock)
    await phone.send(text=f"/traloi {code}")
    assert phone.asked("answering.ask_text")
    await act(officer, code, "closed", "Đã xử lý xong")
    await phone.send(text="Không còn gì")
    assert t("addition.closed", code=format_tip_code(code)) in phone.text
    assert [row["direction"] for row in await rows(commune, tip_messages)] == ["officer"]
