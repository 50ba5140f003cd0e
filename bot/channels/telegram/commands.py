"""The command menu Telegram shows beside the text field, in Vietnamese and English.

Vietnamese is the default list; Telegram shows the English one to people whose app is in
English. Each command is one the engine already understands (see conversations/commands.py
and the flows' ``commands``).
"""

from __future__ import annotations

from telegram import Bot, BotCommand

from conversations.i18n import N_, Catalogues

COMMAND_MENU: tuple[tuple[str, str], ...] = (
    ("start", N_("telegram.command.start")),
    ("tip", N_("telegram.command.tip")),
    ("status", N_("telegram.command.status")),
    ("menu", N_("telegram.command.menu")),
    ("back", N_("telegram.command.back")),
    ("cancel", N_("telegram.command.cancel")),
    ("help", N_("telegram.command.help")),
    ("language", N_("telegram.command.language")),
    ("privacy", N_("telegram.command.privacy")),
)
# The default list (no language_code) is Vietnamese; these get their own.
OTHER_LANGUAGES = ("en",)


def command_menu(catalogues: Catalogues, locale: str) -> list[BotCommand]:
    return [BotCommand(name, catalogues.text(locale, key)) for name, key in COMMAND_MENU]


async def publish_command_menu(bot: Bot, catalogues: Catalogues) -> None:
    """setMyCommands for the default (Vietnamese) list and each other language."""
    await bot.set_my_commands(command_menu(catalogues, "vi"))
    for language in OTHER_LANGUAGES:
        await bot.set_my_commands(command_menu(catalogues, language), language_code=language)
