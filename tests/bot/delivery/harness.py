"""A controlled clock, a recording transport and member set-up for the delivery tests."""

from __future__ import annotations

import asyncio
import collections
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from bot.delivery.errors import DeliveryError
from bot.delivery.limits import UNLIMITED, ChannelLimits, RateLimiter
from bot.delivery.quiet_hours import LOCAL_ZONE
from bot.delivery.sender import OUTBOX_RETRY, OutboxSender
from bot.delivery.transports import Transport
from storage.database import Database
from storage.people.members import MemberRecord, find_or_create_member


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A Vietnamese wall-clock time, as the aware UTC datetime the code works with."""
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_ZONE).astimezone(UTC)


@dataclass
class FakeClock:
    """Wall time for the database and monotonic time for the limiter, moved by the test only."""

    current: datetime
    seconds: float = 0.0

    def now(self) -> datetime:
        return self.current

    def monotonic(self) -> float:
        return self.seconds

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)
        self.seconds += seconds

    async def sleep(self, seconds: float) -> None:
        self.advance(seconds)
        await asyncio.sleep(0)


@dataclass
class RecordingTransport:
    """Records every text per chat; ``failures`` are raised by the next sends, in order."""

    sent: dict[str, list[str]] = field(default_factory=lambda: collections.defaultdict(list))
    failures: list[DeliveryError] = field(default_factory=list)
    delay: float = 0.0

    async def send_text(self, chat_id: str, text: str) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.failures:
            raise self.failures.pop(0)
        self.sent[chat_id].append(text)

    @property
    def count(self) -> int:
        return sum(len(texts) for texts in self.sent.values())


def sender(
    database: Database,
    transport: Transport,
    clock: FakeClock,
    *,
    channel: str = "telegram",
    limits: ChannelLimits = UNLIMITED,
    limiter: RateLimiter | None = None,
    **options: object,
) -> OutboxSender:
    """An outbox sender on ``clock``, by default with a limiter of ``limits`` on it too."""
    limiter = limiter or RateLimiter(limits, clock=clock.monotonic, sleep=clock.sleep)
    options.setdefault("retry", replace(OUTBOX_RETRY, attempts=3, first_delay=10.0))
    return OutboxSender(
        database,
        channel,
        transport,
        limiter,
        render=lambda locale, key, params: f"{locale}:{key}:{sorted(params.items())}",
        clock=clock.now,
        **options,  # type: ignore[arg-type]
    )


async def add_member(
    database: Database, user_id: int, *, channel: str = "telegram", locale: str | None = None
) -> MemberRecord:
    from storage.people.members import set_locale

    async with database.transaction() as session:
        member = await find_or_create_member(
            session,
            channel=channel,
            platform_user_id=str(user_id),
            chat_id=str(user_id),
            display_name=f"User {user_id}",
        )
        if locale is not None:
            await set_locale(session, member.id, locale)
    return member


async def residents_with_a_copy(
    database: Database, recipients: int, *, now: datetime, kind: str, chat_ids_from: int, tag: str
) -> None:
    """``recipients`` residents on Telegram (chat ids ``chat_ids_from`` + their member id),
    each with a copy of one message of ``kind`` due ``now`` (deduplicated as ``tag``:id)."""
    from sqlalchemy import insert, select

    from storage._sql import identities, members
    from storage.delivery.outbox import NewMessage, enqueue_many

    async with database.transaction() as session:
        await session.execute(insert(members), [{"locale": "vi", "created_at": now}] * recipients)
        member_ids = (await session.execute(select(members.c.id))).scalars().all()
        await session.execute(
            insert(identities),
            [
                {
                    "member_id": member_id,
                    "channel": "telegram",
                    "platform_user_id": str(chat_ids_from + member_id),
                    "chat_id": str(chat_ids_from + member_id),
                    "active": True,
                    "created_at": now,
                    "last_seen_at": now,
                }
                for member_id in member_ids
            ],
        )
        identity_ids = (await session.execute(select(identities.c.id))).scalars().all()
        await enqueue_many(
            session,
            [
                NewMessage(
                    channel="telegram",
                    kind=kind,
                    not_before=now,
                    identity_id=identity_id,
                    text="Công an xã khuyến cáo: cảnh giác với cuộc gọi giả danh công an.",
                    dedup_key=f"{tag}:{identity_id}",
                )
                for identity_id in identity_ids
            ],
            now=now,
        )
