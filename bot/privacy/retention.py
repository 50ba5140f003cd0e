"""The retention schedule: how long each kind of personal data is kept, and the daily rule
that erases what is past its period.

The periods are settings (``ANTQ_RETENTION_*_DAYS``; a draft lives ``ANTQ_DRAFT_TTL_HOURS``, or
its flow's own lifetime, as the engine says). ``storage.retention`` knows which rows are past
their period. Every run keeps its counts in ``retention_runs`` for ``antq privacy report`` and
logs one line of counts, never what was erased.

A closed tip's thread (the messages between its tipster and its officers) is erased with its
sealed route, after the routes' period.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.queueing import MemberMessage
from bot.observability import metrics
from bot.settings import Settings
from conversations.drafts import DraftLifetimes
from conversations.i18n import N_
from conversations.menu import draft_lifetimes
from conversations.ports import SavedConversation
from storage import commendations, linking, privacy, retention, surveys, web_sessions
from storage.opinions import DONE_OPINION_ROUTES
from storage.retention import CategoryRun, IdleDraft, RunCount

log = logging.getLogger(__name__)

DRAFTS = "drafts"
PROCESSED_UPDATES = "processed_updates"
FINISHED_OUTBOX = "outbox"
TIP_PHONES = "tip_phones"
TIP_ROUTES = "tip_routes"
TIP_THREADS = "tip_threads"
AUDIT = "audit"
INACTIVE_MEMBERS = "inactive_members"
WEB_LOGIN_LINKS = "web_login_links"
WEB_SESSIONS = "web_sessions"
COMMENDED_PERSONS = "commended_persons"
LINK_CODES = "link_codes"  # one person, several accounts (storage.linking)
OPINION_ROUTES = "opinion_routes"
# A closed survey's responses (a named one's links to its authors), "answered" marks and drafts.
SURVEY_RESPONSES = "survey_responses"
SURVEY_MARKS = "survey_marks"
SURVEY_DRAFTS = "survey_drafts"
# How long a category is kept, in days, by the settings.
Days = Callable[[Settings], int]


def _at_once(_settings: Settings) -> int:
    """Not a setting: a used or expired login link, an ended or expired session, an expired
    link code and a closed survey's drafts open nothing (nor take an answer) any more."""
    return 0


@dataclass(frozen=True)
class Category:
    """A kind of personal data under the schedule: how the report names it, how long it is
    kept, and what is past its period (``expiry``: the rows older than a cut-off time; drafts
    and inactive members have rules of their own)."""

    name: str
    title: str  # catalogue key
    period: str  # catalogue key with {days}: how long, counted from when
    days: Days | None = None  # None: drafts, kept by their flows' lifetimes
    expiry: retention.Expiry | None = None


CATEGORIES: tuple[Category, ...] = (
    Category(DRAFTS, N_("retention.drafts"), N_("retention.drafts.period")),
    Category(
        PROCESSED_UPDATES,
        N_("retention.processed_updates"),
        N_("retention.processed_updates.period"),
        lambda settings: settings.retention_processed_updates_days,
        retention.PROCESSED_UPDATES,
    ),
    Category(
        FINISHED_OUTBOX,
        N_("retention.outbox"),
        N_("retention.outbox.period"),
        lambda settings: settings.retention_outbox_days,
        retention.FINISHED_OUTBOX,
    ),
    Category(
        TIP_PHONES,
        N_("retention.tip_phones"),
        N_("retention.tip_phones.period"),
        lambda settings: settings.retention_tip_phones_days,
        retention.CLOSED_TIP_PHONES,
    ),
    Category(
        TIP_ROUTES,
        N_("retention.tip_routes"),
        N_("retention.tip_routes.period"),
        lambda settings: settings.retention_tip_routes_days,
        retention.CLOSED_TIP_ROUTES,
    ),
    Category(  # the thread goes with the route
        TIP_THREADS,
        N_("retention.tip_threads"),
        N_("retention.tip_routes.period"),
        lambda settings: settings.retention_tip_routes_days,
        retention.CLOSED_TIP_THREADS,
    ),
    Category(
        AUDIT,
        N_("retention.audit"),
        N_("retention.audit.period"),
        lambda settings: settings.retention_audit_days,
        retention.AUDIT_ENTRIES,
    ),
    Category(
        INACTIVE_MEMBERS,
        N_("retention.inactive_members"),
        N_("retention.inactive_members.period"),
        lambda settings: settings.retention_inactive_members_days,
    ),
    Category(
        WEB_LOGIN_LINKS,
        N_("retention.web_login_links"),
        N_("retention.web.period"),
        _at_once,
        web_sessions.DEAD_LOGIN_LINKS,
    ),
    Category(
        WEB_SESSIONS,
        N_("retention.web_sessions"),
        N_("retention.web.period"),
        _at_once,
        web_sessions.DEAD_SESSIONS,
    ),
    Category(
        COMMENDED_PERSONS,
        N_("retention.commended_persons"),
        N_("retention.commended_persons.period"),
        lambda settings: settings.retention_commended_persons_days,
        commendations.COMMENDED_PERSONS,
    ),
    Category(  # a link code past its expiry opens nothing, and its exact time names its member
        LINK_CODES,
        N_("retention.link_codes"),
        N_("retention.link_codes.period"),
        _at_once,
        retention.Expiry(linking.link_codes, lambda cut: linking.link_codes.c.expires_at <= cut),
    ),
    Category(  # as a closed tip's route
        OPINION_ROUTES,
        N_("retention.opinion_routes"),
        N_("retention.opinion_routes.period"),
        lambda settings: settings.retention_tip_routes_days,
        DONE_OPINION_ROUTES,
    ),
    Category(
        SURVEY_RESPONSES,
        N_("retention.survey_responses"),
        N_("retention.survey_responses.period"),
        lambda settings: settings.retention_survey_responses_days,
        surveys.CLOSED_SURVEY_RESPONSES,
    ),
    Category(  # with the responses
        SURVEY_MARKS,
        N_("retention.survey_marks"),
        N_("retention.survey_responses.period"),
        lambda settings: settings.retention_survey_responses_days,
        surveys.CLOSED_SURVEY_MARKS,
    ),
    Category(  # a closed survey takes no answer: a draft of it is of no use from the closing on
        SURVEY_DRAFTS,
        N_("retention.survey_drafts"),
        N_("retention.survey_drafts.period"),
        _at_once,
        surveys.CLOSED_SURVEY_DRAFTS,
    ),
)

# The categories erased by a cut-off time, with what "past its period" means for each.
EXPIRIES: Mapping[str, retention.Expiry] = {
    category.name: category.expiry for category in CATEGORIES if category.expiry is not None
}


async def erase_inactive_member(session: AsyncSession, member_id: int, now: datetime) -> None:
    """Erase a member nobody has heard from in years, as /xoadulieu does. The rule holds no
    key, so routes sealed to them are not searched: those of closed tips go with the routes'
    own period, and an identified tip loses its link and phone here."""
    await privacy.erase_member(session, member_id, routes_to_them=[], actor_member_id=None, now=now)


@dataclass(frozen=True)
class RetentionSchedule:
    """How long each category is kept: drafts by their lifetimes, the others by ``periods``."""

    drafts: DraftLifetimes
    periods: Mapping[str, timedelta]

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionSchedule:
        periods = {
            category.name: timedelta(days=category.days(settings))
            for category in CATEGORIES
            if category.days is not None
        }
        return cls(draft_lifetimes(settings.draft_ttl), periods)


async def expired_drafts(
    session: AsyncSession, lifetimes: DraftLifetimes, now: datetime
) -> list[IdleDraft]:
    """The drafts the engine would discard if their members wrote now."""
    idle = await retention.idle_drafts(session, now - lifetimes.shortest)
    return [draft for draft in idle if lifetimes.expired(_saved(draft), now)]


def _saved(draft: IdleDraft) -> SavedConversation:
    return SavedConversation(draft.flow, None, draft.data, draft.updated_at)


async def apply_schedule(
    session: AsyncSession, schedule: RetentionSchedule, now: datetime
) -> dict[str, RunCount]:
    """Erase everything past its period at ``now``; what was erased, by category."""
    drafts = await expired_drafts(session, schedule.drafts, now)
    counts = {DRAFTS: RunCount(await retention.erase_drafts(session, drafts))}
    for name, expiry in EXPIRIES.items():
        cut_off = now - schedule.periods[name]
        counts[name] = RunCount(await retention.erase_expired(session, expiry, cut_off))
    inactive = await retention.inactive_members(session, now - schedule.periods[INACTIVE_MEMBERS])
    for member_id in inactive:
        await erase_inactive_member(session, member_id, now)
    counts[INACTIVE_MEMBERS] = RunCount(len(inactive))
    return counts


async def due_now(
    session: AsyncSession, schedule: RetentionSchedule, now: datetime
) -> dict[str, int]:
    """How many rows of each category are past their period at ``now``."""
    due = {DRAFTS: len(await expired_drafts(session, schedule.drafts, now))}
    for name, expiry in EXPIRIES.items():
        due[name] = await retention.count_expired(session, expiry, now - schedule.periods[name])
    cut_off = now - schedule.periods[INACTIVE_MEMBERS]
    due[INACTIVE_MEMBERS] = len(await retention.inactive_members(session, cut_off))
    return due


@dataclass(frozen=True)
class CategoryStatus:
    """One category of the report: its last runs and what is due now."""

    category: Category
    runs: list[CategoryRun]
    due: int


async def retention_status(
    session: AsyncSession, schedule: RetentionSchedule, now: datetime, *, runs: int
) -> list[CategoryStatus]:
    """Every category with its last ``runs`` runs, newest first, and what is due at ``now``."""
    due = await due_now(session, schedule, now)
    return [
        CategoryStatus(
            category, await retention.recent_runs(session, category.name, runs), due[category.name]
        )
        for category in CATEGORIES
    ]


class RetentionRule:
    """Apply ``schedule`` and keep the run's counts; a daily job that queues nothing."""

    name = "retention"

    def __init__(self, schedule: RetentionSchedule) -> None:
        self.schedule = schedule

    async def __call__(self, now: datetime, session: AsyncSession) -> Sequence[MemberMessage]:
        counts = await apply_schedule(session, self.schedule, now)
        await retention.record_run(session, now, counts)
        metrics.retention_ran({name: count.erased for name, count in counts.items()})
        erased = " ".join(f"{name}={count.erased}" for name, count in counts.items())
        left = " ".join(f"{name}={c.left_due}" for name, c in counts.items() if c.left_due)
        log.info("retention: erased %s; due but kept: %s", erased, left or "none")
        return []


def retention_daily_jobs(settings: Settings) -> list[RetentionRule]:
    """The morning job that applies the schedule of the settings."""
    return [RetentionRule(RetentionSchedule.from_settings(settings))]
