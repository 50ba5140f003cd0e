"""Simulated residents who file a tip by reading the bot's questions, as a person would.

A user recognises each question by its Vietnamese text in the catalogues (the tip flow's step
prompts, the language and menu questions, "one more file?", the summary), never by its
position, so a question moved in the flow or an extra notice changes nothing here. A question
the user cannot recognise, an answer the bot did not take (the same question again) or a
message that asks nothing where a question was due makes the user fail at once with that
message's first line: a changed flow shows in the benchmark output instead of a hang or a
user answering the wrong question.

Every benchmark that files tips uses these users; only how a move travels differs (an
``Inbound`` to the processor, an update to the fake Bot API, a Zalo event). Answers vary with
the user's number (``variant``): category, description, place, time, anonymous or with a
phone number.

Reading costs little next to the bot's work: what to look for is found once per run
(``Phrasebook.load``), and reading one message is about twenty substring searches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from conversations.i18n import Catalogues
from conversations.tips.report import CATEGORIES, IDENTITY, tip_flow

LOCALE = "vi"
DESCRIPTIONS = (
    "Có người lạ mặt hay đứng trước cổng trường",
    "Nhóm thanh niên tụ tập đánh bạc ở bãi đất trống cuối ngõ 42 vào buổi tối",
    "Nghi có người buôn bán ma tuý tại quán nước đầu hẻm, thường có xe máy lạ ra vào",
    "Nhận được cuộc gọi giả danh công an yêu cầu chuyển tiền để 'xác minh tài khoản'",
)
PLACES = ("Cổng trường Kim Liên", "Chợ Hôm, phố Huế", "Ngõ 42 Trần Duy Hưng")
TIMES = ("hom nay 16h", "hom qua 21h", "20/11 21:00")
PHONE = "0912345678"
# Far more than one tip takes: a loop that the other checks miss still ends.
MAX_ANSWERS = 40

# The questions asked around the tip flow's own steps (which are named after the steps).
LANGUAGE = "language"
MENU = "menu"
MORE_FILES = "more_files"
SUMMARY = "summary"
AROUND_THE_STEPS = {
    LANGUAGE: "language.prompt",
    MENU: "menu.prompt",
    MORE_FILES: "input.attachment_received",
    SUMMARY: "summary.question",
}
# Messages that ask nothing; the first says the tip is stored.
FILED = "tip.stored"
NOTICES = (
    FILED,
    "language.saved",
    "language.from_app",
    "home.welcome",
    "tip.intro",
    "tip.safety",
    "tip.stored_no_officer",  # the bench's communes have no officer: call 113 if urgent
)
PROGRESS = "flow.progress"  # "Bước 3/8": left out of a question's first line
IDENTITY_LABELS = {option.id: option.label for option in IDENTITY.options}
# The labels a user looks for among the options offered.
LABELS = (
    "language.vi",
    "menu.tip",
    "tip.commune.unknown",
    "common.done",
    "privacy.agree",
    "summary.confirm",
    *IDENTITY_LABELS.values(),
    *(option.label for option in CATEGORIES.options),
)
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


class UserStuck(AssertionError):
    """A simulated user cannot go on: the bot asked something unknown, did not take an answer,
    or said nothing that asks. The message quotes what the bot sent."""


@dataclass(frozen=True)
class Choose:
    """Pick the offered option ``label``: tap it, or type ``typed`` where options are a list."""

    label: str
    typed: str  # its number in the list, or its label where the question takes words too


@dataclass(frozen=True)
class Type:
    text: str


@dataclass(frozen=True)
class ShareLocation:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class SendPhoto:
    """One photo from the phone's gallery."""


Move = Choose | Type | ShareLocation | SendPhoto
OPENING = Type("/start")  # how a new Telegram or console user opens the chat


def marker(template: str) -> str:
    """The longest literal part of a catalogue text: found in the message whatever fills its
    ``{placeholders}`` and whatever a channel puts around it (a step number, a list)."""
    piece = max(_PLACEHOLDER.split(template), key=len).strip()
    if len(piece) < 4:
        raise ValueError(f"too little fixed text to recognise {template!r}")
    return piece


def progress_line(template: str) -> re.Pattern[str]:
    """Matches a whole progress line such as "Bước 3/8"."""
    parts = (re.escape(part) for part in _PLACEHOLDER.split(template))
    return re.compile(r"\d+".join(parts))


@dataclass(frozen=True)
class Phrasebook:
    """What users look for in the bot's messages, found in the catalogues once per run."""

    questions: tuple[tuple[str, str], ...]  # (text to find, question name)
    notices: tuple[str, ...]  # texts of messages that ask nothing
    filed: str  # text of the message saying the tip is stored
    progress: re.Pattern[str]
    labels: Mapping[str, str]  # catalogue key -> label of an option
    categories: tuple[str, ...]  # catalogue keys of the category labels, in the flow's order

    @classmethod
    def load(cls, catalogues: Catalogues, *, notices: Sequence[str] = ()) -> Phrasebook:
        """``notices``: texts of a channel's own that ask nothing (an acknowledgement, say)."""

        def text(key: str) -> str:
            return catalogues.text(LOCALE, key)

        asked = {step.name: step.prompt for step in tip_flow().steps} | AROUND_THE_STEPS
        return cls(
            questions=tuple((marker(text(key)), name) for name, key in asked.items()),
            notices=(*(marker(text(key)) for key in NOTICES), *notices),
            filed=marker(text(FILED)),
            progress=progress_line(text(PROGRESS)),
            labels={key: text(key) for key in LABELS},
            categories=tuple(option.label for option in CATEGORIES.options),
        )

    def first_line(self, text: str) -> str:
        """The first line of the last paragraph (where the question is), the step number
        left out: what a failure quotes."""
        lines = [line for line in text.rpartition("\n\n")[2].splitlines() if line.strip()]
        if len(lines) > 1 and self.progress.fullmatch(lines[0].strip()):
            lines = lines[1:]
        return lines[0].strip() if lines else text.strip()


def numbered_options(text: str) -> list[str]:
    """The labels of the numbered list ("  1. Tiếng Việt") that ends a message where choices
    are text (Zalo, the console), in order."""
    labels: list[str] = []
    for line in reversed(text.splitlines()):
        number, dot, label = line.strip().partition(". ")
        if not (dot and number.isdigit()):
            break
        labels.append(label)
    labels.reverse()
    return labels


class TipFiler:
    """One new user filing one tip: reads what the bot sends and decides what to send back."""

    def __init__(self, phrasebook: Phrasebook, variant: int, *, shares_location: bool) -> None:
        self.book = phrasebook
        self.variant = variant
        self.shares_location = shares_location
        self.leaves_phone = variant % 3 == 0
        self._question: str | None = None  # read and not answered yet
        self._options: Sequence[str] = ()
        self._asked_in = ""  # the message holding that question
        self._text = ""  # the message read last
        self._answered: tuple[str, Move] | None = None
        self._answers = 0
        self._filed = False

    def read(self, text: str, options: Sequence[str] = ()) -> bool:
        """Take in one message of the bot and the labels of its options; True when it asks
        something (to answer with ``next_move``)."""
        self._text = text
        if self.book.filed in text:
            self._filed = True
        question, found_at = None, -1
        for wording, name in self.book.questions:
            at = text.rfind(wording)
            if at > found_at:
                question, found_at = name, at
        if question is None:
            if not options and any(notice in text for notice in self.book.notices):
                return False
            raise UserStuck(
                f"a message the user does not understand: {self.book.first_line(text)!r}"
            )
        self._question, self._options, self._asked_in = question, options, text
        return True

    def reply_to(self, messages: Iterable[tuple[str, Sequence[str]]]) -> Move | None:
        """Read a whole answer of the bot, (text, option labels) per message, and decide."""
        for text, options in messages:
            self.read(text, options)
        return self.next_move()

    def next_move(self) -> Move | None:
        """The answer to the question read last; None once the tip is filed (the menu again)."""
        question, text = self._question, self._asked_in
        if question is None:
            raise UserStuck(f"the bot's answer asks nothing: {self.book.first_line(self._text)!r}")
        if question == MENU and self._filed:
            return None
        if self._answered is not None and self._answered[0] == question:
            raise UserStuck(
                f"asked {question!r} again after {self._answered[1]}: "
                f"{text.strip().splitlines()[0]!r}"
            )
        self._answers += 1
        if self._answers > MAX_ANSWERS:
            raise UserStuck(
                f"{MAX_ANSWERS} answers and no tip filed; the last question: "
                f"{self.book.first_line(text)!r}"
            )
        answer = _ANSWERS.get(question)
        if answer is None:
            raise UserStuck(
                f"no answer to the question {question!r}: {self.book.first_line(text)!r}"
            )
        move = answer(self)
        self._question, self._answered = None, (question, move)
        return move

    # ---------------------------------------------------------------- the answers

    def _choose(self, key: str, *, in_words: bool = False) -> Choose:
        """The option labelled ``key``'s text; typed as its label where the question also
        takes words (a number would be read as a name or a wrong answer there)."""
        label = self.book.labels[key]
        if label not in self._options:
            raise UserStuck(
                f"no option {label!r} under {self.book.first_line(self._asked_in)!r}: "
                f"{list(self._options)}"
            )
        return Choose(label, label if in_words else str(self._options.index(label) + 1))

    def _language(self) -> Move:
        return self._choose("language.vi")

    def _menu(self) -> Move:
        return self._choose("menu.tip")

    def _category(self) -> Move:
        return self._choose(self.book.categories[self.variant % len(self.book.categories)])

    def _description(self) -> Move:
        return Type(DESCRIPTIONS[self.variant % len(DESCRIPTIONS)])

    def _place(self) -> Move:
        if self.shares_location:
            return ShareLocation(21.0 + self.variant % 97 / 1000, 105.8 + self.variant % 89 / 1000)
        return Type(PLACES[self.variant % len(PLACES)])

    def _commune(self) -> Move:
        return self._choose("tip.commune.unknown", in_words=True)

    def _time(self) -> Move:
        return Type(TIMES[self.variant % len(TIMES)])

    def _attachments(self) -> Move:
        return SendPhoto()

    def _more_files(self) -> Move:
        return self._choose("common.done", in_words=True)

    def _identity(self) -> Move:
        return self._choose(IDENTITY_LABELS["contact" if self.leaves_phone else "anonymous"])

    def _phone_consent(self) -> Move:
        return self._choose("privacy.agree")

    def _phone(self) -> Move:
        return Type(PHONE)

    def _summary(self) -> Move:
        return self._choose("summary.confirm")


# Question name -> how a user answers it. The tip flow's steps are named as in
# conversations/tips/report.py; a step added there has no answer here until one is written.
_ANSWERS: dict[str, Callable[[TipFiler], Move]] = {
    LANGUAGE: TipFiler._language,
    MENU: TipFiler._menu,
    "category": TipFiler._category,
    "description": TipFiler._description,
    "place": TipFiler._place,
    "commune": TipFiler._commune,
    "time": TipFiler._time,
    "attachments": TipFiler._attachments,
    MORE_FILES: TipFiler._more_files,
    "identity": TipFiler._identity,
    "phone_consent": TipFiler._phone_consent,
    "phone": TipFiler._phone,
    SUMMARY: TipFiler._summary,
}
