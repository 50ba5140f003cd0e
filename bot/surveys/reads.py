"""The engine's reads of surveys: reach, whether a member may answer, lists and results."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from bot.sealing import Sealer
from bot.surveys import answered_digests, draft_digests, rated_digests
from conversations.audience import Audience
from conversations.i18n import N_
from conversations.localtime import LOCAL_TIME
from conversations.places import commune_path
from conversations.surveys import (
    ACKNOWLEDGE_WITHIN,
    Question,
    Response,
    ServiceFigures,
    SurveyResults,
    SurveySummary,
    SurveyToAnswer,
    Tally,
)
from storage.areas import area_by_code
from storage.broadcasts import audience_size
from storage.surveys import (
    OPEN,
    ResponseRow,
    SurveyRecord,
    audience_member,
    count_responses,
    has_answered,
    list_surveys,
    ratings_within,
    response_pages,
    survey_by_id,
    survey_draft,
    tip_times_within,
    tip_was_rated,
)
from storage.tips.records import find_tip_by_code

CLOSED_TIP = "closed"


def is_open(record: SurveyRecord, now: datetime) -> bool:
    return record.status == OPEN and record.closes_at > now


async def _pages(session: AsyncSession, survey_id: int) -> AsyncIterator[list[Response]]:
    async for page in response_pages(session, survey_id):
        yield [Response(row.answers, row.area_name, author(row)) for row in page]


def author(row: ResponseRow) -> str | None:
    """Who wrote a named survey's response: their name, or their member number when they
    never gave one (an anonymous response has neither)."""
    if row.member_id is None:
        return None
    return row.member_name or f"#{row.member_id}"


async def load_results(session: AsyncSession, record: SurveyRecord) -> SurveyResults:
    """Every response of the survey counted, page by page (places unknown under "")."""
    counted = Tally(
        record.id,
        record.title_vi,
        [Question.of(stored) for stored in record.questions],
        anonymous=record.anonymous,
        status=record.status,
        place_path=record.area_path,
        unknown_place="",
    )
    async for page in _pages(session, record.id):
        counted.add(page)
    return counted.finish()


@dataclass(frozen=True)
class SurveyRecords:
    """Reads of surveys, bound to the message's transaction."""

    session: AsyncSession
    sealer: Sealer

    async def survey_reach(self, audience: Audience, now: datetime) -> int:
        return await audience_size(self.session, audience.as_json(), now=now)

    async def survey_to_answer(
        self, survey_id: int, member_id: int, now: datetime
    ) -> SurveyToAnswer | str:
        record = await survey_by_id(self.session, survey_id)
        if (
            record is None
            or await audience_member(self.session, record.audience, member_id) is None
        ):
            return N_("surveys.answer.not_found")
        if not is_open(record, now):
            return N_("surveys.answer.closed")
        digests = answered_digests(self.sealer, survey_id, member_id)
        if await has_answered(self.session, survey_id, digests):
            return N_("surveys.answer.already")
        kept = await survey_draft(
            self.session, survey_id, draft_digests(self.sealer, survey_id, member_id)
        )
        return SurveyToAnswer(
            record.id,
            record.title_vi,
            record.title_en,
            tuple(Question.of(stored) for stored in record.questions),
            record.anonymous,
            record.closes_at,
            None if kept is None else tuple(kept),
        )

    async def surveys_within(self, path: str, *, limit: int) -> list[SurveySummary]:
        found = await list_surveys(self.session, within_path=path, limit=limit)
        return [
            SurveySummary(
                record.id,
                record.title_vi,
                record.status,
                record.area_path,
                record.closes_at,
                await count_responses(self.session, record.id),
                record.anonymous,
            )
            for record in found
        ]

    async def survey_results(self, survey_id: int, locale: str) -> SurveyResults | None:
        record = await survey_by_id(self.session, survey_id)
        if record is None:
            return None
        results = await load_results(self.session, record)
        if locale == "en" and record.title_en:
            results.title = record.title_en
        return results

    async def tip_to_rate(self, code: str) -> str | None:
        tip = await find_tip_by_code(self.session, code) if code else None
        if tip is None:
            return N_("surveys.rating.unknown")
        if tip.status != CLOSED_TIP:
            return N_("surveys.rating.not_closed")
        if await tip_was_rated(self.session, rated_digests(self.sealer, code)):
            return N_("surveys.rating.already")
        return None

    async def service_figures(self, path: str, since: date) -> list[ServiceFigures]:
        return await service_figures(self.session, path, since)


def month_of(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TIME).date().replace(day=1)


@dataclass
class _Month:
    ratings: int = 0
    average: float | None = None
    comments: int = 0
    tips: int = 0
    in_time: int = 0


async def service_figures(session: AsyncSession, path: str, since: date) -> list[ServiceFigures]:
    """The ratings by commune and month, beside the tips received there that month and those
    acknowledged within ``ACKNOWLEDGE_WITHIN``."""
    months: dict[tuple[str, date], _Month] = {}
    names: dict[str, str] = {}
    for rating in await ratings_within(session, path, since=since):
        names[rating.area_path] = rating.area_name
        months[(rating.area_path, rating.month)] = _Month(
            rating.count, rating.average, rating.comments
        )
    start = datetime.combine(since, time(0), tzinfo=LOCAL_TIME).astimezone(UTC)
    for tip in await tip_times_within(session, path, since=start):
        commune = commune_path(tip.area_path) or tip.area_path
        month = months.setdefault((commune, month_of(tip.received_at)), _Month())
        month.tips += 1
        acknowledged = tip.acknowledged_at
        if acknowledged is not None and acknowledged - tip.received_at <= ACKNOWLEDGE_WITHIN:
            month.in_time += 1
    for commune, _ in months:
        if commune not in names:
            names[commune] = await commune_name(session, commune)
    ordered = sorted(months.items(), key=lambda item: (-item[0][1].toordinal(), names[item[0][0]]))
    return [
        ServiceFigures(
            names[commune],
            day,
            month.ratings,
            month.average,
            month.comments,
            month.tips,
            month.in_time,
        )
        for (commune, day), month in ordered
    ]


async def commune_name(session: AsyncSession, path: str) -> str:
    area = await area_by_code(session, path.rstrip("/").rsplit("/", 1)[-1])
    return area.name if area is not None else path
