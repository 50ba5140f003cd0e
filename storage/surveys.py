"""Surveys: the rows, who may answer, the answers and their tallies; tipsters' ratings.

Unlinkable answers (an anonymous survey): ``record_response`` writes two rows that share
nothing but the survey: the response (random id, answers, home area, the day) and the keyed
digest of (survey, member) that says "this person has answered" (made by the caller under the
server key, so that the table alone names nobody). Neither row has a member id or a time finer
than the day, and both tables are kept without SQLite's hidden row id, so the order of writing
is not kept either. Whoever holds the key can tell who answered (the reminder must), never
what they answered.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Sequence
from dataclasses import KW_ONLY, asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, and_, bindparam, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert

from storage._sql import areas, dialect_name, insert_row, inside, members, record_columns, tips
from storage.broadcasts import AudienceMember, audience_member
from storage.retention import Expiry
from storage.tables import day_stamp
from storage.tables.surveys import (
    Survey,
    SurveyAnswered,
    SurveyDraft,
    SurveyResponse,
    TipRated,
    TipRating,
)

surveys: Table = Survey.__table__  # type: ignore[assignment]
survey_responses: Table = SurveyResponse.__table__  # type: ignore[assignment]
survey_answered: Table = SurveyAnswered.__table__  # type: ignore[assignment]
survey_drafts: Table = SurveyDraft.__table__  # type: ignore[assignment]
tip_ratings: Table = TipRating.__table__  # type: ignore[assignment]
tip_rated: Table = TipRated.__table__  # type: ignore[assignment]

OPEN = "open"
CLOSED = "closed"

__all__ = [
    "CLOSED",
    "CLOSED_SURVEY_DRAFTS",
    "CLOSED_SURVEY_MARKS",
    "CLOSED_SURVEY_RESPONSES",
    "OPEN",
    "AudienceMember",
    "NewSurvey",
    "ResponseRow",
    "SurveyRecord",
    "advance_reminder",
    "answered_among",
    "audience_member",
    "close_survey",
    "discard_draft",
    "due_to_close",
    "due_to_remind",
    "has_answered",
    "insert_rating",
    "insert_survey",
    "keep_draft",
    "list_surveys",
    "lock_survey",
    "ratings_within",
    "record_response",
    "response_pages",
    "set_survey_broadcast",
    "survey_by_id",
    "survey_draft",
    "tip_times_within",
    "tip_was_rated",
]


@dataclass(frozen=True, slots=True)
class NewSurvey:
    """A survey to store (see ``storage.tables.surveys.Survey``)."""

    created_by: int | None
    area_id: int
    broadcast_id: int | None
    audience: dict[str, Any]
    title_vi: str
    title_en: str | None
    questions: list[dict[str, Any]]
    anonymous: bool
    status: str
    closes_at: datetime
    remind_at: datetime
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SurveyRecord(NewSurvey):
    """A stored survey with its id and the name and path of the place it was sent within."""

    _: KW_ONLY
    id: int
    area_name: str
    area_path: str
    reminded_through: int
    reminded_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class ResponseRow:
    """One response as the results read it: the answers, the place, and (named surveys only)
    the respondent's name."""

    answers: list[Any]
    area_id: int | None
    area_name: str | None
    member_id: int | None
    member_name: str | None


_select_surveys = select(
    *record_columns(SurveyRecord, surveys, area_name=areas.c.name, area_path=areas.c.path)
).select_from(surveys.join(areas, areas.c.id == surveys.c.area_id))


async def insert_survey(session: AsyncSession, survey: NewSurvey) -> int:
    return await insert_row(session, surveys, asdict(survey))


async def set_survey_broadcast(session: AsyncSession, survey_id: int, broadcast_id: int) -> None:
    """The broadcast that carries the survey's invitation."""
    await session.execute(
        update(surveys).where(surveys.c.id == survey_id).values(broadcast_id=broadcast_id)
    )


# Statements of every answer built once (their parameters bound at each execution): building
# them again for each answer was about a third of the event loop's time in the benchmark.
_survey_by_id = _select_surveys.where(surveys.c.id == bindparam("survey_id"))
_insert_response = survey_responses.insert().values(
    area_id=select(members.c.home_area_id)
    .where(members.c.id == bindparam("respondent"))
    .scalar_subquery()
)


def _mark_statement(dialect: str) -> Insert:
    make_insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return (
        make_insert(survey_answered)
        .values(survey_id=bindparam("survey_id"), digest=bindparam("digest"))
        .on_conflict_do_nothing(index_elements=["survey_id", "digest"])
        .returning(survey_answered.c.survey_id)
    )


_insert_mark = {dialect: _mark_statement(dialect) for dialect in ("postgresql", "sqlite")}


async def survey_by_id(session: AsyncSession, survey_id: int) -> SurveyRecord | None:
    row = (await session.execute(_survey_by_id, {"survey_id": survey_id})).one_or_none()
    return None if row is None else SurveyRecord(**row._asdict())


async def list_surveys(
    session: AsyncSession, *, within_path: str | None = None, limit: int = 20
) -> list[SurveyRecord]:
    """The newest surveys, optionally only those sent within a place's subtree."""
    statement = _select_surveys
    if within_path is not None:
        statement = statement.where(inside(areas.c.path, within_path))
    statement = statement.order_by(surveys.c.id.desc()).limit(limit)
    return [SurveyRecord(**row._asdict()) for row in await session.execute(statement)]


async def has_answered(session: AsyncSession, survey_id: int, digests: Sequence[str]) -> bool:
    """Whether the person of ``digests`` (their mark under each listed key) has answered."""
    return bool(await answered_among(session, survey_id, digests))


async def answered_among(session: AsyncSession, survey_id: int, digests: Sequence[str]) -> set[str]:
    """Which of ``digests`` have answered the survey."""
    if not digests:
        return set()
    rows = await session.execute(
        select(survey_answered.c.digest).where(
            survey_answered.c.survey_id == survey_id,
            survey_answered.c.digest.in_(list(digests)),
        )
    )
    return set(rows.scalars())


async def record_response(
    session: AsyncSession,
    survey_id: int,
    *,
    digests: Sequence[str],
    answers: list[Any],
    respondent: int,
    member_id: int | None,
    now: datetime,
) -> bool:
    """Store one person's answers and mark them as having answered; False (nothing stored)
    when they had answered already. ``digests``: their mark under each listed server key, the
    newest first (the newest is stored; an older one found means answered before the key was
    replaced). The response's place is the home area of ``respondent`` (read by the INSERT
    itself: one statement less an answer); ``member_id`` (the same person) only for a named
    survey."""
    newest, *older = digests
    if older and await has_answered(session, survey_id, older):
        return False
    # The mark first, in one statement that also says whether it was there: two processes
    # racing on one person store one response.
    mark = _insert_mark[dialect_name(session)]
    marked = await session.execute(mark, {"survey_id": survey_id, "digest": newest})
    if marked.first() is None:
        return False
    await session.execute(
        _insert_response,
        {
            "id": secrets.token_hex(16),
            "survey_id": survey_id,
            "respondent": respondent,
            "member_id": member_id,
            "answers": answers,
            "answered_on": day_stamp(now),
        },
    )
    return True


async def _insert_new(session: AsyncSession, table: Table, values: dict[str, Any]) -> bool:
    """INSERT a row unless its primary key is stored already; whether it was inserted."""
    make_insert = pg_insert if dialect_name(session) == "postgresql" else sqlite_insert
    keys = list(table.primary_key.columns)
    statement = (
        make_insert(table)
        .values(values)
        .on_conflict_do_nothing(index_elements=keys)
        .returning(keys[0])
    )
    return (await session.execute(statement)).first() is not None


async def count_responses(session: AsyncSession, survey_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(survey_responses)
            .where(survey_responses.c.survey_id == survey_id)
        )
        or 0
    )


async def response_pages(
    session: AsyncSession, survey_id: int, *, page: int = 5_000
) -> AsyncIterator[list[ResponseRow]]:
    """The survey's responses, a page at a time (keyset on the random id)."""
    after = ""
    while True:
        statement = (
            select(
                survey_responses.c.id,
                survey_responses.c.answers,
                survey_responses.c.area_id,
                areas.c.name.label("area_name"),
                survey_responses.c.member_id,
                members.c.display_name.label("member_name"),
            )
            .select_from(
                survey_responses.outerjoin(
                    areas, areas.c.id == survey_responses.c.area_id
                ).outerjoin(members, members.c.id == survey_responses.c.member_id)
            )
            .where(survey_responses.c.survey_id == survey_id, survey_responses.c.id > after)
            .order_by(survey_responses.c.id)
            .limit(page)
        )
        rows = (await session.execute(statement)).all()
        if not rows:
            return
        yield [
            ResponseRow(row.answers, row.area_id, row.area_name, row.member_id, row.member_name)
            for row in rows
        ]
        if len(rows) < page:
            return
        after = rows[-1].id


async def due_to_remind(session: AsyncSession, *, now: datetime) -> list[SurveyRecord]:
    statement = _select_surveys.where(
        surveys.c.status == OPEN,
        surveys.c.reminded_at.is_(None),
        surveys.c.remind_at <= now,
        surveys.c.closes_at > now,
    ).order_by(surveys.c.id)
    return [SurveyRecord(**row._asdict()) for row in await session.execute(statement)]


async def advance_reminder(
    session: AsyncSession, survey_id: int, *, through: int, done: bool, now: datetime
) -> None:
    """The reminder reached every member up to ``through``; ``done``: everybody."""
    values: dict[str, Any] = {"reminded_through": through}
    if done:
        values["reminded_at"] = now
    await session.execute(update(surveys).where(surveys.c.id == survey_id).values(values))


async def lock_survey(session: AsyncSession, survey_id: int) -> bool:
    """Hold the survey's row until the transaction ends; False when another process holds
    it (PostgreSQL; SQLite has one writer at a time)."""
    row = await session.execute(
        select(surveys.c.id).where(surveys.c.id == survey_id).with_for_update(skip_locked=True)
    )
    return row.first() is not None


async def due_to_close(session: AsyncSession, *, now: datetime) -> list[SurveyRecord]:
    statement = _select_surveys.where(
        surveys.c.status == OPEN, surveys.c.closes_at <= now
    ).order_by(surveys.c.id)
    return [SurveyRecord(**row._asdict()) for row in await session.execute(statement)]


async def close_survey(session: AsyncSession, survey_id: int, *, now: datetime) -> bool:
    """Stop taking answers; False when it was closed already (another process did)."""
    result = await session.execute(
        update(surveys)
        .where(surveys.c.id == survey_id, surveys.c.status == OPEN)
        .values(status=CLOSED, closed_at=now)
    )
    if not result.rowcount:
        return False
    # Nobody can send them any more: the answers half given go at once.
    await session.execute(delete(survey_drafts).where(survey_drafts.c.survey_id == survey_id))
    return True


# -- a person's answers so far ----------------------------------------------------------------


async def survey_draft(
    session: AsyncSession, survey_id: int, digests: Sequence[str]
) -> list[Any] | None:
    """The answers so far of the person of ``digests`` (their draft mark under each listed
    key), or None."""
    found = await session.scalar(
        select(survey_drafts.c.answers)
        .where(survey_drafts.c.survey_id == survey_id, survey_drafts.c.digest.in_(list(digests)))
        .order_by(survey_drafts.c.digest)
        .limit(1)
    )
    return None if found is None else list(found)


async def discard_draft(session: AsyncSession, survey_id: int, digests: Sequence[str]) -> None:
    await session.execute(
        delete(survey_drafts).where(
            survey_drafts.c.survey_id == survey_id, survey_drafts.c.digest.in_(list(digests))
        )
    )


def _keep_draft_statement(dialect: str) -> Insert:
    make_insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = make_insert(survey_drafts).values(
        survey_id=bindparam("survey_id"),
        digest=bindparam("digest"),
        answers=bindparam("answers", type_=survey_drafts.c.answers.type),
    )
    return statement.on_conflict_do_update(
        index_elements=["survey_id", "digest"], set_={"answers": statement.excluded.answers}
    )


# Built once, as the answers' statements above: it runs for every answer given.
_keep_draft = {dialect: _keep_draft_statement(dialect) for dialect in ("postgresql", "sqlite")}


async def keep_draft(
    session: AsyncSession, survey_id: int, digests: Sequence[str], answers: list[Any]
) -> None:
    """Keep the person's answers so far under their newest mark (one draft a person): one
    statement an answer; while the server key is being replaced, a draft under an older
    mark goes first."""
    newest, *older = digests
    if older:
        await discard_draft(session, survey_id, older)
    await session.execute(
        _keep_draft[dialect_name(session)],
        {"survey_id": survey_id, "digest": newest, "answers": answers},
    )


# -- retention --------------------------------------------------------------------------------


def _of_closed_surveys(table: Table) -> Expiry:
    """The rows of ``table`` of a survey closed before the cut-off."""
    return Expiry(
        table,
        lambda cut: table.c.survey_id.in_(
            select(surveys.c.id).where(surveys.c.status == CLOSED, surveys.c.closed_at < cut)
        ),
    )


# A closed survey's responses (with a named survey's link to each author) and its "answered"
# marks go after the retention period; the survey itself (its questions) stays.
CLOSED_SURVEY_RESPONSES = _of_closed_surveys(survey_responses)
CLOSED_SURVEY_MARKS = _of_closed_surveys(survey_answered)
# Drafts of a closed survey can never be sent (closing erases them; this catches the rest).
CLOSED_SURVEY_DRAFTS = _of_closed_surveys(survey_drafts)


# -- tipsters' ratings ------------------------------------------------------------------------


async def tip_was_rated(session: AsyncSession, digests: Sequence[str]) -> bool:
    """Whether the tip of ``digests`` (its mark under each listed key) was rated."""
    found = await session.scalar(
        select(tip_rated.c.digest).where(tip_rated.c.digest.in_(list(digests))).limit(1)
    )
    return found is not None


async def insert_rating(
    session: AsyncSession,
    *,
    digests: Sequence[str],
    area_id: int | None,
    month: date,
    score: int,
    comment: str | None,
) -> bool:
    """Store a rating with nothing but its commune and month (random id), and mark the tip
    as rated (``digests``: its keyed mark under each listed key, the newest stored); False
    when it was rated already."""
    newest, *older = digests
    if older and await tip_was_rated(session, older):
        return False
    if not await _insert_new(session, tip_rated, {"digest": newest}):
        return False
    await session.execute(
        tip_ratings.insert().values(
            id=secrets.token_hex(16),
            area_id=area_id,
            month=month.replace(day=1),
            score=score,
            comment=comment,
        )
    )
    return True


@dataclass(frozen=True, slots=True)
class RatingFigures:
    """The ratings of one commune in one month."""

    area_id: int
    area_name: str
    area_path: str
    month: date
    count: int
    average: float
    comments: int


async def ratings_within(
    session: AsyncSession, path: str, *, since: date | None = None
) -> list[RatingFigures]:
    """Ratings counted by commune and month, within a place's subtree, newest month first."""
    statement = (
        select(
            tip_ratings.c.area_id,
            areas.c.name,
            areas.c.path,
            tip_ratings.c.month,
            func.count().label("count"),
            func.avg(tip_ratings.c.score).label("average"),
            func.count(tip_ratings.c.comment).label("comments"),
        )
        .select_from(tip_ratings.join(areas, areas.c.id == tip_ratings.c.area_id))
        .where(inside(areas.c.path, path))
        .group_by(tip_ratings.c.area_id, areas.c.name, areas.c.path, tip_ratings.c.month)
        .order_by(tip_ratings.c.month.desc(), areas.c.name)
    )
    if since is not None:
        statement = statement.where(and_(tip_ratings.c.month >= since))
    return [
        RatingFigures(
            row.area_id,
            row.name,
            row.path,
            row.month,
            int(row.count),
            float(row.average),
            int(row.comments),
        )
        for row in await session.execute(statement)
    ]


@dataclass(frozen=True, slots=True)
class TipTimes:
    """When a tip inside a place came in and was acknowledged, and its place's path."""

    area_path: str
    received_at: datetime
    acknowledged_at: datetime | None


async def tip_times_within(session: AsyncSession, path: str, *, since: datetime) -> list[TipTimes]:
    """The tips received within a place's subtree since ``since`` (for the 24-hour figures
    shown beside the ratings)."""
    statement = (
        select(areas.c.path, tips.c.received_at, tips.c.acknowledged_at)
        .select_from(tips.join(areas, areas.c.id == tips.c.area_id))
        .where(inside(areas.c.path, path), tips.c.received_at >= since)
        .order_by(tips.c.received_at, tips.c.id)
    )
    return [
        TipTimes(row.path, row.received_at, row.acknowledged_at)
        for row in await session.execute(statement)
    ]
