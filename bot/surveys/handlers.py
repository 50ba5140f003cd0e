"""The effects of surveys: storing one and sending its invitation (a broadcast row, so that
the broadcasts' fan-out sends it at the platform's rate), taking a person's answers once,
sending the results as a file, and storing a tipster's rating.

Nothing here logs or audits an answer: an audit entry naming the member beside the survey at
the minute they answered is exactly the link an anonymous survey must not keep.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.channels import CHANNELS_WITHOUT_FILES
from bot.effect_context import EffectContext, EffectHandler
from bot.surveys import answered_digests, draft_digests, rated_digests
from bot.surveys.files import render_png, write_csv, write_xlsx
from bot.surveys.reads import is_open, load_results
from conversations.broadcasts import SCHEDULED
from conversations.effects import Effect
from conversations.i18n import N_, Catalogues
from conversations.localtime import LOCAL_TIME, shown
from conversations.places import commune_path, is_inside
from conversations.policy import Action, PolicyViolation, may
from conversations.replies import Document
from conversations.surveys import (
    ANSWER_BUTTON_KEY,
    CHOICE,
    INVITATION_KEY,
    MAX_NUMBER,
    MAX_TEXT_ANSWER,
    NUMBER,
    CloseSurvey,
    CreateSurvey,
    DiscardSurveyDraft,
    KeepSurveyDraft,
    Question,
    RateTipHandling,
    SendSurveyResults,
    SubmitSurveyAnswers,
    answer_command,
    remind_moment,
)
from storage.areas import area_by_code, area_by_id
from storage.broadcasts import NewBroadcast, audience_size, insert_broadcast
from storage.surveys import (
    OPEN,
    NewSurvey,
    close_survey,
    count_responses,
    discard_draft,
    insert_rating,
    insert_survey,
    keep_draft,
    record_response,
    set_survey_broadcast,
    survey_by_id,
)
from storage.tips.records import find_tip_by_code

LOCALES = ("vi", "en")
SURVEY_CREATED = "survey.created"
SURVEY_CLOSED = "survey.closed"
WRITERS = {"png": render_png, "csv": write_csv, "xlsx": write_xlsx}


async def _create(ctx: EffectContext, effect: CreateSurvey) -> None:
    refused = "a survey outside the member's places"
    place = await ctx.place_where(Action.BROADCAST, refused, area_id=effect.area_id)
    for area_id in effect.audience.area_ids:
        area = await area_by_id(ctx.session, area_id)
        if area is None or not is_inside(area.path, place.path):
            raise PolicyViolation("a survey audience outside the sender's place")
    survey_id = await insert_survey(
        ctx.session,
        NewSurvey(
            created_by=ctx.member.id,
            area_id=effect.area_id,
            broadcast_id=None,
            audience=effect.audience.as_json(),
            title_vi=effect.title_vi,
            title_en=effect.title_en,
            questions=[question.as_json() for question in effect.questions],
            anonymous=effect.anonymous,
            status=OPEN,
            closes_at=effect.closes_at,
            remind_at=remind_moment(ctx.now, effect.closes_at),
            created_at=ctx.now,
        ),
    )

    def invitation(locale: str, title: str) -> str:
        return ctx.catalogues.text(
            locale,
            INVITATION_KEY,
            title=title,
            count=len(effect.questions),
            closes=shown(effect.closes_at),
            number=survey_id,
        )

    recipients = await audience_size(ctx.session, effect.audience.as_json())
    broadcast_id = await insert_broadcast(
        ctx.session,
        NewBroadcast(
            created_by=ctx.member.id,
            area_id=effect.area_id,
            audience=effect.audience.as_json(),
            text_vi=invitation("vi", effect.title_vi),
            text_en=invitation("en", effect.title_en or effect.title_vi),
            photo=None,
            status=SCHEDULED,
            send_at=ctx.now,
            recipients=recipients,
            created_at=ctx.now,
            buttons=answer_buttons(ctx.catalogues, survey_id),
        ),
    )
    await set_survey_broadcast(ctx.session, survey_id, broadcast_id)
    await ctx.audit(SURVEY_CREATED, subject_kind="survey", subject_id=survey_id, area_id=place.id)
    ctx.say(N_("surveys.created"), number=survey_id, count=recipients)


def answer_buttons(catalogues: Catalogues, survey_id: int) -> dict[str, list[list[str]]]:
    """The invitation's button in each language: a tap answers the survey."""
    command = answer_command(survey_id)
    return {locale: [[catalogues.text(locale, ANSWER_BUTTON_KEY), command]] for locale in LOCALES}


def valid_answers(questions: list[Question], answers: tuple[Any, ...]) -> bool:
    """The answers fit the questions (a flow made them; a stale or forged one is refused)."""
    if len(answers) != len(questions):
        return False
    for question, value in zip(questions, answers, strict=True):
        if question.kind == CHOICE:
            fits = isinstance(value, int) and 0 <= value < len(question.options)
        elif question.kind == NUMBER:
            fits = isinstance(value, int) and 0 <= value <= MAX_NUMBER
        else:
            fits = isinstance(value, str) and 0 < len(value) <= MAX_TEXT_ANSWER
        if not fits:
            return False
    return True


async def _submit(ctx: EffectContext, effect: SubmitSurveyAnswers) -> None:
    """Who may answer was asked when the answering started (``survey_to_answer``, the only
    way to the effect); here what may have changed since: the closing, and an answer given
    meanwhile from another chat of the same person (the "answered" mark, in one statement)."""
    record = await survey_by_id(ctx.session, effect.survey_id)
    if record is None:
        ctx.say(N_("surveys.answer.not_found"), number=effect.survey_id)
        return
    if not is_open(record, ctx.now):
        ctx.say(N_("surveys.answer.closed"))
        return
    questions = [Question.of(stored) for stored in record.questions]
    if not valid_answers(questions, effect.answers):
        raise PolicyViolation("survey answers that do not fit the survey")
    stored = await record_response(
        ctx.session,
        record.id,
        digests=answered_digests(ctx.sealer, record.id, ctx.member.id),
        answers=list(effect.answers),
        respondent=ctx.member.id,
        member_id=None if record.anonymous else ctx.member.id,
        now=ctx.now,
    )
    if effect.drafted:  # otherwise no draft was kept: one statement less an answer
        digests = draft_digests(ctx.sealer, record.id, ctx.member.id)
        await discard_draft(ctx.session, record.id, digests)
    ctx.say(N_("surveys.answer.thanks") if stored else N_("surveys.answer.already"))


def fits_so_far(questions: list[Question], answers: tuple[Any, ...]) -> bool:
    """The first answers fit their questions (``valid_answers`` of a beginning)."""
    return len(answers) < len(questions) and valid_answers(questions[: len(answers)], answers)


async def _keep_draft(ctx: EffectContext, effect: KeepSurveyDraft) -> None:
    """The answers so far, kept apart until the person comes back (never logged)."""
    record = await survey_by_id(ctx.session, effect.survey_id)
    if record is None or not is_open(record, ctx.now):
        return  # the next answer or the sending says it closed
    questions = [Question.of(stored) for stored in record.questions]
    if not fits_so_far(questions, effect.answers):
        raise PolicyViolation("survey answers that do not fit the survey")
    digests = draft_digests(ctx.sealer, record.id, ctx.member.id)
    await keep_draft(ctx.session, record.id, digests, list(effect.answers))


async def _discard_draft(ctx: EffectContext, effect: DiscardSurveyDraft) -> None:
    digests = draft_digests(ctx.sealer, effect.survey_id, ctx.member.id)
    await discard_draft(ctx.session, effect.survey_id, digests)


async def _close(ctx: EffectContext, effect: CloseSurvey) -> None:
    """An admin closes a survey before its time: no more answers, the drafts go."""
    record = await survey_by_id(ctx.session, effect.survey_id)
    if record is None or not may(ctx.member.roles, Action.BROADCAST, record.area_path):
        raise PolicyViolation("closing a survey outside the member's places")
    if not await close_survey(ctx.session, record.id, now=ctx.now):
        ctx.say(N_("surveys.close.already"), number=record.id)
        return
    await ctx.audit(
        SURVEY_CLOSED, subject_kind="survey", subject_id=record.id, area_id=record.area_id
    )
    count = await count_responses(ctx.session, record.id)
    ctx.say(N_("surveys.close.done"), number=record.id, count=count)


async def _results(ctx: EffectContext, effect: SendSurveyResults) -> None:
    record = await survey_by_id(ctx.session, effect.survey_id)
    if record is None or not may(ctx.member.roles, Action.BROADCAST, record.area_path):
        raise PolicyViolation("survey results outside the member's places")
    if effect.format not in WRITERS:
        raise PolicyViolation("survey results in an unknown format")
    if ctx.message.channel in CHANNELS_WITHOUT_FILES:
        ctx.say(N_("surveys.no_files_here"), number=record.id)
        return
    results = await load_results(ctx.session, record)
    if ctx.locale == "en" and record.title_en:
        results.title = record.title_en
    data = await asyncio.to_thread(WRITERS[effect.format], results, ctx.locale, ctx.text)
    name = f"khaosat-{record.id}.{effect.format}"
    caption = ctx.text(N_("surveys.file.caption"), number=record.id, count=results.respondents)
    ctx.replies.append(Document(caption, name, data))


async def _rate(ctx: EffectContext, effect: RateTipHandling) -> None:
    tip = await find_tip_by_code(ctx.session, effect.tip_code)
    if tip is None or tip.status != "closed" or effect.score not in range(1, 6):
        return
    commune_id = None
    if tip.area_id is not None:
        area = await area_by_id(ctx.session, tip.area_id)
        commune = commune_path(area.path) if area is not None else None
        if commune is not None:
            found = await area_by_code(ctx.session, commune.rstrip("/").rsplit("/", 1)[-1])
            commune_id = found.id if found is not None else None
    await insert_rating(
        ctx.session,
        digests=rated_digests(ctx.sealer, effect.tip_code),
        area_id=commune_id,
        month=ctx.now.astimezone(LOCAL_TIME).date(),
        score=effect.score,
        comment=effect.comment,
    )


EFFECT_HANDLERS: dict[type[Effect], EffectHandler] = {
    CreateSurvey: _create,
    SubmitSurveyAnswers: _submit,
    SendSurveyResults: _results,
    RateTipHandling: _rate,
    KeepSurveyDraft: _keep_draft,
    DiscardSurveyDraft: _discard_draft,
    CloseSurvey: _close,
}
