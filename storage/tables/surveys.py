"""Surveys: a few questions sent to an audience like a broadcast, and their answers; and the
tipsters' ratings of how their tip was handled.

An anonymous survey's answers keep no link to their author (see ``storage.surveys``): a
response row holds the answers, the respondent's home area and the day, never a member; who
answered is a separate set of keyed digests of (survey, member) that shares nothing with the
responses (no id, no time). Both tables are stored without SQLite's hidden row id, so not even
the order in which rows were written can pair a digest with a response.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables._base import Base, utcnow


class Survey(Base):
    """A short survey by an admin to the audience of its invitation (a broadcast row).

    ``questions`` is a list of {"kind": "choice" | "number" | "text", "text_vi", "text_en",
    "options": [{"vi", "en"}, ...]}. ``remind_at`` is when the one reminder goes to those who
    have not answered; ``closes_at`` when answers stop being taken.
    """

    __tablename__ = "surveys"
    __table_args__ = (
        Index("ix_surveys_status_closes_at", "status", "closes_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="SET NULL")
    )
    audience: Mapped[dict[str, Any]] = mapped_column(JSON)
    title_vi: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(Text)
    questions: Mapped[list[Any]] = mapped_column(JSON)
    anonymous: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16))  # open | closed
    closes_at: Mapped[datetime] = mapped_column()
    remind_at: Mapped[datetime] = mapped_column()
    # The reminder is queued a page a tick, by member id: the last member it reached so far.
    reminded_through: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reminded_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyResponse(Base):
    """One person's answers to a survey: the values by question number, the home area they
    answered from (for the results by place) and the day. ``member_id`` only for a named
    survey. The id is random: a counter would tell the order people answered in."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        Index("ix_survey_responses_survey", "survey_id"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    answers: Mapped[list[Any]] = mapped_column(JSON)
    answered_on: Mapped[datetime] = mapped_column()  # a day stamp, never finer


class SurveyAnswered(Base):
    """Who has answered a survey, as keyed digests of (survey, member) under the server key:
    one answer per person, and the reminder skips them, with no member id and no time here
    and nothing shared with ``survey_responses``."""

    __tablename__ = "survey_answered"
    __table_args__ = ({"sqlite_with_rowid": False},)

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)


class SurveyDraft(Base):
    """A person's answers so far to a survey they left half-way (to do something else, or
    the chat was closed), so that coming back resumes at the next question. Keyed by a
    digest of (survey, member) under the server key, as the "answered" marks: no member id
    and no time here. Erased when the answers are sent, when the person cancels, and when the
    survey closes (retention)."""

    __tablename__ = "survey_drafts"
    __table_args__ = ({"sqlite_with_rowid": False},)

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    answers: Mapped[list[Any]] = mapped_column(JSON)


class TipRating(Base):
    """A tipster's rating (1–5) of how their tip was received and handled, with an optional
    comment: the commune and the month only, never the tip nor its sender (random id)."""

    __tablename__ = "tip_ratings"
    __table_args__ = (
        Index("ix_tip_ratings_area_month", "area_id", "month"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    month: Mapped[Any] = mapped_column(Date)  # the first day of the month
    score: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)


class TipRated(Base):
    """The tips whose tipster has rated their handling (a keyed digest of the tip's code),
    so that a tip is rated once; nothing here points to the rating itself."""

    __tablename__ = "tip_rated"
    __table_args__ = ({"sqlite_with_rowid": False},)

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
