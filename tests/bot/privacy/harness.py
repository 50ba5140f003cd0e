"""Helpers of the retention tests: tips and drafts made by chatting, the morning run on a
controlled clock."""

from __future__ import annotations

from typing import Any

from bot.privacy.retention import retention_daily_jobs
from bot.scheduler import DeliveryScheduler
from bot.settings import Settings
from storage._sql import tips
from storage.database import Database
from tests.bot.harness import phone_at_menu, rows, walk
from tests.bot.tips.harness import UP_TO_COMMUNE
from tests.conversations.harness import CONTACT_PATH, Clock

PHONE = "+84912345678"  # as stored: the tip flow answers "0912 345 678"


def settings(**periods: Any) -> Settings:
    """The deployment's settings, from the defaults and ``periods`` only (no environment)."""
    return Settings(_env_file=None, **periods)  # type: ignore[call-arg]


def mornings(database: Database, clock: Clock, **periods: Any) -> DeliveryScheduler:
    """The scheduler's daily run with the retention schedule of ``periods``."""
    jobs = retention_daily_jobs(settings(**periods))
    return DeliveryScheduler(database, daily_jobs=jobs, clock=clock)


async def tip_with_phone(database: Database, clock: Clock, user_id: str) -> str:
    """A tip placed in Xã Đô Lương whose sender left their phone; its code."""
    tipster = await phone_at_menu(database, clock, user_id)
    await tipster.send(text="1")
    await walk(tipster, CONTACT_PATH, upto=UP_TO_COMMUNE)
    await tipster.send(text="do luong")
    await walk(tipster, CONTACT_PATH[UP_TO_COMMUNE + 1 :])
    await tipster.send(text="1")  # confirm the summary
    newest = max((int(str(tip["id"])), str(tip["code"])) for tip in await rows(database, tips))
    return newest[1]


async def tip_row(database: Database, code: str) -> dict[str, object]:
    (row,) = [tip for tip in await rows(database, tips) if tip["code"] == code]
    return row
