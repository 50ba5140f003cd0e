"""An admin composes a campaign by chat, watches its progress and gets its result; residents
opt out and back in (through the real processor, scheduler and sender, on the database)."""

from __future__ import annotations

from sqlalchemy import select

from bot.broadcasts.rules import fan_out_broadcasts, finish_broadcasts
from bot.delivery.limits import UNLIMITED, RateLimiter
from bot.delivery.quiet_hours import DEFAULT_QUIET_HOURS
from bot.delivery.sender import OutboxSender
from bot.scheduler import DeliveryScheduler
from conversations.broadcasts import QUIET_END, QUIET_START
from conversations.i18n import N_
from conversations.replies import MediaItem
from storage._sql import broadcasts, outbox
from storage.database import Database
from storage.people.preferences import campaigns_enabled
from tests.bot.broadcasts.harness import ADMIN_USER, PEOPLE, seed
from tests.bot.delivery.harness import FakeClock, RecordingTransport, local
from tests.bot.harness import Phone, make_processor
from tests.conversations.harness import CATALOGUES, Clock, t

TEXT = "Mời bà con dự họp thôn lúc 19:30 tối thứ Sáu tại nhà văn hoá."
ENGLISH = "Village meeting at 19:30 on Friday at the community hall."


def render(locale: str | None, key: str, params: dict[str, object]) -> str:
    return CATALOGUES.text(locale, key, **params)


def sender(
    database: Database, transport: RecordingTransport, clock: FakeClock, channel: str = "telegram"
) -> OutboxSender:
    """A sender that renders copies with the real catalogues, as ``antq run`` does."""
    limiter = RateLimiter(UNLIMITED, clock=clock.monotonic, sleep=clock.sleep)
    return OutboxSender(database, channel, transport, limiter, render=render, clock=clock.now)


async def compose(admin: Phone, *, when: str = "ngay", roles: str = "2 3") -> None:
    await admin.send(text="/guithongbao")
    assert admin.asked(N_("broadcasts.ask.text")), admin.text
    await admin.send(text=TEXT)
    await admin.send(media=MediaItem("photo", "AgACAgUAAxPHOTO"))
    await admin.send(text=ENGLISH)
    await admin.send(text="tat ca")
    await admin.send(text=roles)
    await admin.send(text="1")
    await admin.send(text=when)


async def test_an_admin_sends_a_campaign_to_a_communes_leaders_and_residents(
    database: Database,
) -> None:
    people = await seed(database)
    clock = Clock(local(2026, 11, 24, 9, 0))
    admin = Phone(make_processor(database, clock), user_id=ADMIN_USER)
    await compose(admin)

    # The reach and the copies exactly as they will look, then the summary to confirm.
    assert t("broadcasts.reach", count=6) in admin.text
    vi_copy = t("broadcasts.copy", text=TEXT, place="Xã Đô Lương")
    en_copy = t("broadcasts.copy", "en", text=ENGLISH, place="Xã Đô Lương")
    assert vi_copy in admin.text and en_copy in admin.text
    assert t("broadcasts.quiet_wait") not in admin.text
    await admin.send(text="1")  # confirm
    assert t("broadcasts.created_now", count=6) in admin.text

    scheduler = DeliveryScheduler(
        database, rules=[fan_out_broadcasts, finish_broadcasts], clock=clock
    )
    await scheduler.tick()
    fake = FakeClock(clock.now)
    telegram, zalo = RecordingTransport(), RecordingTransport()
    await sender(database, telegram, fake).deliver_due()
    await sender(database, zalo, fake, channel="zalo").deliver_due()

    def got(name: str, transport: RecordingTransport) -> list[str]:
        return transport.sent.get(PEOPLE[name][0], [])

    assert got("dan_dong", telegram) == [vi_copy]
    assert got("dan_dong_en", telegram) == [en_copy]
    assert got("leader_dong", telegram) == [vi_copy]  # a leader who lives there: once
    assert got("dan_tay", telegram) == [vi_copy]
    assert got("leader_tay", zalo) == [vi_copy] and got("dan_dong_zalo", zalo) == [vi_copy]
    for name in ("officer", "admin", "dan_son", "dan_dong_stop", "dan_dong_blocked"):
        assert not got(name, telegram) and not got(name, zalo)

    # Progress while nothing is left to send, then done and the admin is told.
    await admin.send(text="/broadcasts")
    assert t("broadcasts.counts", recipients=6, queued=0, sent=6, failed=0, blocked=0) in admin.text
    await scheduler.tick()
    async with database.session() as session:
        (status,) = (await session.execute(select(broadcasts.c.status))).scalars()
        notice = (await session.execute(select(outbox).where(outbox.c.kind == "notice"))).one()
    assert status == "done"
    assert notice.member_id == people["admin"]
    assert notice.message_key == "broadcasts.done_notice"
    assert notice.params == {"number": 1, "sent": 6, "failed": 0, "blocked": 0, "cancelled": 0}
    await admin.send(text="/broadcasts")
    assert t("broadcasts.status.done") in admin.text


async def test_a_broadcast_set_for_the_evening_waits_and_says_so(database: Database) -> None:
    await seed(database)
    clock = Clock(local(2026, 11, 24, 9, 0))
    admin = Phone(make_processor(database, clock), user_id=ADMIN_USER)
    await compose(admin, when="22:00 24/11")
    assert t("broadcasts.quiet_wait") in admin.text
    await admin.send(text="1")
    assert t("broadcasts.created_later", count=6, when="22:00 24/11/2026") in admin.text
    scheduler = DeliveryScheduler(database, rules=[fan_out_broadcasts], clock=clock)
    await scheduler.tick()
    async with database.session() as session:
        queued = (await session.execute(select(outbox.c.id))).all()
    assert queued == []  # not due yet
    clock.now = local(2026, 11, 24, 22, 1)
    await scheduler.tick()
    async with database.session() as session:
        not_before = set((await session.execute(select(outbox.c.not_before))).scalars())
    assert not_before == {local(2026, 11, 25, 7, 0)}


async def test_bad_answers_are_explained_and_asked_again(database: Database) -> None:
    await seed(database)
    clock = Clock(local(2026, 11, 24, 9, 0))
    admin = Phone(make_processor(database, clock), user_id=ADMIN_USER)
    await admin.send(text="/guithongbao")
    await admin.send(text=TEXT)
    await admin.send(media=MediaItem("voice", "AwACvoice"))
    assert t("broadcasts.photo.only_photo") in admin.text
    await admin.send(text="khong")
    await admin.send(text="khong")
    await admin.send(text="Xa Luong Son")  # another commune: outside the admin's place
    assert t("place.not_found", query="Xa Luong Son") in admin.text
    await admin.send(text="17641")
    assert t("place.outside", place="Xã Lương Sơn, Nghệ An") in admin.text
    await admin.send(text="thon dong")
    await admin.send(text="9")
    assert t("input.choose_option", count=6) in admin.text
    await admin.send(text="nguoi dan")
    await admin.send(text="zalo")
    await admin.send(text="mai")
    assert t("broadcasts.when.bad", day="01/12") in admin.text  # the example is a week ahead
    assert t("broadcasts.when.example", day="01/12") in admin.replies[-1].text
    await admin.send(text="20:00 25/11/2025")
    assert t("broadcasts.when.past") in admin.text
    await admin.send(text="gui ngay")
    assert t("broadcasts.reach", count=1) in admin.text  # dan_dong_zalo


async def test_a_member_without_the_admin_role_cannot_broadcast(database: Database) -> None:
    await seed(database)
    leader = Phone(make_processor(database), user_id=PEOPLE["leader_dong"][0])
    await leader.send(text="/guithongbao")
    assert t("policy.denied") in leader.text


async def test_residents_opt_out_and_back_in(database: Database) -> None:
    people = await seed(database)
    resident = Phone(make_processor(database), user_id=PEOPLE["dan_dong"][0])
    await resident.send(text="/dunglai")
    assert t("campaigns.turned_off") in resident.text
    async with database.session() as session:
        assert not await campaigns_enabled(session, people["dan_dong"])
    await resident.send(text="/batlai")
    assert t("campaigns.turned_on") in resident.text
    await resident.send(text="/campaigns")
    await resident.send(text="1")
    async with database.session() as session:
        assert not await campaigns_enabled(session, people["dan_dong"])


def test_the_quiet_hours_the_admin_is_warned_of_are_those_the_sender_keeps() -> None:
    assert (DEFAULT_QUIET_HOURS.start, DEFAULT_QUIET_HOURS.end) == (QUIET_START, QUIET_END)


async def test_a_text_changed_from_the_summary_is_previewed_again(database: Database) -> None:
    await seed(database)
    clock = Clock(local(2026, 11, 24, 9, 0))
    admin = Phone(make_processor(database, clock), user_id=ADMIN_USER)
    await compose(admin)
    await admin.send(text="2")  # edit
    await admin.send(text="1")  # the text
    await admin.send(text="Lịch họp thôn đổi sang 20:00 thứ Bảy.")
    changed = t(
        "broadcasts.copy", text="Lịch họp thôn đổi sang 20:00 thứ Bảy.", place="Xã Đô Lương"
    )
    assert changed in admin.text and t("broadcasts.reach", count=6) in admin.text
    assert t("summary.question") in admin.text
