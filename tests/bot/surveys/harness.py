"""The broadcasts' place tree and people, plus a resident on the Zalo OA and one on the
console in Thôn Đông, everybody having agreed to the privacy notice; a phone on any channel;
an admin who writes a three-question survey for the commune's residents by chat."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from bot.delivery.limits import UNLIMITED, RateLimiter
from bot.delivery.sender import OutboxSender
from bot.processor import MessageProcessor
from conversations.privacy import NOTICE_VERSION
from conversations.replies import Choices, Inbound, Reply
from storage._sql import identities, members
from storage.areas import area_by_code
from storage.database import Database
from storage.people.members import find_or_create_member, set_locale
from tests.bot.broadcasts.harness import PEOPLE as BROADCAST_PEOPLE
from tests.bot.broadcasts.harness import seed as seed_broadcast_people
from tests.bot.delivery.harness import FakeClock, RecordingTransport
from tests.conversations.harness import CATALOGUES

# name: (platform user id, channel)
EXTRA = {"dan_dong_oa": ("oa-5550020", "zalo_oa"), "dan_dong_console": ("console-21", "console")}
PEOPLE = {name: (user, channel) for name, (user, channel, *_) in BROADCAST_PEOPLE.items()}
PEOPLE.update(EXTRA)
ADMIN_USER = PEOPLE["admin"][0]
CHANNELS = ("telegram", "zalo", "zalo_oa", "console")
# The commune's reachable residents: those of the broadcasts' tree who live there and did
# not opt out or block the bot (a leader who lives there too), and the two added here.
RESIDENTS = ("dan_dong", "dan_dong_en", "dan_dong_zalo", "dan_tay", "leader_dong", *EXTRA)

TITLE = "Ý kiến về an ninh trật tự thôn, xóm"
Q1 = "Anh/chị thấy an ninh trật tự nơi ở thế nào?\nTốt\nBình thường\nChưa tốt"
Q1_EN = "How safe is the place where you live?\nGood\nAverage\nPoor"
Q2 = "Trong tháng, anh/chị thấy người lạ đến bao nhiêu lần?"
Q3 = "Anh/chị có đề xuất gì?"


async def seed(database: Database, now: Any) -> dict[str, int]:
    """The people; their member ids by name."""
    ids = await seed_broadcast_people(database)
    async with database.transaction() as session:
        home = await area_by_code(session, "17662-001")
        assert home is not None
        for name, (user_id, channel) in EXTRA.items():
            member = await find_or_create_member(
                session,
                channel=channel,
                platform_user_id=user_id,
                chat_id=user_id,
                display_name=name,
            )
            ids[name] = member.id
            await set_locale(session, member.id, "vi")
            await session.execute(
                update(members).where(members.c.id == member.id).values(home_area_id=home.id)
            )
        # Everybody agreed to the privacy notice, and so has their name kept.
        await session.execute(update(members).values(consent_version=NOTICE_VERSION))
        for name, member_id in ids.items():
            await session.execute(
                update(members).where(members.c.id == member_id).values(display_name=name)
            )
        # Everybody wrote lately: a Zalo OA user is reachable inside the OA's window only.
        await session.execute(update(identities).values(last_seen_at=now))
    return ids


class ChannelPhone:
    """A member's chat on one channel, talking to a processor."""

    def __init__(self, processor: MessageProcessor, user_id: str, channel: str) -> None:
        self.processor = processor
        self.user_id = user_id
        self.channel = channel
        self.replies: list[Reply] = []

    @classmethod
    def of(cls, processor: MessageProcessor, name: str) -> ChannelPhone:
        user_id, channel = PEOPLE[name]
        return cls(processor, user_id, channel)

    async def send(self, text: str) -> list[Reply]:
        message = Inbound(self.channel, self.user_id, self.user_id, text=text)
        self.replies = list((await self.processor.process(message)).replies)
        return self.replies

    @property
    def text(self) -> str:
        lines: list[str] = []
        for reply in self.replies:
            lines.append(getattr(reply, "text", ""))
            if isinstance(reply, Choices):
                lines += [option.label for option in reply.options]
        return "\n".join(lines)


async def write_survey(admin: ChannelPhone, *, anonymous: bool = True) -> None:
    """The admin writes the survey up to its summary: residents of the whole commune, on
    every channel, closing at 17:00 on 27/11."""
    for answer in (
        "/taokhaosat",
        TITLE,
        "không",
        Q1,
        Q1_EN,
        Q2,
        "1",  # a number
        "không",
        Q3,
        "2",  # a short text
        "không",
        "xong",
        "1" if anonymous else "2",
        "tat ca",
        "2",  # residents
        "1",  # every channel
        "17:00 27/11",
    ):
        await admin.send(answer)


def render(locale: str | None, key: str, params: dict[str, object]) -> str:
    return CATALOGUES.text(locale, key, **params)


async def deliver(database: Database, clock: FakeClock) -> dict[str, RecordingTransport]:
    """Send what is due on every channel, as ``antq run``'s senders do; what each got."""
    sent: dict[str, RecordingTransport] = {}
    for channel in CHANNELS:
        transport = RecordingTransport()
        limiter = RateLimiter(UNLIMITED, clock=clock.monotonic, sleep=clock.sleep)
        sender = OutboxSender(database, channel, transport, limiter, render=render, clock=clock.now)
        await sender.deliver_due()
        sent[channel] = transport
    return sent


def received(sent: dict[str, RecordingTransport], name: str) -> list[str]:
    user_id, channel = PEOPLE[name]
    return sent[channel].sent.get(user_id, [])
