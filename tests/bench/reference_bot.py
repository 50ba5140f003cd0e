"""A minimal tip bot on python-telegram-bot's own ``ConversationHandler``: the yardstick of the
Telegram polling benchmark (telegram_polling.py).

It asks what our bot asks in the tip flow (language, menu, category, description, place, time,
attachments, identity and perhaps a phone number, confirmation) with the same texts, taken from
our catalogues, and the same keyboards: inline buttons for choices, a reply keyboard with a
"share my location" button for the place. It also sends as many messages per answer as our bot
does, so that both cost the fake Bot API server alike. What it leaves out is what our bot adds:
no database (the conversations live in PTB's memory, the tips in a list), no "typing…", no
removal of answered keyboards, no validation of answers beyond the handlers' filters.

Like our channel it handles the updates of different users at once and those of one user one
after the other. PTB warns that ConversationHandler relies on updates being processed one by
one: it stores a conversation's new state only when the callback returns, after the answer was
sent, so a user quick enough to answer meanwhile would find the old state and be ignored. Per
user is enough for that, hence ``OneAtATimePerUser``; all updates one by one (the documented
way) would make the yardstick needlessly slow.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import secrets
import warnings
from collections import defaultdict
from collections.abc import Awaitable
from enum import IntEnum, auto
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from conversations.i18n import Catalogues
from conversations.tips.report import CATEGORIES, IDENTITY, MAX_ATTACHMENTS

LOCALE = "vi"
MENU = (
    ("tip", "menu.tip"),
    ("status", "menu.status"),
    ("language", "menu.language"),
    ("help", "menu.help"),
)
LANGUAGES = (("vi", "language.vi"), ("en", "language.en"))
SUMMARY = (("confirm", "summary.confirm"), ("edit", "summary.edit"), ("cancel", "summary.cancel"))
ANSWER_NOTED = "✅"
TYPED = filters.TEXT & ~filters.COMMAND


class Step(IntEnum):
    """The conversation's states, in the order a user meets them."""

    LANGUAGE = auto()
    MENU = auto()
    CATEGORY = auto()
    DESCRIPTION = auto()
    PLACE = auto()
    COMMUNE = auto()
    TIME = auto()
    ATTACHMENTS = auto()
    IDENTITY = auto()
    PHONE = auto()
    CONFIRM = auto()


class OneAtATimePerUser(BaseUpdateProcessor):
    """Processes updates of different users concurrently, those of one user in order."""

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        # One lock per user ever seen: a few hundred in a benchmark.
        self._locks: defaultdict[int | None, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        user = update.effective_user if isinstance(update, Update) else None
        async with self._locks[user.id if user is not None else None]:
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""


def tapped(pattern: str) -> str:
    """The ``CallbackQueryHandler`` pattern for the buttons of the question ``pattern``."""
    return rf"^{pattern}\|"


class ReferenceTipBot:
    """The tip flow as a PTB ``ConversationHandler`` receiving by long polling."""

    def __init__(
        self,
        token: str,
        base_url: str,
        catalogues: Catalogues,
        *,
        poll_timeout: dtm.timedelta = dtm.timedelta(seconds=10),
    ) -> None:
        self.catalogues = catalogues
        self.poll_timeout = poll_timeout
        self.tips: list[dict[str, Any]] = []
        self.application: Application = (  # type: ignore[type-arg]
            ApplicationBuilder()
            .token(token)
            .base_url(base_url)
            .concurrent_updates(OneAtATimePerUser())
            .job_queue(None)
            .build()
        )
        self.application.add_handler(self._conversation())

    async def start(self) -> None:
        await self.application.initialize()
        await self.application.start()
        assert self.application.updater is not None
        await self.application.updater.start_polling(poll_interval=0, timeout=self.poll_timeout)

    async def stop(self) -> None:
        assert self.application.updater is not None
        await self.application.updater.stop()
        await self.application.stop()
        await self.application.shutdown()

    def _conversation(self) -> ConversationHandler:  # type: ignore[type-arg]
        with warnings.catch_warnings():
            # Buttons are tracked per user, not per message (per_message=False), on purpose:
            # the conversation mixes typed answers and taps.
            warnings.simplefilter("ignore", PTBUserWarning)
            return ConversationHandler(
                entry_points=[CommandHandler("start", self.ask_language)],
                states={
                    Step.LANGUAGE: [CallbackQueryHandler(self.chose_language, tapped("locale"))],
                    Step.MENU: [CallbackQueryHandler(self.chose_menu, tapped("menu"))],
                    Step.CATEGORY: [CallbackQueryHandler(self.chose_category, tapped("category"))],
                    Step.DESCRIPTION: [MessageHandler(TYPED, self.described)],
                    Step.PLACE: [MessageHandler(filters.LOCATION | TYPED, self.placed)],
                    Step.COMMUNE: [
                        MessageHandler(TYPED, self.communed),
                        CallbackQueryHandler(self.communed, tapped("commune")),
                    ],
                    Step.TIME: [
                        MessageHandler(TYPED, self.timed),
                        CallbackQueryHandler(self.timed, tapped("time")),
                    ],
                    Step.ATTACHMENTS: [
                        MessageHandler(filters.PHOTO, self.attached),
                        CallbackQueryHandler(self.attachments_done, tapped("attachments")),
                    ],
                    Step.IDENTITY: [CallbackQueryHandler(self.chose_identity, tapped("identity"))],
                    Step.PHONE: [MessageHandler(TYPED, self.gave_phone)],
                    Step.CONFIRM: [CallbackQueryHandler(self.confirmed, tapped("summary"))],
                },
                fallbacks=[CommandHandler("start", self.ask_language)],
            )

    # ---------------------------------------------------------------- the steps

    async def ask_language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Step:
        await self._send(
            update, context, self.t("language.prompt"), self._choices("locale", LANGUAGES)
        )
        return Step.LANGUAGE

    async def chose_language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Step:
        await self._tap(update)
        await self._send(update, context, self.t("language.saved"))
        await self._send(update, context, self.t("home.welcome"))
        await self._send(update, context, self.t("menu.prompt"), self._choices("menu", MENU))
        return Step.MENU

    async def chose_menu(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Step:
        await self._tap(update)
        categories = tuple((option.id, option.label) for option in CATEGORIES.options)
        await self._send(update, context, self.t("tip.intro"))
        await self._send(
            update, context, self.t("tip.ask.category"), self._choices("category", categories)
        )
        return Step.CATEGORY

    async def chose_category(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Step:
        self._answers(context)["category"] = await self._tap(update)
        await self._send(update, context, self.t("tip.ask.description"))
        return Step.DESCRIPTION

    async def described(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Step:
        assert update.message is not None
        self._answers(context)["description"] = update.message.text
        keyboard = ReplyKeyboardMarkup(
            [
                [KeyboardButton(self.t("telegram.share_location"), request_location=True)],
                [KeyboardButton(self.t("common.unknown_place"))],
            ],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
        await self._send(update, context, self.t("tip.ask.place"), keyboard)
        return Step.PLACE

    async def placed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Step:
        assert update.message is not None
        location = update.message.location
        answers = self._answers(context)
        if location is not None:
            answers["place"] = (location.latitude, location.longitude)
        else:
            answers["place"] = update.message.text
        # One message cannot both remove the reply keyboard and carry inline buttons.
        await self._send(update, context, ANSWER_NOTED, ReplyKeyboardRemove())
        skip = self._choices("commune", (("unknown", "tip.commune.unknown"),))
        await self._send(update, context, self.t("tip.ask.commune"), skip)
        return Step.COMMUNE

    async def communed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Step:
        if update.callback_query is not None:
            self._answers(context)["commune"] = await self._tap(update)
        else:
            assert update.message is not None
            self._answers(context)["commune"] = update.message.text
        unknown = self._choices("time", (("unknown", "common.unknown"),))
        await self._send(update, context, self.t("tip.ask.time"), unknown)
        return Step.TIME

    async def timed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Step:
        if update.callback_query is not None:
            self._answers(context)["time"] = await self._tap(update)
        else:
            assert update.message is not None
            self._answers(context)["time"] = update.message.text
        skip = self._choices("attachments", (("done", "common.skip"),))
        await self._send(update, context, self.t("tip.ask.attachments"), skip)
        return Step.ATTACHMENTS

    async def attached(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Step:
        assert update.message is not None
        files: list[str] = self._answers(context).setdefault("attachments", [])
        files.append(update.message.photo[-1].file_id)
        received = self.t("input.attachment_received", count=len(files), maximum=MAX_ATTACHMENTS)
        await self._send(
            update, context, received, self._choices("attachments", (("done", "common.done"),))
        )
        return Step.ATTACHMENTS

    async def attachments_done(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Step:
        await self._tap(update)
        identities = tuple((option.id, option.label) for option in IDENTITY.options)
        await self._send(
            update, context, self.t("tip.ask.identity"), self._choices("identity", identities)
        )
        return Step.IDENTITY

    async def chose_identity(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Step:
        identity = await self._tap(update)
        self._answers(context)["identity"] = identity
        if identity == "contact":
            await self._send(update, context, self.t("tip.ask.phone"))
            return Step.PHONE
        await self._summarise(update, context)
        return Step.CONFIRM

    async def gave_phone(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Step:
        assert update.message is not None
        self._answers(context)["phone"] = update.message.text
        await self._summarise(update, context)
        return Step.CONFIRM

    async def confirmed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Step:
        if await self._tap(update) != "confirm":
            await self._send(update, context, self.t("menu.prompt"), self._choices("menu", MENU))
            return Step.MENU
        self.tips.append(dict(self._answers(context)))
        self._answers(context).clear()
        code = secrets.token_hex(4).upper()
        await self._send(update, context, self.t("tip.stored", code=f"{code[:4]}-{code[4:]}"))
        await self._send(update, context, self.t("tip.safety"))
        await self._send(update, context, self.t("menu.prompt"), self._choices("menu", MENU))
        return Step.MENU

    # ---------------------------------------------------------------- helpers

    def t(self, key: str, **params: object) -> str:
        return self.catalogues.text(LOCALE, key, **params)

    def _choices(self, ref: str, options: tuple[tuple[str, str], ...]) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(self.t(label), callback_data=f"{ref}|{option}")]
                for option, label in options
            ]
        )

    async def _summarise(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        answers = self._answers(context)
        lines = [self.t("summary.title", flow=self.t("menu.tip"))]
        lines += [f"{number}. {value}" for number, value in enumerate(answers.values(), 1)]
        lines.append(self.t("summary.question"))
        await self._send(update, context, "\n".join(lines), self._choices("summary", SUMMARY))

    @staticmethod
    def _answers(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
        assert context.user_data is not None
        return context.user_data.setdefault("answers", {})  # type: ignore[no-any-return]

    @staticmethod
    async def _tap(update: Update) -> str:
        """Stop the button's spinner; the id of the tapped option."""
        query = update.callback_query
        assert query is not None and query.data is not None
        await query.answer()
        return query.data.partition("|")[2]

    @staticmethod
    async def _send(
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        text: str,
        markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None,
    ) -> None:
        assert update.effective_chat is not None
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)
