"""The engine's reads of surveys: reach, whether a member may answer, lists and results."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.sealing import Sealer
from bot.surveys import answered_digest, rated_digest
from conversations.audience import Audience
from conversations.i18n import N_
from conversations.surveys import (
    Question,
    Response,
    SurveyResults,
    SurveySummary,
    SurveyToAnswer,
    Tally,
)
from storage.broadcasts import audience_size
from storage.surveys import (
    OPEN,
    SurveyRecord,
    audience_includes,
    count_responses,
    has_answered,
    list_surveys,
    response_pages,
    survey_by_id,
    tip_was_rated,
)
from storage.tips.records import find_tip_by_code

CLOSED_TIP = "closed"


def is_open(record: SurveyRecord, now: datetime) -> bool:
    return record.status == OPEN and record.closes_at > now


async def _pages(session: AsyncSession, survey_id: int) -> AsyncIterator[list[Response]]:
    async for page in response_pages(session, survey_id):
        yield [Response(row.answers, row.area_name, row.member_name) for row in page]


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
    return counted.results


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
        if record is None or not await audience_includes(self.session, record.audience, member_id):
            return N_("surveys.answer.not_found")
        if not is_open(record, now):
            return N_("surveys.answer.closed")
        digest = answered_digest(self.sealer, survey_id, member_id)
        if await has_answered(self.session, survey_id, digest):
            return N_("surveys.answer.already")
        return SurveyToAnswer(
            record.id,
            record.title_vi,
            record.title_en,
            tuple(Question.of(stored) for stored in record.questions),
            record.anonymous,
            record.closes_at,
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
        if await tip_was_rated(self.session, rated_digest(self.sealer, code)):
            return N_("surveys.rating.already")
        return None
