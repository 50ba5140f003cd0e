"""The morning reminder of opinions nobody answered: a commune's officers and its own admins
are told, once a day, how many of its opinions have waited past the deployment's period
(``ANTQ_OPINION_ANSWER_DAYS``) without an answer, and their codes; never what they say.

A daily job: its dedup key names the day, so a second run the same morning queues nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import MemberMessage
from bot.opinions.handlers import commune_handlers
from bot.reminders import NAMES_SHOWN, names_list
from bot.rules import Rule
from conversations.fields import format_tip_code
from conversations.i18n import N_
from conversations.localtime import LOCAL_TIME
from storage.delivery.outbox import DIGEST
from storage.opinions import unanswered_since


class UnansweredOpinions:
    """Remind the handlers of each commune of the opinions unanswered past ``after``."""

    name = "opinions-unanswered"

    def __init__(self, after: timedelta) -> None:
        self.after = after

    async def __call__(self, now: datetime, session: AsyncSession) -> Sequence[MemberMessage]:
        waiting: dict[str, list[str]] = defaultdict(list)
        for opinion in await unanswered_since(session, now - self.after):
            if opinion.area_path:
                waiting[opinion.area_path].append(format_tip_code(opinion.code))
        today = now.astimezone(LOCAL_TIME).date().isoformat()
        messages = []
        for path, codes in waiting.items():
            params = {
                "count": len(codes),
                "days": self.after.days,
                "codes": names_list(codes, NAMES_SHOWN),
                "command": "/xemgopy",
            }
            for member_id in await commune_handlers(session, path):
                messages.append(
                    MemberMessage(
                        member_id,
                        DIGEST,
                        f"digest:{today}:opinions-unanswered:{path}:member-{member_id}",
                        message_key=N_("opinions.notice.unanswered"),
                        params=params,
                    )
                )
        return messages


def opinion_daily_jobs(answer_days: int) -> list[Rule]:
    """The opinions' morning job, with the settings' period."""
    return [UnansweredOpinions(timedelta(days=answer_days))]
