"""Surveys on the web console: the surveys of one's places, one survey's results as they come
in (counts and shares per option, overall and by place, drawn as SVG), its CSV and XLSX files;
and the tipsters' ratings by commune and month beside the tips acknowledged within a day.

An anonymous survey's texts are shown without any author: the tally never holds one."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.surveys.files import place_name, write_csv, write_xlsx
from bot.surveys.reads import SurveyRecords, load_results, service_figures
from bot.web.auth import Viewer
from bot.web.charts import Bar, share_bars
from bot.web.kit import ConsoleKit, row_id
from bot.web.rendering import secured
from conversations.localtime import local_today
from conversations.places import outermost
from conversations.policy import Action, may, scopes
from conversations.surveys import ACKNOWLEDGE_WITHIN, CHOICE, RATING_MONTHS, QuestionResult
from conversations.surveys.rating import months_back
from storage.surveys import SurveyRecord, survey_by_id

SHOWN = 30
FILES = {
    "csv": (write_csv, "text/csv; charset=utf-8"),
    "xlsx": (write_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def survey_routes(kit: ConsoleKit) -> list[BaseRoute]:
    pages = SurveyPages(kit)
    return [
        Route("/web/surveys", kit.signed_in(pages.surveys, reads=True), methods=["GET"]),
        Route("/web/surveys/{id}", kit.signed_in(pages.survey, reads=True), methods=["GET"]),
        Route(
            "/web/surveys/{id}/file/{format}",
            kit.signed_in(pages.file, reads=True),
            methods=["GET"],
        ),
    ]


def chart(result: QuestionResult, locale: str) -> object:
    """A choice question's options as SVG bars of their share of the answers."""
    labels = result.question.option_labels(locale)
    bars = [
        Bar(label, result.percent(count) / 100, f"{result.percent(count):.0f}% ({count})")
        for label, count in zip(labels, result.counts, strict=True)
    ]
    return share_bars(bars, title=result.question.text(locale))


class SurveyPages:
    def __init__(self, kit: ConsoleKit) -> None:
        self.kit = kit

    async def surveys(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        may_survey = may(viewer.grants, Action.BROADCAST)
        may_see_tips = may(viewer.grants, Action.LIST_TIPS)
        if not (may_survey or may_see_tips):
            return self.kit.not_found(request, viewer)
        records = SurveyRecords(session, self.kit.sealer)
        listed = []
        for place in outermost(scopes(viewer.grants, Action.BROADCAST)):
            listed.extend(await records.surveys_within(place.path, limit=SHOWN))
        since = months_back(local_today(self.kit.now()), RATING_MONTHS)
        figures = []
        for place in outermost(scopes(viewer.grants, Action.LIST_TIPS)):
            figures.extend(await service_figures(session, place.path, since))
        return self.kit.page(
            request,
            "surveys.html",
            viewer,
            surveys=sorted(listed, key=lambda item: item.id, reverse=True),
            figures=figures,
            months=RATING_MONTHS,
            hours=int(ACKNOWLEDGE_WITHIN.total_seconds() // 3600),
        )

    async def survey(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        found = await self._record(request, session, viewer)
        if found is None:
            return self.kit.not_found(request, viewer)
        locale = self.kit.locale_of(request, viewer)
        results = await load_results(session, found)
        if locale == "en" and found.title_en:
            results.title = found.title_en

        def unknown(place: str) -> str:
            return place_name(place, lambda key: self.kit.text(request, viewer, key))

        questions = []
        for number, result in enumerate(results.questions, start=1):
            questions.append(
                {
                    "number": number,
                    "result": result,
                    "text": result.question.text(locale),
                    "labels": result.question.option_labels(locale),
                    "chart": chart(result, locale) if result.question.kind == CHOICE else None,
                    "places": [
                        (unknown(place), counts)
                        for place, counts in sorted(result.by_place.items())
                    ],
                    "mean": (
                        round(sum(result.numbers) / len(result.numbers), 2)
                        if result.numbers
                        else None
                    ),
                }
            )
        return self.kit.page(
            request, "survey.html", viewer, results=results, record=found, questions=questions
        )

    async def file(self, request: Request, session: AsyncSession, viewer: Viewer) -> Response:
        found = await self._record(request, session, viewer)
        kind = request.path_params.get("format")
        if found is None or kind not in FILES:
            return self.kit.not_found(request, viewer)
        locale = self.kit.locale_of(request, viewer)
        results = await load_results(session, found)
        writer, media_type = FILES[kind]

        def text(key: str, **params: object) -> str:
            return self.kit.text(request, viewer, key, **params)

        data = await asyncio.to_thread(writer, results, locale, text)
        name = f"khaosat-{found.id}-{local_today(self.kit.now()):%Y%m%d}.{kind}"
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        return secured(Response(data, media_type=media_type, headers=headers))

    async def _record(
        self, request: Request, session: AsyncSession, viewer: Viewer
    ) -> SurveyRecord | None:
        """The survey the path names, if it lies in the viewer's places."""
        survey_id = row_id(str(request.path_params.get("id", "")))
        if survey_id is None:
            return None
        found = await survey_by_id(session, survey_id)
        if found is None or not may(viewer.grants, Action.BROADCAST, found.area_path):
            return None
        return found
