"""The officers' tip inbox: statuses, who may move a tip where, effects and reads.

A tip moves received → acknowledged → forwarded / verifying → closed, or is rejected as
unfounded, a duplicate or spam. One officer handles a tip: "taking" it makes them its handler
and, when nobody had acknowledged it yet, acknowledges it at once (the officer has read it and
answers for it, which is what the 24-hour rule asks). Afterwards only the handler, or an admin
of the tip's place, changes its status; an admin may also take a tip over.

A rejection is stored as the status ``rejected`` on the tip; its reason (unfounded, duplicate,
spam) is the status of the step recorded in the tip's history.

The reads are a part of ``conversations.ports.Records``, so this module must not import
``conversations.ports``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from conversations.effects import Effect
from conversations.i18n import N_
from conversations.policy import ROLE_LABELS, Action, Grant, Role, may

RECEIVED = "received"
ACKNOWLEDGED = "acknowledged"
FORWARDED = "forwarded"
VERIFYING = "verifying"
CLOSED = "closed"
REJECTED = "rejected"

# Reasons of a rejection: each is an outcome an officer picks, stored on the tip as REJECTED.
UNFOUNDED = "unfounded"
DUPLICATE = "duplicate"
SPAM = "spam"
REJECTIONS = (UNFOUNDED, DUPLICATE, SPAM)

TAKE = "take"  # not a status: the officer becomes the tip's handler

# The statuses an officer may move a tip to, from each status (rejections by their reason).
NEXT: dict[str, tuple[str, ...]] = {
    RECEIVED: (ACKNOWLEDGED, *REJECTIONS),
    ACKNOWLEDGED: (VERIFYING, FORWARDED, CLOSED, *REJECTIONS),
    VERIFYING: (FORWARDED, CLOSED, *REJECTIONS),
    FORWARDED: (CLOSED,),
    CLOSED: (),
    REJECTED: (),
}
FINAL = frozenset({CLOSED, REJECTED})

MAX_NOTE = 500

# A thread message (either side) is 1–2,000 characters, with up to 5 files from the tipster.
MAX_THREAD_TEXT = 2000
MAX_THREAD_FILES = 5
# /status shows the thread's last few messages under the tip's status.
STATUS_THREAD_LINES = 3

# Who wrote a thread message, as officers see it: never which officer, never who the tipster is.
TIPSTER = "tipster"
OFFICER = "officer"

# Each side writes at most this many thread messages per tip within THREAD_WINDOW (the
# deployment's ANTQ_THREAD_MESSAGES_PER_HOUR): a flood by either side is answered politely.
THREAD_MESSAGES_PER_HOUR = 10
THREAD_WINDOW = timedelta(hours=1)

# Days after a tip is closed before its sender's sealed route back and phone are erased, as
# the tipster is told (the settings' ANTQ_RETENTION_TIP_ROUTES_DAYS / _PHONES_DAYS default).
KEPT_AFTER_CLOSING_DAYS = 90

# How staff see a status or an outcome (the sender is told in their own words: SENDER_NOTICES).
STATUS_LABELS: dict[str, str] = {
    RECEIVED: N_("inbox.status.received"),
    ACKNOWLEDGED: N_("inbox.status.acknowledged"),
    FORWARDED: N_("inbox.status.forwarded"),
    VERIFYING: N_("inbox.status.verifying"),
    CLOSED: N_("inbox.status.closed"),
    REJECTED: N_("inbox.status.rejected"),
    UNFOUNDED: N_("inbox.status.unfounded"),
    DUPLICATE: N_("inbox.status.duplicate"),
    SPAM: N_("inbox.status.spam"),
}

# The buttons an officer taps, with the words that pick them when typed.
ACTION_LABELS: dict[str, str] = {
    TAKE: N_("inbox.action.take"),
    ACKNOWLEDGED: N_("inbox.action.acknowledge"),
    VERIFYING: N_("inbox.action.verify"),
    FORWARDED: N_("inbox.action.forward"),
    CLOSED: N_("inbox.action.close"),
    UNFOUNDED: N_("inbox.action.unfounded"),
    DUPLICATE: N_("inbox.action.duplicate"),
    SPAM: N_("inbox.action.spam"),
}
ACTION_WORDS: dict[str, tuple[str, ...]] = {
    TAKE: ("nhan", "nhan xu ly", "nhan phu trach", "phu trach", "take"),
    ACKNOWLEDGED: ("tiep nhan", "xac nhan tiep nhan", "xac nhan", "acknowledge", "ack"),
    VERIFYING: ("xac minh", "verify"),
    FORWARDED: ("chuyen", "forward"),
    CLOSED: ("xong", "dong", "close"),
    UNFOUNDED: ("khong co co so", "unfounded"),
    DUPLICATE: ("trung", "trung lap", "duplicate"),
    SPAM: ("rac", "tin rac", "khong thuoc antt", "spam"),
}


def status_after(outcome: str) -> str:
    """The tip's stored status once ``outcome`` is chosen."""
    return REJECTED if outcome in REJECTIONS else outcome


def note_required(outcome: str) -> bool:
    """A rejection must say why; other steps may carry a note."""
    return outcome in REJECTIONS


@dataclass(frozen=True)
class InboxAttachment:
    """A file sent with a tip: its kind and the id the sender's platform gave it."""

    kind: str  # photo | video | voice | document
    channel: str
    file_id: str
    caption: str | None = None  # the sender's words with it


@dataclass(frozen=True)
class ThreadLine:
    """A message of a tip's thread as officers see it: which side wrote it, when (to the
    minute), what it said and how many files came with it; never who wrote it."""

    direction: str  # TIPSTER | OFFICER
    text: str | None
    files: int
    created_at: datetime
    important: bool = False
    location: tuple[float, float] | None = None  # a point the tipster shared
    captions: tuple[str, ...] = ()  # the words sent with its files (a photo's caption)


def waiting_since(thread: Iterable[ThreadLine]) -> datetime | None:
    """Since when the tipster waits for an answer: their first message after the officers'
    last one; None when the officers wrote last (or nobody wrote)."""
    since: datetime | None = None
    for line in thread:
        if line.direction == OFFICER:
            since = None
        elif since is None:
            since = line.created_at
    return since


# The role an officer who gave no name is shown by, most fitting first.
HANDLER_ROLES = (Role.OFFICER, Role.ADMIN, Role.LEADER, Role.MODEL_LEAD)


@dataclass(frozen=True)
class TipHandler:
    """Who handles a tip, as staff see it: the member, the name their platform gave (None on
    the console, Zalo or a command-line admin) and the role they hold now (None once they
    hold none), which shows an unnamed officer."""

    member_id: int
    name: str | None
    role: str | None


def handler_role(roles: Iterable[str]) -> str | None:
    """The role a handler holding ``roles`` is shown by."""
    held = set(roles)
    return next((role.value for role in HANDLER_ROLES if role.value in held), None)


def describe_handler(
    handler: TipHandler | None, viewer_id: int | None, t: Callable[..., str]
) -> str:
    """ "Đang do đồng chí xử lý" to the handler themself (known by their member id, not by a
    name), "Đang do cán bộ X xử lý" to others, an unnamed officer by their role; or that
    nobody has taken the tip yet."""
    if handler is None:
        return t(N_("inbox.no_handler"))
    if handler.member_id == viewer_id:
        return t(N_("inbox.handled_by_you"))
    if handler.name:
        return t(N_("inbox.handled_by"), name=handler.name)
    if handler.role in ROLE_LABELS:
        return t(N_("inbox.handled_by_role"), role=t(ROLE_LABELS[Role(handler.role)]))
    return t(N_("inbox.handled_by"), name=t(N_("inbox.someone")))


@dataclass(frozen=True)
class InboxTip:
    """A tip as the staff of its place see it: never who sent an anonymous tip.

    ``handler_grant_ids`` are the role ids the handler holds now, so that a member can tell
    "this is mine" from the roles they carry. ``reachable``: a route back to the sender is
    still kept (an anonymous tip's sealed route, a named sender's account), so officers may
    write to them; the sender erased their data, or the route expired, otherwise.
    """

    code: str
    category: str
    status: str
    outcome: str  # the status, or a rejection's reason
    received_at: datetime
    acknowledged_at: datetime | None
    forwarded_at: datetime | None
    closed_at: datetime | None
    place_path: str  # "" when the tip has no place: no place-bound role sees it
    place_name: str | None
    description: str
    place_text: str | None
    latitude: float | None
    longitude: float | None
    occurred: str | None  # "dd/mm/yyyy HH:MM" as the sender said, or None when unknown
    anonymous: bool
    contact_phone: str | None
    attachments: tuple[InboxAttachment, ...]
    handler: TipHandler | None
    handler_grant_ids: frozenset[int]
    note: str | None
    thread: tuple[ThreadLine, ...] = ()  # oldest first
    first_answer_at: datetime | None = None  # an officer's first message in the thread
    thread_ended_at: datetime | None = None  # the tipster ended the dialogue
    reachable: bool = True

    @property
    def has_handler(self) -> bool:
        return self.handler is not None


@dataclass(frozen=True)
class InboxLine:
    """A line of the inbox: never the text, the place or the sender."""

    code: str
    category: str
    status: str
    received_at: datetime
    handler: TipHandler | None


def handles(grants: Iterable[Grant], tip: InboxTip) -> bool:
    """Is the member holding ``grants`` the tip's handler?"""
    return any(grant.id in tip.handler_grant_ids for grant in grants)


def allowed_actions(grants: tuple[Grant, ...], tip: InboxTip) -> tuple[str, ...]:
    """What the member may do with ``tip`` now: take it, and the statuses they may set."""
    if not may(grants, Action.HANDLE_TIP, tip.place_path):
        return ()
    mine = handles(grants, tip)
    oversees = may(grants, Action.REASSIGN_TIP, tip.place_path)
    actions: list[str] = []
    if tip.status not in FINAL and not mine and (not tip.has_handler or oversees):
        actions.append(TAKE)
    if mine or oversees:
        actions.extend(NEXT.get(tip.status, ()))
    return tuple(actions)


def may_ask(grants: tuple[Grant, ...], tip: InboxTip) -> bool:
    """May the member holding ``grants`` write to the tip's sender? Its handler, an officer of
    its place while nobody has taken it, or one who oversees the place; not once it is over."""
    if tip.status in FINAL or not may(grants, Action.HANDLE_TIP, tip.place_path):
        return False
    return (
        handles(grants, tip)
        or not tip.has_handler
        or may(grants, Action.REASSIGN_TIP, tip.place_path)
    )


async def thread_full(
    records: TipReads, code: str, direction: str, now: datetime, limit: int
) -> bool:
    """Has the ``direction`` side written ``limit`` messages about tip ``code`` this hour?"""
    return await records.thread_messages_since(code, direction, now - THREAD_WINDOW) >= limit


@dataclass(frozen=True)
class AddToTip(Effect):
    """The sender of tip ``code`` adds to it (text, files as {kind, channel, file_id}); the
    bot stores it in the tip's thread, without who wrote it, and tells the officers."""

    code: str
    text: str | None
    attachments: tuple[dict[str, Any], ...] = ()
    location: tuple[float, float] | None = None
    answer: bool = False  # an answer to the officers' question (/traloi), not an addition


@dataclass(frozen=True)
class AskTipster(Effect):
    """An officer writes ``text`` to the sender of tip ``code``, through the tip's own route."""

    code: str
    text: str
    attachments: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class EndThread(Effect):
    """The sender of tip ``code`` ends the dialogue: officers are told; nothing more is
    relayed to the sender."""

    code: str


@dataclass(frozen=True)
class MarkThreadMessage(Effect):
    """An officer marks message ``number`` (1: the oldest) of tip ``code``'s thread as
    important, or takes the mark off."""

    code: str
    number: int
    important: bool = True


@dataclass(frozen=True)
class TakeTip(Effect):
    """The member becomes the handler of tip ``code`` (acknowledging it if nobody had)."""

    code: str


@dataclass(frozen=True)
class ChangeTipStatus(Effect):
    """Move tip ``code`` to ``outcome`` (a status or a rejection's reason), with a note."""

    code: str
    outcome: str
    note: str | None = None


class TipReads(Protocol):
    """Reads about tips as officers handle them."""

    async def inbox_tip(self, code: str) -> InboxTip | None:
        """The tip ``code`` for staff eyes; the caller asks the policy first."""
        ...

    async def inbox_lines(self, path: str, *, limit: int) -> list[InboxLine]:
        """Tips placed in ``path`` or below: unacknowledged first, then the newest."""
        ...

    async def tip_status(self, code: str) -> TipStatus | None:
        """The status of the tip ``code``; None when there is none. The code is the secret:
        whoever holds it follows the tip up (the status flow guards against guessing)."""
        ...

    async def thread_messages_since(self, code: str, direction: str, since: datetime) -> int:
        """How many messages the ``direction`` side wrote about tip ``code`` since ``since``."""
        ...


@dataclass(frozen=True)
class StoreTip(Effect):
    """Store a resident's tip under ``code``.

    ``sender_member_id`` is always given so the bot can seal the route back to the sender; the
    bot keeps it in the tip row only when the tip is not anonymous.
    """

    code: str
    category: str
    description: str
    place_text: str | None
    latitude: float | None
    longitude: float | None
    place_unknown: bool
    occurred_date: date | None
    occurred_time: str | None
    occurred_unknown: bool
    anonymous: bool
    contact_phone: str | None
    sender_member_id: int
    locale: str
    attachments: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    area_id: int | None = None  # the commune the sender named; None when not known


@dataclass(frozen=True)
class RecordTipView(Effect):
    """An officer or admin looked at the tip ``code``: audit it (who, which tip, when)."""

    code: str


@dataclass(frozen=True)
class TipStatus:
    """A tip's progress as its sender may see it."""

    code: str
    status: str
    received_at: datetime
    # The thread's last messages (STATUS_THREAD_LINES at most), oldest first.
    thread: tuple[ThreadLine, ...] = ()
    thread_ended: bool = False  # the sender ended the dialogue
    # An officer invited the sender to be proposed for a commendation; not answered yet.
    commendation_invited: bool = False
