"""The Zalo Bot Platform's terms: a user is told they are talking to an automated assistant."""

from __future__ import annotations

from storage.database import Database
from tests.bot.channels.harness import ZaloUser, running_bot
from tests.conversations.harness import t


async def test_the_welcome_says_an_automated_assistant_answers(sqlite_database: Database) -> None:
    async with running_bot(sqlite_database, "webhook") as bot:
        user = ZaloUser(bot.server)
        await user.say("Xin chào", expect=t("language.prompt"))
        await user.say("1", expect=t("menu.prompt"))
        assert "hệ thống trả lời tự động" in user.text
        await user.say("/start", expect=t("menu.prompt"))
        assert "hệ thống trả lời tự động" in user.text
