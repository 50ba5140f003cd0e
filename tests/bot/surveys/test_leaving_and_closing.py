"""What issue 30 asked of surveys after their first version: the invitation carries a button
that starts answering (Telegram; elsewhere the text names the command); answers given before
leaving half-way are kept and taken up again, /cancel discards them; an admin closes a
survey early from the results' choices; the texts come in one order on every database."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from sqlalchemy import func, select

from bot.broadcasts.rules import fan_out_broadcasts
from bot.delivery.limits import UNLIMITED, RateLimiter
from bot.delivery.sender import OutboxSender
from bot.scheduler import DeliveryScheduler
from bot.sealing import Sealer
from bot.surveys.rules import remind_surveys
from conversations.commands import COMMAND_TAP
from conversations.replies import Inbound
from storage.database import Database
from storage.surveys import survey_drafts, survey_responses
from tests.bot.delivery.harness import FakeClock, RecordingTransport, local
from tests.bot.harness import SEALER, make_processor
from tests.bot.surveys.harness import (
    PEOPLE,
    ChannelPhone,
    deliver,
    received,
    render,
    seed,
    write_survey,
)
from tests.conversations.harness import Clock, t

START = local(2026, 11, 24, 9, 0)
Q1_TEXT = "Anh/chị thấy an ninh trật tự nơi ở thế nào?"
Q2_TEXT = "Trong tháng, anh/chị thấy người lạ đến bao nhiêu lần?"
Q3_TEXT = "Anh/chị có đề xuất gì?"


@dataclasses.dataclass
class ButtonTransport(RecordingTransport):
    """Telegram's way: the text, and under it the buttons as (label, command)."""

    buttons: dict[str, list[list[tuple[str, str]]]] = dataclasses.field(
        default_factory=lambda: defaultdict(list)
    )

    async def send_buttons(self, chat_id: str, text: str, buttons: list[tuple[str, str]]) -> None:
        await self.send_text(chat_id, text)
        self.buttons[chat_id].append(buttons)


async def _telegram(database: Database, clock: Clock) -> ButtonTransport:
    """What is due on Telegram sent, as its sender does: what each chat got, buttons too."""
    transport = ButtonTransport()
    fake = FakeClock(clock.now)
    limiter = RateLimiter(UNLIMITED, clock=fake.monotonic, sleep=fake.sleep)
    telegram = OutboxSender(database, "telegram", transport, limiter, render=render, clock=fake.now)
    await telegram.deliver_due()
    return transport


async def _survey_sent(database: Database, clock: Clock, *, anonymous: bool = True) -> None:
    processor = make_processor(database, clock)
    admin = ChannelPhone.of(processor, "admin")
    await write_survey(admin, anonymous=anonymous)
    await admin.send("1")
    await DeliveryScheduler(database, rules=[fan_out_broadcasts], clock=clock).tick()


async def test_the_invitation_has_a_button_that_starts_answering(database: Database) -> None:
    await seed(database, START)
    clock = Clock(START)
    await _survey_sent(database, clock)
    transport = await _telegram(database, clock)
    user = PEOPLE["dan_dong"][0]
    assert transport.buttons[user] == [[(t("surveys.button.answer"), "/khaosat 1")]]
    english = PEOPLE["dan_dong_en"][0]
    assert transport.buttons[english] == [[(t("surveys.button.answer", "en"), "/khaosat 1")]]

    # Where a platform shows no button (Zalo, the OA, the console), the text names the command.
    others = await deliver(database, FakeClock(clock.now))
    for name in ("dan_dong_zalo", "dan_dong_oa", "dan_dong_console"):
        (invitation,) = received(others, name)
        assert "/khaosat 1" in invitation, invitation

    # A tap is the command typed: the survey opens at its first question.
    processor = make_processor(database, clock)
    tap = Inbound("telegram", user, user, option="/khaosat 1", option_ref=COMMAND_TAP)
    replies = (await processor.process(tap)).replies
    shown = "\n".join(getattr(reply, "text", "") for reply in replies)
    assert Q1_TEXT in shown, shown


async def test_the_reminder_has_the_button_too(database: Database) -> None:
    await seed(database, START)
    clock = Clock(START)
    await _survey_sent(database, clock)
    await deliver(database, FakeClock(clock.now))
    clock.now = local(2026, 11, 26, 17, 1)  # the reminder's time: a day before the closing
    rules = [remind_surveys(SEALER)]
    await DeliveryScheduler(database, rules=rules, clock=clock).tick()
    transport = await _telegram(database, clock)
    user = PEOPLE["dan_dong"][0]
    assert transport.buttons[user] == [[(t("surveys.button.answer"), "/khaosat 1")]]


async def _kept(database: Database) -> int:
    async with database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(survey_drafts)) or 0)


async def test_leaving_half_way_keeps_the_answers_and_coming_back_goes_on(
    database: Database,
) -> None:
    await seed(database, START)
    clock = Clock(START)
    await _survey_sent(database, clock)
    processor = make_processor(database, clock)
    dong = ChannelPhone.of(processor, "dan_dong")
    await dong.send("/khaosat 1")
    await dong.send("2")
    assert Q2_TEXT in dong.text
    await dong.send("/menu")  # leaves half-way

    # Days later, in a new conversation: the first answer is kept, the second question asked.
    clock.advance(hours=30)
    processor = make_processor(database, clock)
    dong = ChannelPhone.of(processor, "dan_dong")
    await dong.send("/khaosat 1")
    assert t("surveys.answer.resumed", count=1, next=2) in dong.text, dong.text
    assert Q2_TEXT in dong.text and Q1_TEXT not in dong.text
    await dong.send("5")
    await dong.send("/tinbao")  # another flow in between
    await dong.send("/khaosat 1")
    assert t("surveys.answer.resumed", count=2, next=3) in dong.text, dong.text
    assert Q3_TEXT in dong.text
    await dong.send("Cần đèn chiếu sáng ở ngõ 3")
    assert t("surveys.answer.thanks") in dong.text
    async with database.session() as session:
        (answers,) = (await session.execute(select(survey_responses.c.answers))).scalars()
    assert answers == [1, 5, "Cần đèn chiếu sáng ở ngõ 3"]
    assert await _kept(database) == 0  # sent: nothing half-given is left


async def test_answers_kept_before_the_server_key_was_replaced_go_on_as_one_draft(
    database: Database,
) -> None:
    await seed(database, START)
    clock = Clock(START)
    await _survey_sent(database, clock)
    dong = ChannelPhone.of(make_processor(database, clock), "dan_dong")
    await dong.send("/khaosat 1")
    await dong.send("2")
    await dong.send("/menu")  # leaves half-way, the draft marked under the old key

    # ANTQ_SECRET_KEY=NEW,OLD: the draft is found under the old key's mark, and the next
    # answer keeps the person's one draft under the new key's.
    processor = make_processor(database, clock)
    processor.sealer = Sealer(bytes(range(100, 132)), bytes(range(32)))
    dong = ChannelPhone.of(processor, "dan_dong")
    await dong.send("/khaosat 1")
    assert t("surveys.answer.resumed", count=1, next=2) in dong.text, dong.text
    await dong.send("5")
    await dong.send("/menu")
    assert await _kept(database) == 1
    await dong.send("/khaosat 1")
    assert t("surveys.answer.resumed", count=2, next=3) in dong.text, dong.text


async def test_cancel_discards_the_answers_given(database: Database) -> None:
    await seed(database, START)
    clock = Clock(START)
    await _survey_sent(database, clock)
    processor = make_processor(database, clock)
    tay = ChannelPhone.of(processor, "dan_tay")
    await tay.send("/khaosat 1")
    await tay.send("1")
    await tay.send("3")
    assert await _kept(database) == 1
    await tay.send("/huy")
    assert await _kept(database) == 0
    await tay.send("/khaosat 1")
    assert t("surveys.answer.resumed", count=2, next=3) not in tay.text
    assert Q1_TEXT in tay.text, tay.text


async def test_an_admin_closes_a_survey_early_from_its_results(database: Database) -> None:
    await seed(database, START)
    clock = Clock(START)
    await _survey_sent(database, clock)
    processor = make_processor(database, clock)
    dong = ChannelPhone.of(processor, "dan_dong")
    await dong.send("/khaosat 1")
    await dong.send("1")  # half-way when the survey closes
    admin = ChannelPhone.of(processor, "admin")

    await admin.send("/ketquakhaosat 1")
    await admin.send(t("surveys.format.close"))
    assert t("surveys.ask.close") in admin.text, admin.text
    await admin.send("không")
    assert t("surveys.close.kept", number=1) in admin.text

    await admin.send("/ketquakhaosat 1")
    await admin.send("4")  # the fourth choice: close it
    await admin.send("có")
    assert t("surveys.close.done", number=1, count=0) in admin.text, admin.text
    assert await _kept(database) == 0

    await dong.send("2")  # the next answer finds it closed
    await dong.send("/khaosat 1")
    assert t("surveys.answer.closed") in dong.text, dong.text
    await admin.send("/ketquakhaosat 1")
    await admin.send("4")
    await admin.send("có")
    assert t("surveys.answer.closed") not in admin.text
    assert t("surveys.close.already", number=1) in admin.text, admin.text


async def test_texts_come_in_one_order_whatever_the_database(database: Database) -> None:
    await seed(database, START)
    clock = Clock(START)
    await _survey_sent(database, clock, anonymous=False)
    processor = make_processor(database, clock)
    texts = {
        "dan_tay": "Đề nghị tuần tra buổi tối",
        "dan_dong": "Cần thêm camera ở ngã ba",
        "leader_dong": "Bổ sung đèn ngõ 7",
        "dan_dong_zalo": "Cần biển báo giảm tốc",
    }
    for name, text in texts.items():
        phone = ChannelPhone.of(processor, name)
        await phone.send("/khaosat 1")
        for answer in ("1", "2", text):
            await phone.send(answer)
    admin = ChannelPhone.of(processor, "admin")
    await admin.send("/ketquakhaosat 1")
    await admin.send("1")
    lines = [line for line in admin.text.splitlines() if line.startswith(("• dan", "• leader"))]
    expected = [f"• {name}: {text}" for name, text in sorted(texts.items())]
    assert lines == expected, admin.text
