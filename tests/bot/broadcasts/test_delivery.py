"""Broadcast copies through the outbox: once per recipient across crashes and restarts,
cancellable mid-way, opt-outs respected, and only inside the sender's place."""

from __future__ import annotations

import asyncio
import collections
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from bot.broadcasts.handlers import EFFECT_HANDLERS, create_broadcast
from bot.broadcasts.rules import fan_out_batch, fan_out_broadcasts, finish_broadcasts
from bot.delivery.errors import RecipientBlocked
from bot.delivery.limits import UNLIMITED, RateLimiter
from bot.delivery.sender import OutboxSender
from bot.effect_context import EffectContext
from bot.places import load_grants
from bot.scheduler import DeliveryScheduler
from conversations.broadcasts import Audience, CreateBroadcast
from conversations.policy import PolicyViolation
from conversations.ports import Member
from conversations.replies import Inbound
from storage._sql import broadcasts, identities, members, outbox
from storage.database import Database
from storage.people.preferences import set_campaigns
from tests.bot.broadcasts.harness import ADMIN_USER, seed
from tests.bot.delivery.harness import FakeClock, local
from tests.bot.harness import SEALER, Phone, area_id, make_processor
from tests.conversations.harness import CATALOGUES, Clock
from tests.harness import PATIENCE

NOW = local(2026, 11, 24, 9, 0)
CROWD = 120


class SlowTransport:
    """Records every text per chat; holds the ``stall_at``-th send until released."""

    def __init__(self, stall_at: int | None = None) -> None:
        self.sent: dict[str, list[str]] = collections.defaultdict(list)
        self.stall_at = stall_at
        self.stalled = asyncio.Event()
        self.count = 0

    async def send_text(self, chat_id: str, text: str) -> None:
        self.count += 1
        if self.stall_at is not None and self.count >= self.stall_at:
            self.stalled.set()
            await asyncio.Event().wait()  # a process that dies here never returns
        self.sent[chat_id].append(text)


def sender(
    database: Database, transport: object, clock: FakeClock, **options: object
) -> OutboxSender:
    limiter = RateLimiter(UNLIMITED, clock=clock.monotonic, sleep=clock.sleep)
    return OutboxSender(
        database,
        "telegram",
        transport,  # type: ignore[arg-type]
        limiter,
        render=lambda locale, key, params: f"{params['text']}",
        clock=clock.now,
        **options,  # type: ignore[arg-type]
    )


async def add_crowd(database: Database, home_code: str, count: int) -> list[str]:
    """``count`` residents of a place on Telegram; their chat ids."""
    home = await area_id(database, home_code)
    async with database.transaction() as session:
        first = int(await session.scalar(select(func.coalesce(func.max(members.c.id), 0))) or 0)
        await session.execute(
            insert(members),
            [{"locale": "vi", "home_area_id": home, "created_at": NOW} for _ in range(count)],
        )
        ids = (
            (await session.execute(select(members.c.id).where(members.c.id > first)))
            .scalars()
            .all()
        )
        await session.execute(
            insert(identities),
            [
                {
                    "member_id": member_id,
                    "channel": "telegram",
                    "platform_user_id": f"crowd-{member_id}",
                    "chat_id": f"crowd-{member_id}",
                    "active": True,
                    "created_at": NOW,
                    "last_seen_at": NOW,
                }
                for member_id in ids
            ],
        )
    return [f"crowd-{member_id}" for member_id in ids]


async def new_broadcast(database: Database, admin_id: int, code: str = "17662-001") -> int:
    place = await area_id(database, "17662")
    async with database.transaction() as session:
        effect = CreateBroadcast(
            area_id=place,
            audience=Audience((await area_id(database, code),), ("resident",), ("telegram",)),
            text_vi="Thông báo họp thôn",
            text_en=None,
            photo_channel=None,
            photo_file_id=None,
            send_at=NOW,
        )
        return await create_broadcast(session, admin_id, effect, NOW)


async def copies(database: Database, broadcast_id: int) -> dict[str, int]:
    async with database.session() as session:
        rows = await session.execute(
            select(outbox.c.status, func.count())
            .where(outbox.c.broadcast_id == broadcast_id)
            .group_by(outbox.c.status)
        )
        return dict(rows.all())  # type: ignore[arg-type]


async def status_of(database: Database, broadcast_id: int) -> str:
    async with database.session() as session:
        return str(
            await session.scalar(select(broadcasts.c.status).where(broadcasts.c.id == broadcast_id))
        )


class Crash(Exception):
    """The process died here."""


async def a_broadcast_to_a_crowd(database: Database) -> tuple[int, list[str]]:
    """The seeded people and CROWD more residents of Thôn Đông, and a broadcast to Thôn Đông
    by the admin: its id and the crowd's chat ids."""
    people = await seed(database)
    crowd = await add_crowd(database, "17662-001", CROWD)
    return await new_broadcast(database, people["admin"]), crowd


async def crash_during_fan_out(database: Database, broadcast_id: int) -> None:
    async with database.transaction() as session:
        await fan_out_batch(session, broadcast_id, now=NOW, limit=50)
        raise Crash  # the batch's transaction never commits


async def test_a_fan_out_that_dies_half_way_resumes_without_doubles_or_gaps(
    database: Database,
) -> None:
    broadcast_id, crowd = await a_broadcast_to_a_crowd(database)
    async with database.transaction() as session:
        assert await fan_out_batch(session, broadcast_id, now=NOW, limit=50) == 50
    with pytest.raises(Crash):
        await crash_during_fan_out(database, broadcast_id)
    assert sum((await copies(database, broadcast_id)).values()) == 50
    assert await status_of(database, broadcast_id) == "queueing"
    while await status_of(database, broadcast_id) == "queueing":
        async with database.transaction() as session:
            await fan_out_batch(session, broadcast_id, now=NOW, limit=50)
    async with database.session() as session:
        keys = (
            (
                await session.execute(
                    select(outbox.c.member_id).where(outbox.c.broadcast_id == broadcast_id)
                )
            )
            .scalars()
            .all()
        )
    # the crowd, plus leader_dong, dan_dong, dan_dong_en (Telegram residents of Thôn Đông)
    assert len(keys) == len(set(keys)) == CROWD + 3
    assert await status_of(database, broadcast_id) == "sending"
    assert len(crowd) == CROWD


async def test_a_sender_killed_mid_way_and_restarted_sends_each_copy_once(
    database: Database,
) -> None:
    broadcast_id, crowd = await a_broadcast_to_a_crowd(database)
    async with database.transaction() as session:
        await fan_out_batch(session, broadcast_id, now=NOW, limit=1000)
    clock = FakeClock(NOW)

    first = SlowTransport(stall_at=57)
    dying = asyncio.create_task(sender(database, first, clock, max_in_flight=4).deliver_due())
    await asyncio.wait_for(first.stalled.wait(), timeout=PATIENCE)
    dying.cancel()  # killed: outcomes since the last flush are never recorded
    with pytest.raises(asyncio.CancelledError):
        await dying
    in_flight = (await copies(database, broadcast_id)).get("sending", 0)
    assert in_flight > 0

    clock.advance(timedelta(minutes=3).total_seconds())  # the dead sender's lease runs out
    second = SlowTransport()
    restarted = sender(database, second, clock)
    while await restarted.deliver_due():
        pass

    every_chat = [*crowd]
    for chat in every_chat:
        got = len(first.sent.get(chat, [])) + len(second.sent.get(chat, []))
        assert 1 <= got <= 2, chat
    doubles = [chat for chat in every_chat if chat in first.sent and chat in second.sent]
    assert len(doubles) <= in_flight
    assert (await copies(database, broadcast_id)) == {"sent": CROWD + 3}


async def test_cancelling_mid_way_stops_the_copies_not_yet_sent(database: Database) -> None:
    broadcast_id, _crowd = await a_broadcast_to_a_crowd(database)
    clock = Clock(NOW)
    scheduler = DeliveryScheduler(
        database, rules=[fan_out_broadcasts, finish_broadcasts], clock=clock
    )
    await scheduler.tick()
    fake = FakeClock(NOW)
    transport = SlowTransport()
    await sender(database, transport, fake, batch_size=40).deliver_due()
    assert transport.count == 40

    admin = Phone(make_processor(database, clock), user_id=ADMIN_USER)
    await admin.send(text=f"/huybantin {broadcast_id}")
    await admin.send(text="1")  # confirm
    assert await status_of(database, broadcast_id) == "cancelled"

    while await sender(database, transport, fake).deliver_due():
        pass
    await scheduler.tick()
    assert transport.count == 40
    assert await copies(database, broadcast_id) == {"sent": 40, "cancelled": CROWD + 3 - 40}
    assert await status_of(database, broadcast_id) == "cancelled"


async def test_a_member_who_opts_out_after_the_fan_out_gets_nothing(database: Database) -> None:
    people = await seed(database)
    broadcast_id = await new_broadcast(database, people["admin"])
    async with database.transaction() as session:
        await fan_out_batch(session, broadcast_id, now=NOW)
        await set_campaigns(session, people["dan_dong"], False)
    transport = SlowTransport()
    await sender(database, transport, FakeClock(NOW)).deliver_due()
    assert "5550005" not in transport.sent  # dan_dong
    assert set(transport.sent) == {"5550003", "5550006"}  # leader_dong, dan_dong_en
    assert await copies(database, broadcast_id) == {"sent": 2, "cancelled": 1}


async def test_the_bot_refuses_a_broadcast_outside_the_admins_place(database: Database) -> None:
    people = await seed(database)
    outside = await area_id(database, "17641")
    commune = await area_id(database, "17662")
    async with database.transaction() as session:
        grants = await load_grants(session, people["admin"])
        ctx = EffectContext(
            session,
            Member(people["admin"], "vi", grants),
            Inbound("telegram", ADMIN_USER, ADMIN_USER),
            datetime(2026, 11, 24, 2, 0, tzinfo=UTC),
            SEALER,
            catalogues=CATALOGUES,
        )
        for place, audience_area in ((outside, outside), (commune, outside)):
            effect = CreateBroadcast(
                area_id=place,
                audience=Audience((audience_area,), ("resident",), ("telegram",)),
                text_vi="Ngoài địa bàn",
                text_en=None,
                photo_channel=None,
                photo_file_id=None,
                send_at=NOW,
            )
            with pytest.raises(PolicyViolation):
                await EFFECT_HANDLERS[CreateBroadcast](ctx, effect)


class BlockedBy(SlowTransport):
    """The members of ``blocked`` chats blocked the bot: Telegram answers 403."""

    def __init__(self, *blocked: str) -> None:
        super().__init__()
        self.blocked = set(blocked)
        self.tries: collections.Counter[str] = collections.Counter()

    async def send_text(self, chat_id: str, text: str) -> None:
        self.tries[chat_id] += 1
        if chat_id in self.blocked:
            raise RecipientBlocked("Forbidden")
        await super().send_text(chat_id, text)


async def test_blocked_members_are_counted_not_retried_and_the_admin_gets_the_result(
    database: Database,
) -> None:
    people = await seed(database)
    broadcast_id = await new_broadcast(database, people["admin"])
    clock = Clock(NOW)
    scheduler = DeliveryScheduler(
        database, rules=[fan_out_broadcasts, finish_broadcasts], clock=clock
    )
    await scheduler.tick()
    fake = FakeClock(NOW)
    transport = BlockedBy("5550005")  # dan_dong
    for _ in range(3):
        fake.advance(600)
        await sender(database, transport, fake).deliver_due()
    assert transport.tries["5550005"] == 1
    assert await copies(database, broadcast_id) == {"sent": 2, "blocked": 1}
    await scheduler.tick()
    assert await status_of(database, broadcast_id) == "done"
    async with database.session() as session:
        notice = (await session.execute(select(outbox).where(outbox.c.kind == "notice"))).one()
    assert notice.member_id == people["admin"]
    assert notice.params == {
        "number": broadcast_id,
        "sent": 2,
        "failed": 0,
        "blocked": 1,
        "cancelled": 0,
    }
