"""Opinions and proposals through the processor and the database: a resident sends one to
their commune, its officers find it in their queue (and only they), answer it once or twice in
its thread, the sender receives each answer, and it is marked done."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.operations.secret_key import rotate
from bot.places import place_of
from bot.privacy.erasure import erase_person
from bot.sealing import Sealer
from conversations.fields import format_tip_code
from conversations.opinions import AnswerOpinion
from conversations.policy import Grant, PolicyViolation, Role
from conversations.ports import Member
from conversations.replies import MediaItem
from storage._sql import identities, outbox
from storage.areas import area_by_code
from storage.database import Database
from storage.opinions import DONE_OPINION_ROUTES, opinion_answers, opinions
from storage.retention import erase_expired
from tests.bot.harness import (
    SEALER,
    Phone,
    apply_effect,
    member_with_roles,
    phone_at_menu,
    rows,
)
from tests.bot.opinions.harness import (
    OFFICER,
    OTHER_OFFICER,
    PHOTO_ID,
    RESIDENT,
    WORDS,
    commune,
    send_opinion,
)
from tests.conversations.harness import Clock, t

SEALER_KEY = bytes(range(32))  # the key of the bot tests' sealer (tests.bot.harness)


@pytest.fixture
async def db(database: Database) -> Database:
    return await commune(database)


async def officer_phone(database: Database, clock: Clock, user_id: str = OFFICER) -> Phone:
    return await phone_at_menu(database, clock, user_id, name="Cán bộ")


async def answer(officer: Phone, text: str) -> None:
    await officer.send(text="/xemgopy")
    await officer.send(text="1")  # the oldest opinion
    assert officer.asked("opinions.ask.action"), officer.text
    await officer.send(text="1")  # answer
    assert officer.asked("opinions.ask.answer"), officer.text
    await officer.send(text=text)


async def test_an_anonymous_opinion_is_answered_twice_in_its_thread_and_closed(
    db: Database,
) -> None:
    clock = Clock()
    resident = await send_opinion(db, clock, "anonymous")
    (opinion,) = await rows(db, opinions)
    code = format_tip_code(str(opinion["code"]))
    assert t("opinions.sent_anonymous", code=code, commune="Xã Đô Lương, Nghệ An") in (
        resident.text
    )
    assert opinion["member_id"] is None and opinion["sender_route"] is not None
    assert opinion["category"] == "lighting" and opinion["text"] == WORDS
    assert opinion["photo"] == {"kind": "photo", "channel": "telegram", "file_id": PHOTO_ID}
    # The commune's officer is told; the other commune's is not.
    notices = [row for row in await rows(db, outbox) if row["message_key"] == "opinions.notice.new"]
    officer_id = next(iter({row["member_id"] for row in notices}))
    assert len(notices) == 1 and notices[0]["params"]["code"] == code

    other = await officer_phone(db, clock, OTHER_OFFICER)
    await other.send(text="/xemgopy")
    assert t("opinions.queue.empty") in other.text

    officer = await officer_phone(db, clock)
    await officer.send(text="/xemgopy")
    assert WORDS[:60] in officer.text
    await officer.send(text="1")
    assert WORDS in officer.text and t("opinions.sender.anonymous") in officer.text
    assert t("opinions.officer.photo") in officer.text
    await officer.send(text="1")
    await officer.send(text="Xã đã báo điện lực, sẽ thay bóng đèn trong tuần này.")
    assert t("opinions.officer.answered", code=code) in officer.text

    await answer(officer, "Đã thay bóng đèn ngõ 7, đề nghị bà con tiếp tục phản ánh.")
    stored = await rows(db, opinion_answers)
    assert [row["text"] for row in stored] == [
        "Xã đã báo điện lực, sẽ thay bóng đèn trong tuần này.",
        "Đã thay bóng đèn ngõ 7, đề nghị bà con tiếp tục phản ánh.",
    ]
    # Each answer goes to the sender through the opinion's sealed route only.
    to_sender = [row for row in await rows(db, outbox) if row["sealed_route"] is not None]
    assert len(to_sender) == 2
    assert all(row["member_id"] is None for row in to_sender)
    assert SEALER.open_route(to_sender[0]["sealed_route"]) == ("telegram", RESIDENT)
    assert "sẽ thay bóng đèn" in str(to_sender[0]["text"]) and code in str(to_sender[0]["text"])
    assert "OTP" in str(to_sender[0]["text"])

    # Done: the sender is told, the queue is empty.
    await officer.send(text="/xemgopy")
    await officer.send(text="1")
    assert "Trả lời 2: Đã thay bóng đèn" in officer.text
    await officer.send(text="2")
    assert t("opinions.officer.done", code=code) in officer.text
    (opinion,) = await rows(db, opinions)
    assert opinion["status"] == "done" and opinion["answered_on"] is not None
    done = [row for row in await rows(db, outbox) if row["sealed_route"] is not None]
    assert len(done) == 3 and t("opinions.to_sender.done", code=code) == done[-1]["text"]
    await officer.send(text="/xemgopy")
    assert t("opinions.queue.empty") in officer.text
    assert officer_id != opinion["member_id"]


async def test_a_named_opinion_keeps_its_sender_and_answers_reach_their_account(
    db: Database,
) -> None:
    clock = Clock()
    await send_opinion(db, clock, "named")
    (opinion,) = await rows(db, opinions)
    assert opinion["member_id"] is not None and opinion["sender_route"] is None
    officer = await officer_phone(db, clock)
    await officer.send(text="/xemgopy")
    await officer.send(text="1")
    assert t("opinions.sender.named") in officer.text
    await officer.send(text="1")
    await officer.send(text="Cảm ơn ông/bà, xã sẽ xem xét lắp đèn.")
    (sent,) = [row for row in await rows(db, outbox) if row["member_id"] == opinion["member_id"]]
    assert sent["message_key"] == "opinions.to_sender.answer"
    assert sent["params"]["answer"] == "Cảm ơn ông/bà, xã sẽ xem xét lắp đèn."


async def test_bad_answers_are_refused_politely_and_asked_again(db: Database) -> None:
    clock = Clock()
    resident = await phone_at_menu(db, clock, RESIDENT)
    await resident.send(text="/gopy")
    await resident.send(text="giao thông")
    assert resident.asked("opinions.ask.text")
    await resident.send(text="...")  # says nothing
    assert resident.asked("opinions.ask.text"), resident.text
    await resident.send(text="Xe tải chạy quá tốc độ qua cổng trường tiểu học mỗi sáng.")
    await resident.send(text="Cổng trường tiểu học")
    assert resident.asked("opinions.ask.commune")
    await resident.send(text="không rõ")
    assert t("opinions.commune.needed") in resident.text
    await resident.send(text="do luong")
    assert resident.asked("opinions.ask.photo")
    await resident.send(media=MediaItem("voice", "voice-1", duration_seconds=3))
    assert t("opinions.photo.only") in resident.text
    await resident.send(text="bỏ qua")
    assert resident.asked("opinions.ask.identity")
    await resident.send(text="1")
    await resident.send(text="1")
    (opinion,) = await rows(db, opinions)
    assert opinion["category"] == "traffic" and opinion["photo"] is None


async def test_an_officer_of_another_commune_may_not_answer(db: Database) -> None:
    """The effect is checked again in the bot, whatever a chat sent."""
    clock = Clock()
    await send_opinion(db, clock, "anonymous")
    (opinion,) = await rows(db, opinions)
    other_id = await member_with_roles(db, OTHER_OFFICER)
    async with db.session() as session:
        area = await area_by_code(session, "17641")
    assert area is not None
    member = Member(other_id, "vi", (Grant(0, Role.OFFICER, place_of(area)),))
    effect = AnswerOpinion(str(opinion["code"]), "Trả lời nhầm xã")
    async with db.transaction() as session:
        with pytest.raises(PolicyViolation):
            await apply_effect(session, member, "Cán bộ", effect, clock.now)
    assert await rows(db, opinion_answers) == []


async def test_erasing_the_sender_erases_the_way_back_to_their_anonymous_opinion(
    db: Database,
) -> None:
    clock = Clock()
    await send_opinion(db, clock, "anonymous")
    (identity,) = [row for row in await rows(db, identities) if row["platform_user_id"] == RESIDENT]
    async with db.transaction() as session:
        erased = await erase_person(
            session, SEALER, int(identity["member_id"]), actor_member_id=None, now=clock.now
        )
    assert erased is not None
    (opinion,) = await rows(db, opinions)
    assert opinion["sender_route"] is None and opinion["text"] == WORDS
    officer = await officer_phone(db, clock)
    await answer(officer, "Xã đã ghi nhận.")
    code = format_tip_code(str(opinion["code"]))
    assert t("opinions.officer.undeliverable", code=code) in officer.text
    assert [row for row in await rows(db, outbox) if row["sealed_route"] is not None] == []


async def test_replacing_the_server_key_reseals_the_way_back_to_an_anonymous_opinion(
    db: Database,
) -> None:
    await send_opinion(db, Clock(), "anonymous")
    new_key = bytes(range(100, 132))
    done = await rotate(db, Sealer(new_key, SEALER_KEY))
    assert done["opinion_routes"].resealed == 1
    (opinion,) = await rows(db, opinions)
    assert Sealer(new_key).open_route(bytes(opinion["sender_route"])) == ("telegram", RESIDENT)


async def test_the_way_back_goes_once_a_done_opinion_is_past_its_period(db: Database) -> None:
    clock = Clock()
    await send_opinion(db, clock, "anonymous")
    officer = await officer_phone(db, clock)
    await officer.send(text="/xemgopy")
    await officer.send(text="1")
    await officer.send(text="2")  # done
    async with db.transaction() as session:
        assert await erase_expired(session, DONE_OPINION_ROUTES, clock.now - timedelta(days=1)) == 0
        assert await erase_expired(session, DONE_OPINION_ROUTES, clock.now + timedelta(days=1)) == 1
    (opinion,) = await rows(db, opinions)
    assert opinion["sender_route"] is None and opinion["text"] == WORDS
