"""Opinions and proposals (góp ý, kiến nghị): its domain, effects and reads.

Not crime tips: a resident tells the commune what they think should be done about security
and order, traffic, lighting, cameras or fire safety, named or anonymously; the commune's
officers see them in a queue of their own (beside the tips, never mixed with them), answer
once or a few times, and mark them done.

The reads are a part of ``conversations.ports.Records``, so this module must not import
``conversations.ports``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from conversations.effects import Effect
from conversations.fields import Choice, ChoiceOption
from conversations.i18n import N_

CATEGORIES = Choice(
    ChoiceOption("security", N_("opinions.category.security"), ("an ninh", "trat tu", "antt")),
    ChoiceOption("traffic", N_("opinions.category.traffic"), ("giao thong", "traffic")),
    ChoiceOption("lighting", N_("opinions.category.lighting"), ("chieu sang", "den", "lighting")),
    ChoiceOption("camera", N_("opinions.category.camera"), ("camera",)),
    ChoiceOption(
        "fire_safety", N_("opinions.category.fire_safety"), ("pccc", "phong chay", "fire")
    ),
    ChoiceOption("other", N_("opinions.category.other"), ("khac", "other")),
)

IDENTITY = Choice(
    ChoiceOption("anonymous", N_("opinions.identity.anonymous"), ("an danh", "anonymous")),
    ChoiceOption("named", N_("opinions.identity.named"), ("ghi ten", "named", "co ten")),
)

# The officer's choices on an opinion of the queue.
ANSWER, DONE, CLOSE, FORUM = "answer", "done", "close", "forum"
OFFICER_ACTIONS = Choice(
    ChoiceOption(ANSWER, N_("opinions.action.answer"), ("tra loi", "answer")),
    ChoiceOption(DONE, N_("opinions.action.done"), ("da xong", "hoan thanh", "done")),
    ChoiceOption(CLOSE, N_("opinions.action.close"), ("thoat", "dong", "close")),
    ChoiceOption(FORUM, N_("opinions.action.forum"), ("dien dan", "lang nghe", "forum")),
)


MIN_TEXT, MAX_TEXT = 10, 2000
MAX_ANSWER = 2000
MAX_LISTED = 10
# The two sides of an opinion's thread (``storage.opinions``).
OFFICER_SIDE, RESIDENT_SIDE = "officer", "resident"
DONE_STATUS = "done"
# What a forum's summary shows of an opinion's words: the start, when they carry no
# personal data (``bot.opinions.forum``).
SHORT_TEXT = 80


@dataclass(frozen=True)
class OpinionView:
    """An opinion as an officer reads it: never who sent it when anonymous."""

    code: str
    category: str
    text: str
    place: str | None
    commune: str
    commune_path: str
    status: str
    received_on: str
    anonymous: bool
    has_photo: bool
    # (side, text) of its thread, in the order written: the officers' answers and the
    # resident's words back.
    thread: tuple[tuple[str, str], ...] = ()

    @property
    def answers(self) -> tuple[str, ...]:
        """The officers' answers."""
        return tuple(text for side, text in self.thread if side == OFFICER_SIDE)

    @property
    def awaits_resident(self) -> bool:
        """The last word of the thread is an officer's: the resident may write back once."""
        return (
            self.status != DONE_STATUS and bool(self.thread) and self.thread[-1][0] == OFFICER_SIDE
        )

    def listed(self) -> dict[str, Any]:
        """What the queue keeps of it across messages."""
        return {"code": self.code, "category": self.category, "text": self.text[:60]}


@dataclass(frozen=True)
class StoreOpinion(Effect):
    """Store a resident's opinion (anonymous: no member, the route back sealed) and tell the
    commune's officers that one came."""

    code: str
    category: str
    text: str
    place_text: str | None
    latitude: float | None
    longitude: float | None
    photo: dict[str, Any] | None
    anonymous: bool
    locale: str
    area_id: int


@dataclass(frozen=True)
class AnswerOpinion(Effect):
    """An officer's answer to opinion ``code``: kept in its thread and sent to its sender."""

    code: str
    text: str


@dataclass(frozen=True)
class FinishOpinion(Effect):
    """An officer marks opinion ``code`` done; its sender is told."""

    code: str


@dataclass(frozen=True)
class WriteBack(Effect):
    """The resident's word back to the officers' answer in opinion ``code``'s thread: kept
    without who wrote it, and the commune's officers told."""

    code: str
    text: str


@dataclass(frozen=True)
class AttachToForum(Effect):
    """An officer lists opinion ``code`` among those forum ``event_id`` will answer; its named
    sender is told when and where."""

    code: str
    event_id: int


@dataclass(frozen=True)
class ForumView:
    """A forum ("Công an lắng nghe ý kiến Nhân dân") an opinion may be listed for."""

    event_id: int
    title: str
    place_text: str
    starts_at: str


@dataclass(frozen=True)
class ForumItem:
    """An opinion as a forum's details show it to anybody: its subject (a catalogue key), and
    its place and the start of its words only where they carry no personal data (None)."""

    category: str
    place: str | None
    words: str | None


class OpinionReads(Protocol):
    """Reads about opinions."""

    async def opinion_queue(self, paths: list[str], limit: int) -> list[OpinionView]:
        """The opinions not yet done of the places at ``paths`` and below, oldest first."""
        ...

    async def opinion(self, code: str) -> OpinionView | None:
        """One opinion with its thread of answers."""
        ...

    async def forums(self, commune_path: str, now: datetime) -> list[ForumView]:
        """The forums to come, not cancelled, held in the commune, above it or inside it."""
        ...

    async def forum_opinions(self, event_id: int) -> list[ForumItem]:
        """The opinions a forum will answer, oldest first, as anybody may read them."""
        ...
